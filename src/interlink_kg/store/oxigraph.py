"""The embedded Oxigraph backend (pyoxigraph), on disk or in memory.

Atomic replacement: every payload is first loaded into its own staging graph (each load is a
transaction of its own, so a parse error leaves nothing behind but staging data, which is then
dropped); then one SPARQL Update moves all staging graphs onto their targets. One update is one
transaction, so readers see either the old graphs or the new ones, never a mix.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from interlink_kg.errors import ParseError, StoreError
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.parse import to_rdflib
from interlink_kg.store.base import (
    INTERNAL_PREFIX,
    META_GRAPH,
    STAGING_PREFIX,
    GraphPayload,
    Row,
)

_META_SUBJECT = ox.NamedNode("urn:interlink-kg:store")
_META_NS = "urn:interlink-kg:meta:"


def _iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {value!r}") from exc


class OxigraphStore:
    """A :class:`~interlink_kg.store.base.Store` over a ``pyoxigraph.Store``."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.url = f"oxigraph:{path}" if path is not None else "memory:"
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            message = str(exc)
            if "lock" in message.lower():
                message = (
                    f"the store at {path} is in use by another process "
                    "(is `interlink-kg serve` running?)"
                )
            raise StoreError(f"cannot open store: {message}", details={"store": self.url}) from exc
        self._drop_leftover_staging()

    # -- graphs -----------------------------------------------------------------------------

    def _named(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def data_graphs(self) -> list[str]:
        return sorted(g for g in self._named() if not g.startswith(INTERNAL_PREFIX))

    def _drop_leftover_staging(self) -> None:
        """Remove staging graphs left by a process that died in the middle of a load."""
        for name in self._named():
            if name.startswith(STAGING_PREFIX):
                self._store.remove_graph(ox.NamedNode(name))

    def replace_graphs(self, graphs: Mapping[str, GraphPayload]) -> None:
        targets = {name: _iri(name) for name in graphs}
        staged: dict[str, ox.NamedNode] = {}
        try:
            for name, payload in graphs.items():
                staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4()}")
                staged[name] = staging
                self._store.add_graph(staging)
                self._load(payload, staging)
            operations = [
                f"MOVE SILENT GRAPH {staging} TO GRAPH {targets[name]}"
                for name, staging in staged.items()
            ]
            if operations:
                self._store.update(" ;\n".join(operations))
        finally:
            for staging in staged.values():
                if self._store.contains_named_graph(staging):
                    self._store.remove_graph(staging)

    def _load(self, payload: GraphPayload, graph: ox.NamedNode) -> None:
        try:
            self._store.load(
                payload.data,
                format=payload.format.oxigraph,
                base_iri=payload.base_iri,
                to_graph=graph,
            )
        except SyntaxError as exc:
            raise ParseError(
                f"{payload.source} is not valid {payload.format.name}: {exc}",
                details={"source": payload.source},
            ) from exc

    def drop_graphs(self, names: Iterable[str]) -> None:
        operations = [f"DROP SILENT GRAPH {_iri(name)}" for name in names]
        if operations:
            self._store.update(" ;\n".join(operations))

    # -- queries ----------------------------------------------------------------------------

    def _dataset(self, graphs: Sequence[str] | None) -> list[ox.NamedNode]:
        names = self.data_graphs() if graphs is None else list(graphs)
        return [_iri(name) for name in names]

    def _query(self, query: str, graphs: Sequence[str] | None) -> object:
        dataset = self._dataset(graphs)
        try:
            return self._store.query(
                query,
                default_graph=dataset or [ox.NamedNode(f"{INTERNAL_PREFIX}empty")],
                named_graphs=dataset,
            )
        except SyntaxError as exc:
            raise StoreError(f"invalid SPARQL query: {exc}") from exc

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        solutions = self._query(query, graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = to_rdflib(term)
            rows.append(row)
        return rows

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool:
        answer = self._query(query, graphs)
        if not isinstance(answer, ox.QueryBoolean):
            raise StoreError("expected an ASK query")
        return bool(answer)

    def construct(self, query: str, graphs: Sequence[str] | None = None) -> Graph:
        triples = self._query(query, graphs)
        if not isinstance(triples, ox.QueryTriples):
            raise StoreError("expected a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for triple in triples:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        dataset = self._dataset(graphs)
        seen: set[ox.Triple] = set()
        for graph in dataset:
            for quad in self._store.quads_for_pattern(None, None, None, graph):
                seen.add(quad.triple)
        ordered = sorted(seen, key=str)
        out = ox.serialize(ordered, format=fmt.oxigraph)
        return out if isinstance(out, bytes) else b""

    # -- metadata ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        for quad in self._store.quads_for_pattern(
            _META_SUBJECT, ox.NamedNode(_META_NS + key), None, ox.NamedNode(META_GRAPH)
        ):
            return str(quad.object.value)
        return None

    def set_meta(self, key: str, value: str) -> None:
        predicate = ox.NamedNode(_META_NS + key)
        graph = ox.NamedNode(META_GRAPH)
        for quad in list(self._store.quads_for_pattern(_META_SUBJECT, predicate, None, graph)):
            self._store.remove(quad)
        self._store.add(ox.Quad(_META_SUBJECT, predicate, ox.Literal(value), graph))

    def optimize(self) -> None:
        """Compact the on-disk store after a bulk change (see the engine notes)."""
        if self.path is not None:
            self._store.optimize()

    def close(self) -> None:
        self._store.flush()
        del self._store


def open_oxigraph(rest: str) -> OxigraphStore:
    if not rest.strip():
        raise StoreError("oxigraph: store URL needs a folder, e.g. oxigraph:/var/lib/interlink-kg")
    path = Path(rest).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return OxigraphStore(path)


def open_memory(rest: str) -> OxigraphStore:
    return OxigraphStore(None)
