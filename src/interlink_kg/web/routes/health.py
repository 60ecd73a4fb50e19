"""GET /health: is the service up, and what does the store hold."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from interlink_kg import __version__
from interlink_kg.services.catalogue import counts
from interlink_kg.web.app import get_store, get_warmer

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    store = get_store()
    return jsonify(
        {
            "status": "ok",
            "version": __version__,
            "store": store.url.split(":", 1)[0],
            "counts": counts(store),
            "recommendations_precomputed": get_warmer().ready.is_set(),
        }
    )
