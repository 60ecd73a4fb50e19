"""schemathesis drives every operation of ``/openapi.json`` against the app (issue 9): no
server error, no undocumented status, responses that match the documented schemas, refused
schema-violating input.

``positive_data_acceptance`` is excluded: the document describes the shapes of inputs, not
every rule the service applies (an identifier that exists, a task of its schema, RDF that
passes the shapes), so valid-looking data is often, and rightly, refused with a 4xx.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from support import BASE

from interlink_kg.curation.accounts import create_token
from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.web.app import close_app, create_app
from interlink_kg.web.state import state_of

TOKEN: dict[str, str] = {}


@schemathesis.serializer(
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/sparql-query"
)
def _as_text(ctx: schemathesis.SerializationContext, value: object) -> bytes:
    """Bodies that are text in a syntax of their own: sent as the generated text, in UTF-8."""
    return (
        value.encode("utf-8", "surrogatepass") if isinstance(value, str) else repr(value).encode()
    )


def _app(folder: Path) -> Flask:
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    tokens = folder / "tokens.json"
    TOKEN["admin"] = create_token(tokens, "cora", Role.ADMIN)
    settings = Settings(
        base_iri=BASE,
        store_url="memory:",
        tokens_file=tokens,
        contact_email="catalogue@example.org",  # every catalogue profile can be served
        sparql_time_limit=2.0,
    )
    return create_app(settings, store=store, workspace_store=open_store("memory:"))


APP = _app(Path(tempfile.mkdtemp(prefix="interlink-kg-fuzz-")))
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    close_app(APP)
    shutil.rmtree(Path(str(state_of(APP).settings.tokens_file)).parent)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN['admin']}"},
        excluded_checks=[positive_data_acceptance],
    )
