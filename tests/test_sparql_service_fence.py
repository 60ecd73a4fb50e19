"""No public query makes the server reach the network, however its SERVICE is written.

The endpoint's pre-check parses queries with rdflib while Oxigraph executes them; the two read
some texts differently (issue 9 found a query in which only Oxigraph sees a SERVICE). These
tests send that query and a family of variants, with a loopback listener that must receive no
connection at all, and they check that the query workers are sealed whatever the pre-check
says.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from support import LiveServer

from interlink_kg.sparql.worker import SERVICE_REFUSED


@dataclass
class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    port: int
    connections: list[bytes] = field(default_factory=list)
    answer: bytes = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/internal"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    found.connections.append(conn.recv(4096))
                    if found.answer:
                        conn.sendall(found.answer)
                except OSError:
                    found.connections.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(5)
    server.close()


# The query of issue 9: rdflib reads `'a\u005c'` as a string holding a backslash, then sees
# `ex:z\' AS ?q) SERVICE ... BIND(1 # '` as one prefixed name; Oxigraph sees a SERVICE call.
ISSUE_9 = """PREFIX ex: <http://example.org/>
SELECT ?a ?b ?c WHERE {
BIND('a\\u005c' != ex:z\\' AS ?q) SERVICE <TARGET> { ?a ?b ?c } BIND(1 # '
AS ?x) }"""

VARIANTS = {
    "issue-9": ISSUE_9,
    "plain": "SELECT * WHERE { SERVICE <TARGET> { ?a ?b ?c } }",
    "lower-case": "select * where { service <TARGET> { ?a ?b ?c } }",
    "mixed-case-silent": "SELECT * WHERE { SeRvIcE SiLeNt <TARGET> { ?a ?b ?c } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <TARGET> { ?a ?b ?c } }",
    "prefixed": "PREFIX t: <TARGET> SELECT * WHERE { SERVICE t: { ?a ?b ?c } }",
    "escaped-keyword": "SELECT * WHERE { \\u0053ERVICE <TARGET> { ?a ?b ?c } }",
    "escaped-iri": "SELECT * WHERE { SERVICE <TARGET\\u002F> { ?a ?b ?c } }",
    "variable-target": "SELECT * WHERE { VALUES ?e { <TARGET> } SERVICE ?e { ?a ?b ?c } }",
    "comment-split": "SELECT * WHERE { SERVICE # a comment\n <TARGET> { ?a ?b ?c } }",
    "exists": "ASK { FILTER EXISTS { SERVICE <TARGET> { ?a ?b ?c } } }",
    "not-exists": "ASK { FILTER NOT EXISTS { SERVICE SILENT <TARGET> { ?a ?b ?c } } }",
    "optional": "SELECT * WHERE { OPTIONAL { SERVICE <TARGET> { ?a ?b ?c } } }",
    "subquery": "SELECT * WHERE { { SELECT * WHERE { SERVICE <TARGET> { ?a ?b ?c } } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <TARGET> { ?a ?b ?c } } }",
    "nested-service": (
        "SELECT * WHERE { SERVICE SILENT <TARGET> { SERVICE <TARGET> { ?a ?b ?c } } }"
    ),
    "union": "SELECT * WHERE { { BIND(1 AS ?x) } UNION { SERVICE <TARGET> { ?a ?b ?c } } }",
    "minus": "SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <TARGET> { ?x ?b ?c } } }",
    "construct": "CONSTRUCT { ?a ?b ?c } WHERE { SERVICE <TARGET> { ?a ?b ?c } }",
    "describe": "DESCRIBE ?a WHERE { SERVICE <TARGET> { ?a ?b ?c } }",
    "long-string-trick": (
        "SELECT * WHERE { BIND('''x\\u0027''' AS ?q) SERVICE <TARGET> { ?a ?b ?c } }"
    ),
    # found by a hostile sweep: rdflib ends a comment at \n only, Oxigraph at \r too, and
    # "SERVICE:x" lexed as one prefixed name hid the keyword from the count
    "cr-ends-comment": "PREFIX : <TARGET/> SELECT * WHERE { #c\rSERVICE:x { ?a ?b ?c }\n}",
    "crlf-ends-comment": "PREFIX : <TARGET/> SELECT * WHERE { #c\r\nSERVICE:x { ?a ?b ?c } }",
    "service-as-prefix": "PREFIX SERVICE: <http://e/> SELECT * WHERE { SERVICE:x ?b ?c }",
    "escaped-quote-in-name": (
        "PREFIX ex: <http://example.org/> SELECT * WHERE { BIND(ex:a\\' AS ?q) "
        "SERVICE <TARGET> { ?a ?b ?c } BIND(1 AS ?y) }"
    ),
}


def _ask(client: FlaskClient, query: str) -> tuple[int, str]:
    response = client.get("/sparql", query_string={"query": query})
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_no_service_variant_reaches_the_listener(
    name: str, client: FlaskClient, listener: Listener
) -> None:
    listener.answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Content-Length: 17\r\n\r\nSECRET-INTERNAL{}"
    )
    status, body = _ask(client, VARIANTS[name].replace("TARGET", listener.url))
    assert status in {400, 403}, body
    assert json.loads(body)["code"] in {"service_refused", "parse_error"}, body
    time.sleep(0.1)
    assert listener.connections == []
    assert "SECRET" not in body
    assert "refused" not in body.lower() or "service_refused" in body


def test_the_issue_query_is_refused_by_the_engine_side_fence(
    client: FlaskClient, listener: Listener
) -> None:
    """rdflib's pre-check finds no SERVICE in the issue's query: the refusal comes from the
    sealed worker, with the same answer as any refused SERVICE and no engine text."""
    status, body = _ask(client, ISSUE_9.replace("TARGET", listener.url))
    assert status == 403
    error = json.loads(body)
    assert error["code"] == "service_refused"
    assert error["message"] == SERVICE_REFUSED
    assert "denied" not in body.lower()
    assert listener.connections == []


def test_a_closed_port_and_an_open_port_answer_alike(
    client: FlaskClient, listener: Listener
) -> None:
    """No port-scan oracle: the answer does not depend on what listens at the target."""
    listener.answer = b"HTTP/1.1 500 Oops\r\nContent-Length: 6\r\n\r\nsecret"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # bound, never listening
        for query in (ISSUE_9, VARIANTS["escaped-keyword"]):
            answers = set()
            for port in (closed, listener.port):
                status, body = _ask(client, query.replace("TARGET", f"http://127.0.0.1:{port}/x"))
                answers.add((status, body.replace(str(port), "PORT")))
            assert len(answers) == 1, answers
            ((status, body),) = answers
            assert status == 403
            assert "connection" not in body.lower()
    assert listener.connections == []


SEALED_PROBE = textwrap.dedent(
    """
    import sys, pyoxigraph
    from interlink_kg.processes.sandbox import seal_network
    seal_network()
    try:
        list(pyoxigraph.Store().query(
            "SELECT * WHERE { SERVICE <" + sys.argv[1] + "> { ?a ?b ?c } }"))
    except PermissionError:
        print("refused")
    else:
        print("answered")
    """
)


def test_a_sealed_process_cannot_call_out_even_without_the_pre_check(listener: Listener) -> None:
    """The fence itself, with no rdflib check in front: Oxigraph's own SERVICE call fails."""
    sealed = subprocess.run(
        [sys.executable, "-c", SEALED_PROBE, listener.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert sealed.stdout.strip() == "refused", sealed.stderr
    time.sleep(0.1)
    assert listener.connections == []


def test_an_unsealed_process_does_call_out_which_proves_the_listener_works(
    listener: Listener,
) -> None:
    unsealed = SEALED_PROBE.replace("seal_network()", "pass")
    subprocess.run(
        [sys.executable, "-c", unsealed, listener.url], capture_output=True, timeout=60, check=False
    )
    assert len(listener.connections) == 1
    assert listener.connections[0].startswith(b"POST /internal")


def test_a_failed_allowed_service_is_not_quoted(
    listener: Listener, live_server: Callable[..., LiveServer]
) -> None:
    """With federation configured the workers reach the network; what a service answers in
    a failure is still never passed on to the client."""
    listener.answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Content-Length: 22\r\n\r\nSECRET-INTERNAL-ANSWER"
    )
    server = live_server(None, sparql_allowed_services=(listener.url,))
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}"
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(server.url + "sparql?" + urlencode({"query": query}), timeout=30)
    body = failure.value.read().decode()
    assert failure.value.code == 400
    assert json.loads(body)["code"] == "query_not_evaluable"
    assert "SECRET" not in body
    assert len(listener.connections) == 1  # it really was called


