"""The JSON shape of an unpaged list: items, total and the language chosen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flask import Response, jsonify


class _Item(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def listing_response(items: Sequence[_Item], lang: str) -> Response:
    response = jsonify(
        {"items": [item.to_dict() for item in items], "total": len(items), "language": lang}
    )
    response.headers["Vary"] = "Accept-Language"
    return response
