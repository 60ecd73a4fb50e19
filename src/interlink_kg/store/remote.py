"""A store on a SPARQL 1.1 server, spoken over HTTP (``sparql+http://`` store URLs).

The default layout is Oxigraph server's: under one root, ``query`` (SPARQL Query) and ``update``
(SPARQL Update). Other servers name their endpoints differently (Apache Jena Fuseki:
``/ds/query``, ``/ds/update``; Virtuoso: ``/sparql`` for both): each endpoint can be given on
its own (:class:`Endpoints`). The tests run on Oxigraph and Virtuoso 7, whose departures from
the standard the store takes in forms every server reads (decision 0023). Reads
speak the SPARQL 1.1 Protocol: whole graphs are read with ``CONSTRUCT ... GRAPH``, so a
wrong endpoint is an error, never an empty graph. On Oxigraph's layout a copy of every data
graph (the public endpoint's snapshot) is one ``GET`` of its graph store as N-Quads, kept to the
data graphs as it arrives (:attr:`Endpoints.dump`); bulk loads are posted there too.

The contract is the embedded store's (:mod:`interlink_kg.store.base`):
- **all or nothing**: every payload is parsed here first (a syntax error stops everything before
  the server is touched); then *one* SPARQL Update request drops each target graph and inserts its
  triples, which a SPARQL 1.1 server applies as one request (Oxigraph and Fuseki in one
  transaction);
- **queries see the union of the named graphs**: with no graph given, a query names every data
  graph it may read as a default graph (``default-graph-uri``), so a server does not need a
  "union default graph" setting; the internal graphs (``urn:interlink-kg:``) are included the
  same way, as in the embedded store;
- **store settings** (``get_meta``/``set_meta``) live in an internal graph of the server;
- **every call has a timeout** (to connect, and for each read; a whole-store write has the long
  one), and past it an answer must keep a minimum average rate (a trickle is not an answer); a
  server that cannot be reached, times out or answers 502/503/504 raises
  :class:`~interlink_kg.errors.StoreUnavailableError`, which the HTTP layer turns into a 503
  with ``Retry-After``: the next request tries again, so the service recovers by itself. Any
  other answer outside 2xx (a redirect, a 4xx, a 500) is a
  :class:`~interlink_kg.errors.StoreError`; what the server said is logged, never sent to
  clients (:mod:`~interlink_kg.store.remote_http`);
- answers are parsed by pyoxigraph as they arrive (:mod:`~interlink_kg.store.remote_answers`):
  results as TSV where the server has it (a third of SPARQL JSON's size; JSON and XML are read
  too), triples as N-Triples, at most :data:`~interlink_kg.store.remote_http.MAX_RESPONSE_BYTES`;
  terms are converted as the embedded store converts them (one converter), so blank-node labels
  and plain literals compare equal across calls.

HTTP goes through one pooled ``urllib3`` client per store (kept-alive connections; thread-safe),
with optional basic (``sparql+http://user:password@host/``) or bearer authentication; how each
query is posted (the query itself, or a form with its dataset) is
:mod:`~interlink_kg.store.remote_queries`.
"""

from __future__ import annotations

import base64
import io
import itertools
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pyoxigraph as ox
import urllib3
from rdflib import Graph, URIRef

from interlink_kg.errors import StoreError
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.parse import graph_of
from interlink_kg.store import remote_answers as answers
from interlink_kg.store import remote_graphs, updates
from interlink_kg.store.base import (
    INTERNAL_PREFIX,
    GraphPayload,
    Guard,
    Row,
    description_query,
    is_data_graph,
)
from interlink_kg.store.recent import RecentAnswers
from interlink_kg.store.remote_endpoints import Endpoints
from interlink_kg.store.remote_endpoints import parse as endpoints_of
from interlink_kg.store.remote_http import StoreHttp
from interlink_kg.store.remote_queries import QueryPosts
from interlink_kg.store.request_batches import request_batches