def test_a_name_lookup_answers_like_any_refused_service(client: FlaskClient) -> None:
    """A host name the worker cannot resolve (its lookups are sealed off too) and an address
    get one answer: no oracle of which names resolve on the server."""
    answers = set()
    for host in ("no-such-host.invalid", "localhost", "127.0.0.1"):
        query = f"PREFIX : <http://{host}:9/> SELECT * WHERE {{ #c\rSERVICE:x {{ ?a ?b ?c }}\n}}"
        status, body = _ask(client, query)
        answers.add((status, json.loads(body)["message"]))
    assert answers == {(403, SERVICE_REFUSED)} or {a[0] for a in answers} == {403}
    assert all("lookup" not in message for _, message in answers)


@pytest.mark.parametrize("name", ["cr-ends-comment", "escaped-keyword", "issue-9"])
def test_federation_configured_still_reaches_no_other_service(
    listener: Listener, live_server: Callable[..., LiveServer], name: str
) -> None:
    """With an allow-list the workers have the network: the check alone stands between a query
    and any address, so the disagreeing escapes are refused outright."""
    server = live_server(None, sparql_allowed_services=("http://127.0.0.1:9/allowed",))
    query = VARIANTS[name].replace("TARGET", listener.url)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + "sparql?" + urlencode({"query": query}), timeout=30)
    refused.value.close()
    assert refused.value.code in {400, 403}
    time.sleep(0.1)
    assert listener.connections == []
