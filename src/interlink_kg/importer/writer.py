"""Write the RDF converted from an upstream seed as Turtle files with relative IRIs."""

from __future__ import annotations

from pathlib import Path

from interlink_kg.errors import BadRequestError
from interlink_kg.importer.mapping import convert
from interlink_kg.importer.reader import read_seed
from interlink_kg.rdf.relative import relative_turtle

HEADER = (
    "# Converted by `interlink-kg import-upstream` from an INTERLINK catalogue seed.\n"
    "# IRIs are relative: they resolve against the configured base IRI when loaded."
)


def import_upstream(seed_dir: Path, out_dir: Path, base_iri: str) -> list[Path]:
    """Convert ``seed_dir`` and write one Turtle file per resource group under ``out_dir``."""
    graphs = convert(read_seed(seed_dir), base_iri)
    written = []
    for relative, graph in sorted(graphs.items()):
        target = out_dir / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(relative_turtle(graph, base_iri, HEADER), encoding="utf-8")
        except OSError as exc:
            raise BadRequestError(f"cannot write {target}: {exc.strerror}") from exc
        written.append(target)
    return written