META_GRAPH = f"{INTERNAL_PREFIX}state/meta"
_META_PREDICATE = f"{INTERNAL_PREFIX}meta/"
DEFAULT_TIMEOUT = 30.0  # seconds for any one call (connect: 5)
# Seconds for a whole-store write: a derived graph counted again in full, a bulk load's graphs
# moved into place (at 1M INTERLINKERs on oxigraph serve, minutes).
LONG_TIMEOUT = 1800.0
INSERT_BATCH = 20_000  # quads per INSERT DATA of a bulk load (a few MB per request)
BULK_BATCH = 100_000  # quads per N-Quads request to a server's bulk loader (~15 MB)
# Results as TSV, a third of the size of SPARQL JSON, where the server has it (SPARQL 1.1
# Query Results CSV and TSV Formats); JSON or XML otherwise. ASK has no TSV form.
_SOLUTIONS = (
    "text/tab-separated-values, application/sparql-results+json;q=0.9, "
    "application/sparql-results+xml;q=0.8"
)
# On another server's layout, XML first: Virtuoso 7's TSV is not SPARQL's (a header "g" for
# ?g, IRIs as quoted strings, tabs and line breaks in literals as they are), and its blank nodes
# are read reliably from its XML (remote_answers).
_SOLUTIONS_ELSEWHERE = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
_BOOLEAN = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_NTRIPLES = answers.NTRIPLES
_LOG = logging.getLogger(__name__)
# How long select_recent may answer from an answer already read (what other processes wrote is
# seen within this; the issue asks for a second).
RECENT_SECONDS = 0.2


_node = updates.graph_node


def _iri(value: str) -> str:
    """``<value>`` for a query, refusing what is not an IRI (never pasted unchecked)."""
    return str(_node(value))


DESCRIBE_PART = 50  # items per query when a description is read in parts at once
PARALLEL_PARTS = 4  # parts of one read in flight at once (beside the caller's own)
GRAPH_BATCH = 5000  # graphs read per query when whole graphs are copied (snapshots, dumps)
_QUADS_OF_GRAPHS = "SELECT ?s ?p ?o ?g WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"
_TRIPLES_OF_GRAPHS = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"


def _batches(names: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(names), GRAPH_BATCH):
        yield names[start : start + GRAPH_BATCH]


def _graph_values(names: Sequence[str]) -> str:
    """``VALUES ?g { ... }`` of checked graph names."""
    return "VALUES ?g { " + " ".join(_iri(name) for name in names) + " }"


def _checked_token(token: str | None) -> str | None:
    """A bearer token as it may go into a header (no spaces around, no control characters)."""
    if token is None:
        return None
    token = token.strip()
    if not token or any(ord(c) < 0x21 or ord(c) == 0x7F for c in token):
        raise StoreError("the store token must be one word of visible characters")
    return token


