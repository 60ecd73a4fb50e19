"""Hostile and bad RDF input: refused with a clear error, nothing fetched, the process alive."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from support import BASE

from interlink_kg.errors import (
    InterlinkKGError,
    ParseError,
    PayloadTooLargeError,
    UnsupportedFormatError,
)
from interlink_kg.rdf.formats import JSONLD, NQUADS, NTRIPLES, RDFXML, TURTLE
from interlink_kg.rdf.untrusted import InputLimits, parse_untrusted


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b'{"@context": {"name": "http://purl.org/dc/terms/title"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def context_server() -> Iterator[tuple[str, list[str]]]:
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld", _CountingHandler.hits
    finally:
        server.shutdown()
        server.server_close()


def test_remote_jsonld_context_is_never_fetched(context_server: tuple[str, list[str]]) -> None:
    url, hits = context_server
    document = f'{{"@context": "{url}", "@id": "{BASE}interlinkers/x", "name": "X"}}'
    with pytest.raises(ParseError, match="remote JSON-LD contexts are never fetched"):
        parse_untrusted(document.encode(), JSONLD, BASE)
    assert hits == []


def test_the_test_server_does_answer(context_server: tuple[str, list[str]]) -> None:
    """Proof that a fetch would have been seen: the server answers and counts requests."""
    import urllib.request

    url, hits = context_server
    with urllib.request.urlopen(url, timeout=5) as reply:
        assert reply.status == 200
    assert hits == ["/context.jsonld"]


def test_inline_jsonld_context_is_fine() -> None:
    document = (
        '{"@context": {"title": "http://purl.org/dc/terms/title"}, '
        f'"@id": "{BASE}interlinkers/x", "title": "X"}}'
    )
    assert len(parse_untrusted(document.encode(), JSONLD, BASE)) == 1


def test_deeply_nested_jsonld_is_refused_before_parsing() -> None:
    """pyoxigraph 0.5 overflows the native stack (the process dies) on input like this."""
    depth = 5000
    document = '{"@id":"http://ex/s","http://ex/p":' * depth + '"x"' + "}" * depth
    with pytest.raises(ParseError, match="nested deeper"):
        parse_untrusted(document.encode(), JSONLD, BASE)


def test_braces_inside_strings_do_not_count_as_nesting() -> None:
    text = "{[" * 200
    document = f'{{"@id": "{BASE}x", "http://purl.org/dc/terms/title": "{text}"}}'
    assert len(parse_untrusted(document.encode(), JSONLD, BASE)) == 1


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">
<rdf:Description rdf:about="http://ex/s"><ex:p>&b;</ex:p></rdf:Description></rdf:RDF>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">
<rdf:Description rdf:about="http://ex/s"><ex:p>&xxe;</ex:p></rdf:Description></rdf:RDF>"""


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_rdfxml_with_entities_is_refused(document: bytes) -> None:
    with pytest.raises(ParseError, match="DOCTYPE or ENTITY"):
        parse_untrusted(document, RDFXML, BASE)


def test_plain_rdfxml_is_fine() -> None:
    document = ENTITY_BOMB.replace(
        ENTITY_BOMB[ENTITY_BOMB.index(b"<!DOCTYPE") : ENTITY_BOMB.index(b"]>") + 2], b""
    ).replace(b"&b;", b"plain")
    assert len(parse_untrusted(document, RDFXML, BASE)) == 1


@pytest.mark.parametrize(
    ("data", "limits", "error", "needle"),
    [
        (b"<a> <b> <c> .\n" * 10, InputLimits(max_bytes=50), PayloadTooLargeError, "bytes"),
        (b"<a> <b> <c> , <d> , <e> .", InputLimits(max_triples=2), PayloadTooLargeError, "triples"),
        (
            b'<a> <b> "' + b"x" * 200 + b'" .',
            InputLimits(max_literal_chars=100),
            PayloadTooLargeError,
            "literal",
        ),
        (b"<a> <b> \xff\xfe .", InputLimits(), ParseError, "UTF-8"),
        (b"<a> <b> .", InputLimits(), ParseError, "not valid ttl"),
        (b"<not an iri> <b> <c> .", InputLimits(), ParseError, "not valid ttl"),
    ],
)
def test_limits_and_syntax(
    data: bytes, limits: InputLimits, error: type[InterlinkKGError], needle: str
) -> None:
    with pytest.raises(error, match=needle):
        parse_untrusted(data, TURTLE, BASE, limits)


def test_quad_formats_are_not_accepted() -> None:
    with pytest.raises(UnsupportedFormatError):
        parse_untrusted(b"<a> <b> <c> <g> .", NQUADS, BASE)


def test_ntriples_parse() -> None:
    graph = parse_untrusted(f"<{BASE}a> <{BASE}b> <{BASE}c> .\n".encode(), NTRIPLES, BASE)
    assert len(graph) == 1


def test_remote_context_over_http_is_refused_without_a_fetch(
    client: object, context_server: tuple[str, list[str]]
) -> None:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    url, hits = context_server
    document = f'{{"@context": "{url}", "@id": "{BASE}interlinkers/x", "name": "X"}}'
    for path in ("/validate", "/validate?shapes=dcat-ap-3"):
        response = client.post(
            path, data=document.encode(), headers={"Content-Type": "application/ld+json"}
        )
        assert response.status_code == 400
        assert "never fetched" in response.get_json()["message"]
    assert hits == []
