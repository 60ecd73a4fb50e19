"""GET /health: is the service up, and what does the store hold."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from interlink_kg import __version__
from interlink_kg.finding.catalogue import counts
from interlink_kg.web.state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """200 when the service can answer; 503 when its catalogue is empty (a store that was
    never loaded, or the wrong one): a health check must not pass a catalogue of nothing."""
    store = state().store
    sizes = counts(store)
    body: dict[str, object] = {
        "status": "ok",
        "version": __version__,
        "store": store.url.split(":", 1)[0],
        "counts": sizes,
        "recommendations_precomputed": state().warmer.ready.is_set(),
    }
    if sizes["interlinkers"] == 0:
        body["status"] = "empty"
        body["message"] = (
            "the catalogue holds no INTERLINKER: load it with 'interlink-kg load' "
            "(or check that INTERLINK_KG_STORE names the right store)"
        )
    response = jsonify(body)
    if sizes["interlinkers"] == 0:
        response.status_code = 503
        response.headers["Retry-After"] = "60"
    return response
