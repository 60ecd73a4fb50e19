"""How a query travels to a SPARQL server (SPARQL 1.1 Protocol), for the remote store.

- **Posted directly** (the query itself as the body, ``application/sparql-query``, its few
  parameters in the URL): on Oxigraph's layout, which has a union parameter. Nothing is
  encoded, which a page's query of a hundred IRIs would pay for in every request. Virtuoso,
  for one, never answers a query posted so (openlink/virtuoso-opensource#842): a server
  without a union parameter gets forms only, and so does a caller that asks for forms.
- **A form** (``application/x-www-form-urlencoded``) whenever the query carries a dataset
  (``default-graph-uri``/``named-graph-uri``): a list of graph names may be long, and a body
  never meets a URL length limit.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import AbstractContextManager
from urllib.parse import urlencode

from interlink_kg.errors import StoreError
from interlink_kg.store import updates
from interlink_kg.store.base import EMPTY_GRAPH
from interlink_kg.store.remote_endpoints import Endpoints
from interlink_kg.store.remote_http import MAX_NAMED_GRAPHS, StoreHttp

Answer = AbstractContextManager[tuple[io.BufferedReader, str]]


class QueryPosts:
    """Queries to one server's query endpoint; each answer as a stream with its media type."""

    def __init__(self, http: StoreHttp, endpoints: Endpoints, *, direct: bool = True) -> None:
        self._http = http
        self._url = endpoints.query
        self._direct = direct and endpoints.union_parameter is not None

    def plain(self, query: str, accept: str, params: Sequence[tuple[str, str]] = ()) -> Answer:
        """A query with a few parameters and no dataset: posted directly where the server
        takes it so, else as a form."""
        if not self._direct:
            return self._form(query, accept, params)
        url = self._url
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return self._http.answer(
            "POST",
            url,
            body=query.encode("utf-8"),
            content_type="application/sparql-query",
            accept=accept,
        )

    def over(self, query: str, graphs: Sequence[str], accept: str) -> Answer:
        """A query over ``graphs`` (checked as IRIs; none: an empty graph), as a form that
        names each as a default graph and as a named graph."""
        if len(graphs) > MAX_NAMED_GRAPHS:
            raise StoreError(
                f"a query would name {len(graphs)} graphs, more than {MAX_NAMED_GRAPHS}: a store "
                "this size needs a server with a union-default-graph parameter (see the README)"
            )
        for name in graphs:
            updates.graph_node(name)
        params = [("default-graph-uri", g) for g in graphs] or [("default-graph-uri", EMPTY_GRAPH)]
        params += [("named-graph-uri", g) for g in graphs]
        return self._form(query, accept, params)

    def _form(self, query: str, accept: str, params: Sequence[tuple[str, str]]) -> Answer:
        return self._http.answer(
            "POST",
            self._url,
            body=urlencode([("query", query), *params]).encode("ascii"),
            content_type="application/x-www-form-urlencoded",
            accept=accept,
        )
