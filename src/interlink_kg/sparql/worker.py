"""The process that runs public queries: analyse, evaluate on its own copy of the data, write.

It holds the published graphs in an in-memory Oxigraph store loaded from a snapshot file the
parent names, and answers one message at a time over a pipe:

* :class:`Load` -> :class:`Loaded`
* :class:`Query` -> :class:`Answer`
* any failure -> :class:`~interlink_kg.processes.messages.Failed`

Its address space is capped, so a query that needs too much memory ends this process (the
parent reports it), not the server. Unless federated queries are configured, it is sealed off
the network before it reads any query (``processes/sandbox.py``): the pre-check of a
query is then a courtesy (clear messages), not the fence.

Errors that the engine raises while evaluating are never passed on verbatim when the worker
can reach the network: they may quote what a remote service answered.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import IO, Any, NamedTuple, cast

import pyoxigraph as ox

from interlink_kg.errors import (
    BadRequestError,
    InterlinkKGError,
    NotAcceptableError,
    ParseError,
)
from interlink_kg.processes.child import ChildLimits, serve_messages
from interlink_kg.queries import load_query
from interlink_kg.sparql.analysis import (
    AnalysedQuery,
    ServiceRefusedError,
    analyse,
    normalise,
)
from interlink_kg.sparql.description import entailed_types_graph
from interlink_kg.sparql.errors import (
    QueryCrashedError,
    QueryNotEvaluableError,
    ResultTooLargeError,
)
from interlink_kg.sparql.formats import BY_KIND, by_media_type, kind_of


@dataclass(frozen=True)
class WorkerConfig:
    base_iri: str  # the catalogue's
    endpoint_iri: str  # also the base IRI of relative IRIs in queries
    allowed_services: tuple[str, ...]
    max_result_bytes: int
    memory_bytes: int | None

    @property
    def sealed(self) -> bool:
        """No SERVICE may be called, so the worker gets no network at all."""
        return not self.allowed_services


@dataclass(frozen=True)
class QueryJob:
    query: str
    # The chosen media type per result kind (select, ask, graph); None when none is acceptable.
    media: dict[str, str | None]
    # The protocol's default-graph-uri / named-graph-uri (None when absent).
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    options: dict[str, Any] = field(default_factory=dict)


class Load(NamedTuple):
    """Load this snapshot of the published graphs (the catalogue's generation ``generation``)."""

    generation: str
    path: str


class Loaded(NamedTuple):
    generation: str


class Query(NamedTuple):
    job: QueryJob


class Answer(NamedTuple):
    media_type: str
    body: bytes


class _ResultOverflowError(Exception):
    pass


class _CappedBuffer(io.RawIOBase):
    """Collects written bytes and stops the writer once more than ``limit`` arrive."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.size += len(chunk)
        if self.size > self.limit:
            raise _ResultOverflowError
        self.parts.append(chunk)
        return len(chunk)

    def value(self) -> bytes:
        return b"".join(self.parts)


def _dataset(job: QueryJob, analysed: AnalysedQuery) -> dict[str, Any]:
    """The protocol's dataset wins over the query's FROM clauses; neither means every graph.

    Graph names are only ever looked up in the local copy: nothing is fetched.
    """
    if job.default_graphs is not None or job.named_graphs is not None:
        default, named = job.default_graphs or (), job.named_graphs or ()
    elif analysed.default_graphs or analysed.named_graphs:
        default, named = analysed.default_graphs, analysed.named_graphs
    else:
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [_graph_name(g) for g in default],
        "named_graphs": [_graph_name(g) for g in named],
    }


def _graph_name(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise BadRequestError(
            f"a dataset graph must be named by an absolute IRI, got {iri[:200]!r}",
            details={"graph": iri[:200]},
        ) from None


@lru_cache(maxsize=512)
def _analysed(text: str, allowed_services: tuple[str, ...], base_iri: str) -> AnalysedQuery:
    """Parsing with rdflib costs 1-10 ms a query: repeated queries (dashboards, harvesters
    polling) are checked once. Only queries that pass are cached (errors are raised again)."""
    return analyse(text, allowed_services, base_iri)


def run_query(store: ox.Store, job: QueryJob, config: WorkerConfig) -> tuple[str, bytes]:
    """Check, evaluate and serialise one query; the answer's media type and bytes."""
    text = normalise(job.query)  # the very text both the check and the engine read
    analysed = _analysed(text, config.allowed_services, config.endpoint_iri)
    kind = kind_of(analysed.form)
    media = job.media.get(kind)
    if media is None:
        raise NotAcceptableError(
            f"none of the requested media types is offered for a {analysed.form.upper()} query",
            details={"offered": [f.media_type for f in BY_KIND[kind]]},
        )
    fmt = by_media_type(media)
    buffer = _CappedBuffer(config.max_result_bytes)
    output = cast("IO[bytes]", buffer)
    try:
        answer = store.query(text, base_iri=config.endpoint_iri, **_dataset(job, analysed))
        # Evaluation is lazy: SERVICE calls and most engine errors happen while serialising.
        if isinstance(answer, ox.QueryTriples):
            answer.serialize(output, format=fmt.graph)
        else:
            answer.serialize(output, format=fmt.results)
    except SyntaxError as exc:
        raise ParseError(f"malformed SPARQL query: {exc}") from exc
    except _ResultOverflowError:
        raise ResultTooLargeError(
            f"the result is larger than {config.max_result_bytes} bytes; "
            "narrow the query or page through it with LIMIT and OFFSET",
            details={"max_result_bytes": config.max_result_bytes},
        ) from None
    except PermissionError:
        # Only the sandbox refuses anything in here: the engine tried to reach the network.
        raise ServiceRefusedError(SERVICE_REFUSED, details=_allowed(config)) from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise _evaluation_error(exc, config) from None
    return fmt.media_type, buffer.value()


SERVICE_REFUSED = (
    "this endpoint does not call remote SPARQL services (SERVICE); the query is refused"
)


def _allowed(config: WorkerConfig) -> dict[str, Any]:
    return {"allowed_services": sorted(config.allowed_services)}


# Engine messages known to speak of the query alone (passed on from a sealed worker).
SAFE_ENGINE_MESSAGES = ("The custom function",)
# Words of a failed attempt to reach the network (a SERVICE call the seal stopped).
NETWORK_WORDS = ("lookup", "address", "os error", "permission denied", "connect", "http", "dns")
# (checked after SAFE_ENGINE_MESSAGES, whose texts may name an IRI)


def _evaluation_error(exc: Exception, config: WorkerConfig) -> InterlinkKGError:
    """What the client is told about a query the engine could not evaluate.

    A sealed worker's failed network attempt gets the same answer as any refused SERVICE,
    whatever stopped it (the seal, a name lookup, a port the engine itself refuses): the answer
    must not tell which hosts resolve or which ports are open. Other engine messages are passed
    on only when known to speak of the query alone. A worker that may call services could be
    quoting a remote answer: it only says that the query failed.
    """
    text = str(exc)
    if config.sealed:
        if text.startswith(SAFE_ENGINE_MESSAGES):
            return QueryNotEvaluableError(f"the query cannot be evaluated: {text}")
        if any(word in text.lower() for word in NETWORK_WORDS):
            return ServiceRefusedError(SERVICE_REFUSED, details=_allowed(config))
        return QueryNotEvaluableError("the query cannot be evaluated by the engine")
    return QueryNotEvaluableError(
        "the query could not be evaluated (a SERVICE call may have failed); "
        "the engine's message is not shown because it may quote a remote service",
        details=_allowed(config),
    )


def _load(path: str, base_iri: str) -> ox.Store:
    """The published graphs from the snapshot, plus the types their class hierarchy implies
    in a graph of their own (queries use no reasoner: the hierarchy is materialised here)."""
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    implied = store.query(load_query("entailed-types"), use_default_graph_as_union=True)
    if isinstance(implied, ox.QueryTriples):
        graph = ox.NamedNode(entailed_types_graph(base_iri))
        store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in implied])
    return store


def main(conn: Connection) -> None:
    """The worker loop; ends when the parent closes the connection."""
    config: WorkerConfig = conn.recv()
    store = ox.Store()

    def handle(message: Load | Query) -> Loaded | Answer:
        nonlocal store
        if isinstance(message, Load):
            store = _load(message.path, config.base_iri)
            return Loaded(message.generation)
        media_type, body = run_query(store, message.job, config)
        return Answer(media_type, body)

    limits = ChildLimits(config.memory_bytes, sealed=config.sealed, name="SPARQL query")
    too_big = QueryCrashedError("the query needs too much memory; simplify it or add LIMIT")
    serve_messages(conn, limits, handle, too_big)


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: the messages the server sends
    # are instances of the imported module's classes.
    import importlib

    importlib.import_module("interlink_kg.sparql.worker").main(Connection(int(sys.argv[1])))
