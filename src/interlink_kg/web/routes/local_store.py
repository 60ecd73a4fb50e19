"""POST /_local/store/{name}/query: the command line reads a store this server holds.

Only from loopback and not through a reverse proxy (from elsewhere, and on a server that holds no
on-disk store: 404, as if the route did not exist), never federated (SERVICE), at most
:data:`~interlink_kg.store.local_access.AT_ONCE` at a time (then 503), only with the key of
the server's note beside the store (a file only the store's owner can read; 401 without it),
only queries. The other side: :mod:`interlink_kg.store.held`.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.errors import BadRequestError, NotFoundError
from interlink_kg.sparql.analysis import analyse, normalise
from interlink_kg.web.state import state

bp = Blueprint("local_store", __name__)

LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


# Headers a reverse proxy adds: a request that went through one came from elsewhere, even
# though it reaches us from loopback.
PROXIED = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP")


@bp.post("/_local/store/<name>/query")
def local_query(name: str) -> Response:
    access = state().local_access
    if (
        access is None
        or request.remote_addr not in LOOPBACK
        or any(header in request.headers for header in PROXIED)
    ):
        raise NotFoundError("not found")
    if request.mimetype == FORM:
        query = request.form.get("query")
        union = request.form.get("union-default-graph") == "true"
        default_graphs = request.form.getlist("default-graph-uri")
        named_graphs = request.form.getlist("named-graph-uri")
    elif request.mimetype == DIRECT:  # the dataset in the URL (SPARQL 1.1 Protocol)
        query = request.get_data(as_text=True)
        union = request.args.get("union-default-graph") == "true"
        default_graphs = request.args.getlist("default-graph-uri")
        named_graphs = request.args.getlist("named-graph-uri")
    else:
        raise BadRequestError(f"send the query as {FORM} or {DIRECT}")
    if not query:
        raise BadRequestError("no query")
    # The command line's own queries never federate: SERVICE would make this server fetch.
    analyse(normalise(query), allowed_services=())
    body, media_type = access.answer(
        name,
        _bearer(),
        query,
        union=union,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
    )
    return Response(body, content_type=media_type)
