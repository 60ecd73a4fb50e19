"""A store on a SPARQL 1.1 server, spoken over HTTP (``sparql+http://`` store URLs).

The default layout is Oxigraph server's: under one root, ``query`` (SPARQL Query) and ``update``
(SPARQL Update). Other servers name their endpoints differently (Apache Jena Fuseki:
``/ds/query``, ``/ds/update``): each endpoint can be given on its own (:class:`Endpoints`). Only
the SPARQL 1.1 Protocol is spoken: whole graphs are read with ``CONSTRUCT ... GRAPH``, so a
wrong endpoint is an error, never an empty graph.

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
- **every call has a timeout** (to connect, and for each read); a server that cannot be reached,
  times out or answers 502/503/504 raises :class:`~interlink_kg.errors.StoreUnavailableError`,
  which the HTTP layer turns into a 503 with ``Retry-After``: the next request tries again, so
  the service recovers by itself. Any other answer outside 2xx (a redirect, a 4xx, a 500) is a
  :class:`~interlink_kg.errors.StoreError`; what the server said is logged, never sent to clients;
- answers are checked: SPARQL JSON of the expected shape, N-Triples that parse, at most
  :data:`MAX_RESPONSE_BYTES`; terms are converted as the embedded store converts them (one
  converter), so blank-node labels and plain literals compare equal across calls.

HTTP goes through one pooled ``urllib3`` client per store (kept-alive connections; thread-safe),
with optional basic (``sparql+http://user:password@host/``) or bearer authentication.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import urllib3
from rdflib import BNode, Graph

from interlink_kg.errors import BadRequestError, StoreError, StoreUnavailableError
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.graphs import triples_graph
from interlink_kg.rdf.parse import to_rdflib
from interlink_kg.store import updates
from interlink_kg.store.base import EMPTY_GRAPH, INTERNAL_PREFIX, GraphPayload, Guard, Row
from interlink_kg.store.recent import RecentAnswers
from interlink_kg.store.remote_endpoints import Endpoints
from interlink_kg.store.remote_endpoints import parse as endpoints_of
from interlink_kg.store.results_json import term_of, text_of

META_GRAPH = f"{INTERNAL_PREFIX}state/meta"
_META_PREDICATE = f"{INTERNAL_PREFIX}meta/"
DEFAULT_TIMEOUT = 30.0  # seconds for any one call (connect: 5)
# Seconds for a whole-store write: a derived graph counted again in full, a bulk load's graphs
# moved into place (at 1M INTERLINKERs on oxigraph serve, minutes).
LONG_TIMEOUT = 1800.0
INSERT_BATCH = 20_000  # quads per INSERT DATA of a bulk load (a few MB per request)
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_EMPTY = ox.Store()  # parses queries (their form is checked before sending); never written
MAX_RESPONSE_BYTES = 512 * 1024 * 1024  # the largest answer read from the server
_LOG = logging.getLogger(__name__)
_UNAVAILABLE = {502, 503, 504}
# How long select_recent may answer from an answer already read (what other processes wrote is
# seen within this; the issue asks for a second).
RECENT_SECONDS = 0.2


_node = updates.graph_node


def _iri(value: str) -> str:
    """``<value>`` for a query, refusing what is not an IRI (never pasted unchecked)."""
    return str(_node(value))


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
    ) -> None:
        self.url = url
        self.endpoints = endpoints
        self._timeout = urllib3.Timeout(connect=min(5.0, timeout), read=timeout)
        self._long_timeout = urllib3.Timeout(
            connect=min(5.0, timeout), read=max(timeout, long_timeout)
        )
        self._http = urllib3.PoolManager(
            num_pools=4, maxsize=16, retries=False, timeout=self._timeout
        )
        self._headers: dict[str, str] = {}
        self._recent = RecentAnswers(RECENT_SECONDS)  # for select_recent
        token = _checked_token(token)
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        elif username is not None:
            pair = f"{username}:{password or ''}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()

    # -- HTTP -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: urllib3.Timeout | None = None,
    ) -> bytes:
        """One HTTP call; its answer's body when it is a 2xx, else the matching error (what the
        server said goes to the log: clients only learn that the store failed)."""
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        try:
            response = self._http.request(
                method,
                url,
                body=body,
                headers=headers,
                preload_content=False,
                timeout=timeout or self._timeout,
            )
        except urllib3.exceptions.HTTPError as exc:
            _LOG.warning("store %s cannot be reached: %s", self.url, exc)
            raise StoreUnavailableError(
                f"the store cannot be reached ({type(exc).__name__})"
            ) from exc
        try:
            data = self._read(response)
        finally:
            response.release_conn()
        if 200 <= response.status < 300:
            return data
        said = data[:500].decode("utf-8", "replace").strip()
        _LOG.warning("store %s answered %s to %s: %s", self.url, response.status, method, said)
        if response.status in _UNAVAILABLE or response.status in {408, 429}:
            raise StoreUnavailableError(f"the store answered {response.status}")
        if response.status in {401, 403}:
            raise StoreError(f"the store refused the credentials ({response.status})")
        if 300 <= response.status < 400:
            raise StoreError(
                f"the store redirected ({response.status}): check the store URL "
                "(its scheme, host and final '/')"
            )
        raise StoreError(f"the store refused the request ({response.status})")

    def _read(self, response: urllib3.BaseHTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.stream(1 << 16):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise StoreError(f"the store sent more than {MAX_RESPONSE_BYTES} bytes")
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as exc:
            _LOG.warning("store %s broke off its answer: %s", self.url, exc)
            raise StoreUnavailableError(
                f"the store broke off its answer ({type(exc).__name__})"
            ) from exc
        return b"".join(chunks)

    def _query(self, query: str, graphs: Sequence[str] | None, accept: str) -> bytes:
        """POST the query form-encoded (SPARQL 1.1 Protocol), with the graphs it may read in
        the body: a list of graph names never meets a URL length limit."""
        params: list[tuple[str, str]] = [("query", query)]
        if graphs is None and self.endpoints.union_parameter:
            params.append((self.endpoints.union_parameter, "true"))
        else:
            names = self._named() if graphs is None else list(graphs)
            for name in names:
                _iri(name)
            params += [("default-graph-uri", g) for g in names] or [
                ("default-graph-uri", EMPTY_GRAPH)
            ]
            params += [("named-graph-uri", g) for g in names]
        return self._call(
            "POST",
            self.endpoints.query,
            body=urlencode(params).encode("ascii"),
            content_type="application/x-www-form-urlencoded",
            accept=accept,
        )

    def _update(self, update: str, *, long: bool = False) -> None:
        """One SPARQL Update; ``long``: a whole-store operation, with the long timeout."""
        try:
            self._call(
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
        raw = self._call(
            "POST",
            self.endpoints.query,
            body=b"SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
            content_type="application/sparql-query",
            accept=_RESULTS_JSON,
        )
        names = []
        for row in self._bindings(raw):
            term = term_of(row["g"]) if "g" in row else None
            if term is not None and not isinstance(term, BNode):
                names.append(str(term))
        return names

    def data_graphs(self) -> list[str]:
        return sorted(g for g in self._named() if not g.startswith(INTERNAL_PREFIX))

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
    ) -> None:
        update = updates.deriving(graph, construct, subjects, then, drop, guard)
        self._update(update, long=subjects is None)

    def move_graphs(
        self, pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None
    ) -> None:
        """With the long timeout: moving a bulk load's graphs copies all of their triples."""
        update = updates.moving(pairs, then)
        if update:
            self._update(update, long=True)

    def insert_quads(self, quads: Iterable[ox.Quad]) -> int:
        """``INSERT DATA`` in batches of :data:`INSERT_BATCH` quads, one update each.

        A blank node is scoped to one update, so a blank node met again after its batch was
        sent would become a second node: that is refused (BadRequestError), never split."""
        count = 0
        batch: list[ox.Quad] = []
        sent: set[str] = set()  # blank nodes of the batches already sent
        current: set[str] = set()
        for quad in quads:
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.BlankNode):
                    if term.value in sent:
                        raise BadRequestError(
                            f"the blank node _:{term.value} appears again after "
                            f"{INSERT_BATCH} triples: a SPARQL server cannot join blank nodes "
                            "across requests; give it an IRI, or keep its triples together"
                        )
                    current.add(term.value)
            batch.append(quad)
            count += 1
            if len(batch) >= INSERT_BATCH:
                self._update(updates.inserting(batch))
                batch = []
                sent |= current
                current = set()
        if batch:
            self._update(updates.inserting(batch))
        return count

    # -- queries ----------------------------------------------------------------------------

    @staticmethod
    def _bindings(raw: bytes) -> list[dict[str, object]]:
        try:
            bindings = json.loads(raw)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError("the SPARQL server sent results that are not SPARQL JSON") from exc
        if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
            raise StoreError("the SPARQL server sent results that are not SPARQL JSON")
        return bindings

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        self._expect(query, ox.QuerySolutions)
        raw = self._query(query, graphs, _RESULTS_JSON)
        return [
            {name: term_of(value) for name, value in binding.items()}
            for binding in self._bindings(raw)
        ]

    def select_recent(self, query: str, graphs: Sequence[str]) -> list[Row]:
        return self._recent.answer((query, tuple(graphs)), lambda: self.select(query, graphs))

    def select_values(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[tuple[str | None, ...]]:
        solutions = self._expect(query, ox.QuerySolutions)
        assert isinstance(solutions, ox.QuerySolutions)  # what _expect checked
        names = [v.value for v in solutions.variables]
        raw = self._query(query, graphs, _RESULTS_JSON)
        return [
            tuple(text_of(binding.get(name)) for name in names) for binding in self._bindings(raw)
        ]

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool:
        self._expect(query, ox.QueryBoolean)
        raw = self._query(query, graphs, _RESULTS_JSON)
        try:
            answer = json.loads(raw)["boolean"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError("the SPARQL server's ASK answer is not SPARQL JSON") from exc
        return bool(answer)

    def construct(self, query: str, graphs: Sequence[str] | None = None) -> Graph:
        self._expect(query, ox.QueryTriples)
        return self._triples(self._query(query, graphs, _NTRIPLES))

    @staticmethod
    def _expect(query: str, kind: type[object]) -> object:
        """Check the query's form here, as the embedded store does: a syntax error or the wrong
        form is the caller's error (never sent to the server). Parsed by the same engine as
        the embedded store's, on an empty dataset."""
        try:
            result = _EMPTY.query(query)
        except SyntaxError as exc:
            raise StoreError(f"invalid SPARQL query: {exc}") from exc
        if not isinstance(result, kind):
            names: dict[type[object], str] = {
                ox.QuerySolutions: "a SELECT",
                ox.QueryBoolean: "an ASK",
                ox.QueryTriples: "a CONSTRUCT or DESCRIBE",
            }
            raise StoreError(f"expected {names.get(kind, 'another')} query")
        return result

    @staticmethod
    def _parsed(raw: bytes) -> list[ox.Triple]:
        try:
            return [q.triple for q in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise StoreError("the SPARQL server sent triples that are not N-Triples") from exc

    @classmethod
    def _triples(cls, raw: bytes) -> Graph:
        graph = triples_graph()
        for t in cls._parsed(raw):
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def graph(self, *names: str) -> Graph:
        graph = triples_graph()
        for name in names:
            _iri(name)
            raw = self._graph_ntriples(name)
            graph += self._triples(raw)
        return graph

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        names = self.data_graphs() if graphs is None else list(graphs)
        seen: set[ox.Triple] = set()
        for quad in self._quads(names):
            seen.add(quad.triple)
        out = ox.serialize(sorted(seen, key=str), format=fmt.oxigraph)
        return out if isinstance(out, bytes) else b""

    def dump_quads(self, graphs: Sequence[str] | None = None) -> bytes:
        names = self.data_graphs() if graphs is None else list(graphs)
        out = ox.serialize(self._quads(names), format=ox.RdfFormat.N_QUADS)
        return out if isinstance(out, bytes) else b""

    def write_quads(self, path: Path, graphs: Sequence[str] | None = None) -> None:
        """Graph by graph: one graph's quads in memory at a time."""
        names = self.data_graphs() if graphs is None else list(graphs)
        with path.open("wb") as out:
            for name in names:
                ox.serialize(self._quads([name]), output=out, format=ox.RdfFormat.N_QUADS)

    def _graph_ntriples(self, name: str) -> bytes:
        """One named graph as N-Triples (empty when it does not exist)."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(name)} {{ ?s ?p ?o }} }}"
        return self._query(query, [name], _NTRIPLES)

    def _quads(self, names: Sequence[str]) -> list[ox.Quad]:
        quads: list[ox.Quad] = []
        for name in names:
            target = _node(name)
            for triple in self._parsed(self._graph_ntriples(name)):
                quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, target))
        return quads

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
        self._http.clear()


def open_remote(
    rest: str,
    *,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    long_timeout: float = LONG_TIMEOUT,
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
    )