class RemoteStore:
    """A :class:`~interlink_kg.store.base.Store` on a SPARQL 1.1 server."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        url: str,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        long_timeout: float = LONG_TIMEOUT,
        read_in_parts: bool = True,
        direct_posts: bool = True,
    ) -> None:
        self.url = url
        self.endpoints = endpoints
        self._timeout = urllib3.Timeout(connect=min(5.0, timeout), read=timeout)
        self._long_timeout = urllib3.Timeout(
            connect=min(5.0, timeout), read=max(timeout, long_timeout)
        )
        headers: dict[str, str] = {}
        self._recent = RecentAnswers(RECENT_SECONDS)  # for select_recent and the graph names
        token = _checked_token(token)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif username is not None:
            pair = f"{username}:{password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        self._http = StoreHttp(url, headers, self._timeout)
        self._posts = QueryPosts(self._http, endpoints, direct=direct_posts)
        self._solutions = _SOLUTIONS if endpoints.union_parameter else _SOLUTIONS_ELSEWHERE
        self._graph_names = remote_graphs.GRAPH_NAMES
        self.read_in_parts = read_in_parts
        self._parallel_lock = threading.Lock()
        self._parts_pool: ThreadPoolExecutor | None = None
        self._parts_pid = os.getpid()
        self._closed = False
        self._answer_numbers = itertools.count()

    # -- HTTP -------------------------------------------------------------------------------

    def _query(
        self, query: str, graphs: Sequence[str] | None, accept: str
    ) -> AbstractContextManager[tuple[io.BufferedReader, str]]:
        """POST the query over the union of every graph where the server has a parameter for
        it, else over the graphs given (all the store's if None); its answer as a stream, with
        its media type."""
        if graphs is None and self.endpoints.union_parameter:
            return self._posts.plain(query, accept, [(self.endpoints.union_parameter, "true")])
        return self._posts.over(query, self._named() if graphs is None else list(graphs), accept)

    def _update(self, update: str, *, long: bool = False) -> None:
        """One SPARQL Update; ``long``: a whole-store operation, with the long timeout."""
        try:
            self._http.call(
                "POST",
                self.endpoints.update,
                body=update.encode("utf-8"),
                content_type="application/sparql-update",
                timeout=self._long_timeout if long else None,
            )
        finally:
            self._recent.wrote()

    # -- graphs -----------------------------------------------------------------------------

    def _named(self) -> list[str]:
        """The server's graph names, as read less than ``RECENT_SECONDS`` ago while nothing
        was written through this object (as the generation stamps are: what another process
        wrote is seen within that time). Listing them costs the server a walk over its data
        (45 ms at 100k INTERLINKERs on ``oxigraph serve``), and on a server without a union
        parameter every query over all graphs names them."""
        rows = self._recent.answer((remote_graphs.GRAPH_NAMES, ()), self._read_named)
        return [str(row["g"]) for row in rows]

    def _read_named(self) -> list[Row]:
        asked = self._graph_names  # another thread may switch it while this one waits
        with self._posts.plain(asked, self._solutions) as (stream, media_type):
            found = answers.rows(stream, media_type, ["g"])
        if asked == remote_graphs.GRAPH_NAMES and remote_graphs.skipped_empty_group(found):
            self._graph_names = remote_graphs.GRAPH_NAMES_OF_TRIPLES  # for good: the server is so
            return self._read_named()
        return remote_graphs.store_graphs(found)

    def data_graphs(self) -> list[str]:
        return sorted(filter(is_data_graph, self._named()))

    def replace_graphs(
        self,
        graphs: Mapping[str, GraphPayload],
        drop: Iterable[str] = (),
        guard: Guard | None = None,
    ) -> None:
        update = updates.replacing(graphs, drop, guard)
        if update:
            self._update(update)

    def drop_graphs(self, names: Iterable[str]) -> None:
        update = updates.dropping(names)
        if update:
            self._update(update)

    def derive(
        self,
        graph: str,
        construct: str,
        subjects: Iterable[str] | None = None,
        then: Mapping[str, GraphPayload] | None = None,
        drop: Iterable[str] = (),
        guard: Guard | None = None,
        *,
        patient: bool = False,
    ) -> None:
        update = updates.deriving(graph, construct, subjects, then, drop, guard)
        self._update(update, long=patient)

    def move_graphs(
        self, pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None
    ) -> None:
        """With the long timeout: moving a bulk load's graphs copies all of their triples."""
        update = updates.moving(pairs, then)
        if update:
            self._update(update, long=True)

    copies_in_bulk = False  # a server moves graphs in one update its readers never see half done

    def copy_graph_in_bulk(self, source: str, target: str) -> None:
        raise NotImplementedError("a SPARQL server replaces graphs with move_graphs")

    def insert_quads(self, quads: Iterable[ox.Quad]) -> int:
        """With a bulk endpoint (Oxigraph's layout), N-Quads posted to its bulk loader (no
        transaction) :data:`BULK_BATCH` at a time, each waiting the long timeout (a batch given
        up on while the server loads it would come back after an undo); else ``INSERT DATA``
        updates of :data:`INSERT_BATCH`. Blank nodes: :mod:`~interlink_kg.store.request_batches`."""
        bulk = self.endpoints.bulk
        count = 0
        try:
            for batch in request_batches(quads, BULK_BATCH if bulk else INSERT_BATCH):
                if bulk is None:
                    self._update(updates.inserting(batch))
                else:
                    self._http.call(
                        "POST",
                        bulk,
                        body=ox.serialize(batch, format=ox.RdfFormat.N_QUADS),
                        content_type="application/n-quads",
                        timeout=self._long_timeout,
                    )
                count += len(batch)
        finally:
            self._recent.wrote()
        return count

    # -- queries ----------------------------------------------------------------------------

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        names = self._variables(query)
        with self._query(query, graphs, self._solutions) as (stream, media_type):
            return answers.rows(stream, media_type, names)

    def select_recent(self, query: str, graphs: Sequence[str]) -> list[Row]:
        return self._recent.answer((query, tuple(graphs)), lambda: self.select(query, graphs))

    def select_values(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[tuple[str | None, ...]]:
        """Parsed as they arrive (TSV when the server has it: a third of the size of SPARQL
        JSON); terms in the query's order of variables, as the embedded store gives them."""
        names = self._variables(query)
        with self._query(query, graphs, self._solutions) as (stream, media_type):
            return answers.values(stream, media_type, names)

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool:
        updates.expect_form(query, ox.QueryBoolean)
        with self._query(query, graphs, _BOOLEAN) as (stream, media_type):
            return answers.boolean(stream, media_type)

    def construct(
        self, query: str, graphs: Sequence[str] | None = None, *, into: Graph | None = None
    ) -> Graph:
        updates.expect_form(query, ox.QueryTriples)
        with self._query(query, graphs, _NTRIPLES) as (stream, media_type):
            return graph_of(answers.triples(stream, media_type), into=into)

    def describe_resources(
        self, items: Sequence[URIRef], *, published: bool = False, into: Graph | None = None
    ) -> Graph:
        """In parts of :data:`DESCRIBE_PART` items, asked for at once (unless the store reads
        in one): the server answers each on a core of its own, and the first part is converted
        while the others are on their way (a page of 100 at 10k INTERLINKERs: see
        bench/RESULTS.md). A part still waiting for a thread when its turn comes is read by
        the caller itself, so a busy pool never makes a read slower than reading its parts
        one after another."""
        size = DESCRIBE_PART if self.read_in_parts else max(len(items), 1)
        texts = [
            description_query(items[at : at + size], published=published)
            for at in range(0, len(items), size)
        ]
        graph = graph_of((), into=into)
        pending = [(self._submit(text), text) for text in texts[1:]]
        try:
            for text in texts[:1]:
                graph_of(self._triples(text), into=graph)
            for future, text in pending:
                if future is None or future.cancel():
                    triples = self._triples(text)
                else:
                    triples = future.result()
                # the later parts' blank nodes labelled apart from the others': a server may
                # number each answer's from zero (Fuseki writes _:b0...)
                scope = f"p{next(self._answer_numbers)}x"
                graph_of(answers.scoped(triples, scope), into=graph)
        except BaseException:
            for future, _ in pending:
                if future is not None:
                    future.cancel()  # the parts not yet sent are not sent
            raise
        return graph

    def _triples(self, construct: str) -> list[ox.Triple]:
        with self._query(construct, None, _NTRIPLES) as (stream, media_type):
            return answers.triples(stream, media_type)

    def _submit(self, construct: str) -> Future[list[ox.Triple]] | None:
        """``construct`` sent from the store's threads for parts (made at first use); None
        once the store is closed (the caller then reads it itself)."""
        if self._parts_pid != os.getpid():
            # a forked child: the parent's threads did not come along, and its lock may have
            # been held by one of them at the fork
            self._parallel_lock = threading.Lock()
            self._parts_pool = None
            self._parts_pid = os.getpid()
        with self._parallel_lock:
            if self._closed:
                return None
            if self._parts_pool is None:
                self._parts_pool = ThreadPoolExecutor(
                    max_workers=PARALLEL_PARTS, thread_name_prefix="store-part"
                )
            return self._parts_pool.submit(self._triples, construct)

    @classmethod
    def _variables(cls, query: str) -> list[str]:
        solutions = updates.expect_form(query, ox.QuerySolutions)
        assert isinstance(solutions, ox.QuerySolutions)  # what expect_form checked
        return [v.value for v in solutions.variables]

    def graph(self, *names: str) -> Graph:
        found: list[ox.Triple] = []
        for name in names:
            with self._graph_triples(name) as (stream, media_type):
                found += answers.triples(stream, media_type)
        return graph_of(found)

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        names = self.data_graphs() if graphs is None else list(graphs)
        seen: set[ox.Triple] = set()
        for number, batch in enumerate(_batches(names)):
            query = _TRIPLES_OF_GRAPHS.format(values=_graph_values(batch))
            # the query names its graphs itself (VALUES ?g): no dataset is sent, so the
            # request does not carry thousands of names twice more
            with self._posts.plain(query, _NTRIPLES) as (stream, media_type):
                seen.update(answers.scoped(answers.triples(stream, media_type), f"a{number}x"))
        out = ox.serialize(sorted(seen, key=str), format=fmt.oxigraph)
        return out if isinstance(out, bytes) else b""

    def dump_quads(self, graphs: Sequence[str] | None = None) -> bytes:
        out = io.BytesIO()
        self._write_quads(out, graphs)
        return out.getvalue()

    def write_quads(self, path: Path, graphs: Sequence[str] | None = None) -> None:
        """Graph by graph, each written as it arrives: the memory it takes does not grow with
        the data."""
        with path.open("wb") as out:
            self._write_quads(out, graphs)

    def _write_quads(self, out: IO[bytes], graphs: Sequence[str] | None) -> None:
        """Every data graph from the server's dump where it has one (one answer, read as the
        server saw it at one moment), else a few thousand graphs per query (a catalogue has
        two graphs per INTERLINKER: one query per graph made a snapshot at 100k INTERLINKERs
        take 200,000 round trips)."""
        if graphs is None and self.endpoints.dump is not None:
            with self._http.answer(
                "GET", self.endpoints.dump, accept=answers.NQUADS, whole=True
            ) as (stream, media_type):
                answers.copy_named_quads(stream, media_type, out, is_data_graph)
            return
        names = self.data_graphs() if graphs is None else list(graphs)
        for number, batch in enumerate(_batches(names)):
            query = _QUADS_OF_GRAPHS.format(values=_graph_values(batch))
            with self._posts.plain(query, self._solutions) as (stream, media_type):  # its graphs
                answers.copy_as_quads(stream, media_type, out, scope=f"a{number}x")

    def _graph_triples(self, name: str) -> AbstractContextManager[tuple[io.BufferedReader, str]]:
        """One named graph as N-Triples, streamed (empty when it does not exist)."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(name)} {{ ?s ?p ?o }} }}"
        return self._query(query, [name], _NTRIPLES)

    # -- settings ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self.select(
            f"SELECT ?v WHERE {{ ?s {_iri(_META_PREDICATE + quote(key, safe=''))} ?v }}",
            graphs=[META_GRAPH],
        )
        return str(rows[0]["v"]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        predicate = _iri(_META_PREDICATE + quote(key, safe=""))
        subject = _iri(META_GRAPH)
        literal = str(ox.Literal(value))
        graph = _iri(META_GRAPH)
        self._update(
            f"DELETE WHERE {{ GRAPH {graph} {{ {subject} {predicate} ?v }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{ {subject} {predicate} {literal} }} }}"
        )

    def close(self) -> None:
        with self._parallel_lock:
            self._closed = True
            if self._parts_pool is not None:
                self._parts_pool.shutdown(wait=True)
                self._parts_pool = None
        self._http.close()


def open_remote(
    rest: str,
    *,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    long_timeout: float = LONG_TIMEOUT,
    direct_posts: bool = True,
) -> RemoteStore:
    """The store of a ``sparql+`` URL (``rest`` is what follows ``sparql+``; its form:
    :func:`~interlink_kg.store.remote_endpoints.parse`); ``token`` is sent as a bearer token
    (instead of the URL's user and password)."""
    found = endpoints_of(rest)
    return RemoteStore(
        found.endpoints,
        url=found.shown,
        username=found.username,
        password=found.password,
        token=token,
        timeout=timeout,
        long_timeout=long_timeout,
        direct_posts=direct_posts,
    )
