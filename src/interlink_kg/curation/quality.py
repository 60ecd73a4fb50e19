"""What needs a curator's attention in the published catalogue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rdflib import Literal

from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store


@dataclass(frozen=True)
class QualityReport:
    missing_languages: dict[str, dict[str, list[str]]]
    unaddressed_problem_profiles: list[str]
    uncovered_tasks: list[dict[str, Any]]
    broken_references: list[dict[str, str]]
    # problem profiles, schemas, phases, objectives and tasks without a name or a description
    # in one of the catalogue's languages
    missing_texts: list[dict[str, Any]]

    @property
    def issues(self) -> int:
        return (
            len(self.missing_languages)
            + len(self.missing_texts)
            + len(self.unaddressed_problem_profiles)
            + len(self.uncovered_tasks)
            + len(self.broken_references)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "issues": self.issues,
            "missing_languages": self.missing_languages,
            "missing_texts": self.missing_texts,
            "unaddressed_problem_profiles": self.unaddressed_problem_profiles,
            "uncovered_tasks": self.uncovered_tasks,
            "broken_references": self.broken_references,
        }

    def to_text(self) -> str:
        lines = [f"{self.issues} item(s) need attention"]
        lines.append(
            f"\nINTERLINKERs missing a language other INTERLINKERs have: "
            f"{len(self.missing_languages)}"
        )
        for identifier, fields in self.missing_languages.items():
            parts = "; ".join(f"{name}: {', '.join(langs)}" for name, langs in fields.items())
            lines.append(f"  {identifier} ({parts})")
        lines.append(
            f"\nproblem profiles and schema parts missing one of the catalogue's languages "
            f"({', '.join(SUPPORTED_LANGUAGES)}): {len(self.missing_texts)}"
        )
        for item in self.missing_texts:
            parts = "; ".join(
                f"{name}: {', '.join(langs)}" for name, langs in item["missing"].items()
            )
            lines.append(f"  {item['type']} {item['iri']} ({parts})")
        lines.append(
            f"\nproblem profiles no INTERLINKER addresses: {len(self.unaddressed_problem_profiles)}"
        )
        lines += [f"  {p}" for p in self.unaddressed_problem_profiles]
        lines.append(f"\ntasks no INTERLINKER helps with: {len(self.uncovered_tasks)}")
        for task in self.uncovered_tasks:
            reason = "no problem profile" if task["profiles"] == 0 else "profiles not addressed"
            lines.append(f"  {task['schema']}/{task['task']} ({reason})")
        lines.append(f"\nbroken internal references: {len(self.broken_references)}")
        lines += [f"  {r['subject']} {r['property']} {r['target']}" for r in self.broken_references]
        return "\n".join(lines) + "\n"


def quality_report(store: Store, base_iri: str) -> QualityReport:
    missing: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in store.select(query("quality-missing-languages")):
        missing[str(row["id"])][str(row["field"])].append(str(row["language"]))
    unaddressed = [str(r["id"]) for r in store.select(query("quality-unaddressed-problems"))]
    tasks = [
        {
            "schema": str(r["schemaId"]),
            "task": str(r["taskId"]),
            "iri": str(r["task"]),
            "profiles": int(r["profiles"].toPython()) if isinstance(r["profiles"], Literal) else 0,
        }
        for r in store.select(query("quality-uncovered-tasks"))
    ]
    broken = [
        {"subject": str(r["subject"]), "property": str(r["property"]), "target": str(r["target"])}
        for r in store.select(query("quality-broken-references", {"base": [Literal(base_iri)]}))
    ]
    return QualityReport(
        {k: dict(v) for k, v in missing.items()}, unaddressed, tasks, broken, missing_texts(store)
    )


def missing_texts(store: Store) -> list[dict[str, Any]]:
    """Problem profiles and schema parts lacking a name or description in a catalogue language."""
    languages = [Literal(lang) for lang in SUPPORTED_LANGUAGES]
    items: dict[str, dict[str, Any]] = {}
    for row in store.select(query("quality-missing-texts", {"language": languages})):
        iri = str(row["item"])
        item = items.setdefault(
            iri, {"type": str(row["type"]), "id": str(row["id"]), "iri": iri, "missing": {}}
        )
        item["missing"].setdefault(str(row["field"]), []).append(str(row["language"]))
    return list(items.values())
