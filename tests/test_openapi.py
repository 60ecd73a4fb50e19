"""The OpenAPI document in api/ lists exactly the routes the app serves."""

from __future__ import annotations

import re

import yaml
from flask import Flask

from interlink_kg import resources


def test_every_route_is_documented_and_nothing_else(app: Flask) -> None:
    spec = yaml.safe_load(resources.openapi_file().read_text())
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        # Pages' own forms (sign-in, the forms that write) are for browsers, not programs:
        # the README lists them (tests/test_pages.py checks it).
        if rule.endpoint == "static" or rule.endpoint.startswith("pages."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        path = path.replace("{identifier}", "{id}")
        for method in rule.methods or ():
            if method in {"HEAD", "OPTIONS"}:
                continue
            served.add((path, method))
    assert served == documented
