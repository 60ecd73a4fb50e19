"""The typed validation report: what a curator reads, in JSON, text or RDF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with every term rendered as text (IRIs in full)."""

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    constraint: str
    allowed: tuple[str, ...] = ()
    # The value as an N-Triples term (an IRI stays an IRI in the RDF report); None when absent.
    value_term: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity.value,
            "focus_node": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "source_shape": self.source_shape,
            "constraint": self.constraint,
        }
        if self.allowed:
            out["allowed"] = list(self.allowed)
        return out


def _sort_key(result: ValidationResult) -> tuple[str, ...]:
    return (
        result.focus_node,
        result.severity.value,
        result.path or "",
        result.source_shape,
        result.value or "",
        result.message,
    )


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation run against one named shape set."""

    shapes_name: str
    shapes_version: str
    results: tuple[ValidationResult, ...] = field(default_factory=tuple)

    @classmethod
    def of(
        cls, shapes_name: str, shapes_version: str, results: Iterable[ValidationResult]
    ) -> ValidationReport:
        return cls(shapes_name, shapes_version, tuple(sorted(set(results), key=_sort_key)))

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity is Severity.VIOLATION)

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity is Severity.WARNING)

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not block)."""
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "shapes": {"name": self.shapes_name, "version": self.shapes_version},
            "counts": {
                "violations": len(self.violations),
                "warnings": len(self.warnings),
                "infos": len(self.results) - len(self.violations) - len(self.warnings),
            },
            "results": [r.to_dict() for r in self.results],
        }

    def to_text(self) -> str:
        """A plain-text report: a summary line, then one block per result."""
        head = (
            f"{'CONFORMS' if self.conforms else 'DOES NOT CONFORM'} to {self.shapes_name} "
            f"{self.shapes_version}: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)"
        )
        lines = [head]
        for r in self.results:
            lines.append("")
            lines.append(f"[{r.severity.value}] {r.focus_node}")
            if r.path:
                lines.append(f"  property: {r.path}")
            if r.value is not None:
                lines.append(f"  value:    {r.value}")
            lines.append(f"  problem:  {r.message}")
            if r.allowed:
                lines.append(f"  allowed:  {', '.join(r.allowed)}")
            lines.append(f"  shape:    {r.source_shape} ({r.constraint})")
        return "\n".join(lines) + "\n"
