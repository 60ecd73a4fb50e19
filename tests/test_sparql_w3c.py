"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run over real HTTP.

A small manifest-driven runner: each ``mf:ProtocolTest`` lists HTTP requests (``ht:`` vocabulary)
and the expected status and result format. The three fixture graphs are loaded under the names
the manifest gives them. Tests that expect an update to succeed do not apply to this read-only
endpoint and are skipped with that reason; the ``bad_update_*`` tests apply (they expect a 4xx).
"""

from __future__ import annotations

import csv
import http.client
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from support import SHARED, LiveServer

from interlink_kg.rdf.formats import NTRIPLES, by_media_type
from interlink_kg.store import Store
from interlink_kg.store.base import GraphPayload

W3C = SHARED / "reference" / "w3c-sparql11"
PROTOCOL = W3C / "protocol" / "manifest.ttl"
SERVICE_DESCRIPTION = W3C / "service-description" / "manifest.ttl"
SD_SHAPES = Path(__file__).parent / "data" / "sparql" / "service-description.shapes.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"the W3C SPARQL 1.1 test manifests are not at {path} (../shared is absent)")
    return path


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    graphs: dict[str, Path] = field(default_factory=dict)
    requests: list[HttpRequest] = field(default_factory=list)

    def expects_update_to_succeed(self) -> bool:
        for req in self.requests:
            kind = req.headers.get("content-type", "")
            is_update = kind.startswith("application/sparql-update") or (
                kind.startswith("application/x-www-form-urlencoded")
                and (req.body or b"").startswith(b"update=")
            )
            if is_update and "StatusCode2xx" in req.statuses:
                return True
        return False


def _request(graph: Graph, node: URIRef) -> HttpRequest:
    headers: dict[str, str] = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(
                graph.value(header, HT.fieldValue)
            )
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = {str(s).rsplit("#", 1)[1] for s in graph.objects(response, MF.expectedStatus)}
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path="/sparql" + path[len("/sparql/") :].lstrip("/"),
        headers=headers,
        body=body,
        statuses=statuses,
        expected_format=str(fmt) if fmt is not None else None,
        expected_boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
    )


def protocol_tests() -> list[ProtocolTest]:
    if not PROTOCOL.is_file():
        return []
    graph = Graph().parse(PROTOCOL, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            file_iri = str(graph.value(data, UT.graph))
            test.graphs[str(graph.value(data, RDFS.label))] = Path(urlsplit(file_iri).path)
        action = graph.value(entry, MF.action)
        for node in Collection(graph, graph.value(action, HT.requests)):
            test.requests.append(_request(graph, node))
        tests.append(test)
    return tests


def _fixture_graphs(store: Store, base: str) -> None:
    """The three graphs the protocol tests read, under the names the manifest gives them."""
    folder = _need(PROTOCOL).parent
    store.replace_graphs(
        {
            f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": GraphPayload(
                (folder / f"data{n}.nt").read_bytes(), NTRIPLES, base, f"data{n}.nt"
            )
            for n in (1, 2, 3)
        }
    )


def _send(server: LiveServer, req: HttpRequest) -> tuple[int, str, bytes]:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request(req.method, req.path, body=req.body, headers=req.headers)
        reply = connection.getresponse()
        return reply.status, reply.getheader("Content-Type") or "", reply.read()
    finally:
        connection.close()


def _status_ok(status: int, expected: set[str]) -> bool:
    return f"StatusCode{status // 100}xx" in expected


def _check_body(req: HttpRequest, content_type: str, body: bytes) -> None:
    media = content_type.split(";", 1)[0].strip()
    if req.expected_format == "boolean":
        assert media in {"application/sparql-results+json", "application/sparql-results+xml"}
        answer = ox.parse_query_results(body, format=RESULT_TYPES[media])
        assert isinstance(answer, ox.QueryBoolean)
        if req.expected_boolean is not None:
            assert bool(answer) is req.expected_boolean
    elif req.expected_format == "tabular":
        if media == "text/csv":
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            assert rows
            assert rows[0]
        else:
            assert media in RESULT_TYPES, media
            assert isinstance(
                ox.parse_query_results(body, format=RESULT_TYPES[media]), ox.QuerySolutions
            )
    elif req.expected_format == "RDF":
        Graph().parse(data=body, format=by_media_type(media).rdflib_name)


@pytest.fixture(scope="module")
def w3c_server(live_server_module: Callable[..., LiveServer]) -> LiveServer:
    return live_server_module(_fixture_graphs)


def _absent(path: Path) -> list[object]:
    reason = f"the W3C SPARQL 1.1 test manifests are not at {path} (../shared is absent)"
    return [pytest.param(None, id="manifest-absent", marks=pytest.mark.skip(reason=reason))]


@pytest.mark.parametrize(
    "test",
    [pytest.param(t, id=t.name) for t in protocol_tests()] or _absent(PROTOCOL),
)
def test_w3c_protocol(test: ProtocolTest, w3c_server: LiveServer) -> None:
    _need(PROTOCOL)
    if test.expects_update_to_succeed():
        pytest.skip("not applicable: the endpoint is read-only and refuses every update")
    for name in test.graphs:
        assert name in w3c_server.store.data_graphs(), f"fixture graph {name} not loaded"
    for req in test.requests:
        status, content_type, body = _send(w3c_server, req)
        assert _status_ok(status, req.statuses), (test.title, status, body[:300])
        if 200 <= status < 300:
            _check_body(req, content_type, body)


def test_the_protocol_manifest_was_read() -> None:
    _need(PROTOCOL)
    tests = protocol_tests()
    assert len(tests) == 34
    applicable = [t for t in tests if not t.expects_update_to_succeed()]
    assert len(applicable) == 27  # 7 updates that should succeed do not apply


# -- Service Description --------------------------------------------------------------------


def _description(server: LiveServer) -> Graph:
    req = HttpRequest(
        "GET", "/sparql", {"accept": "text/turtle"}, None, {"StatusCode2xx"}, "RDF", None
    )
    status, content_type, body = _send(server, req)
    assert status == 200
    return Graph().parse(data=body, format=by_media_type(content_type).rdflib_name)


def _returns_rdf(server: LiveServer) -> None:
    for media in (
        "text/turtle",
        "application/rdf+xml",
        "application/n-triples",
        "application/ld+json",
    ):
        req = HttpRequest("GET", "/sparql", {"accept": media}, None, set(), None, None)
        status, content_type, body = _send(server, req)
        assert status == 200
        assert content_type.startswith(media)
        assert len(Graph().parse(data=body, format=by_media_type(media).rdflib_name)) > 0


def _has_endpoint_triple(server: LiveServer) -> None:
    graph = _description(server)
    endpoints = set(graph.objects(None, SD.endpoint))
    assert URIRef(server.url + "sparql") in endpoints


def _conforms_to_schema(server: LiveServer) -> None:
    conforms, _, text = validate(
        _description(server), shacl_graph=Graph().parse(SD_SHAPES), advanced=True
    )
    assert conforms, text


SERVICE_DESCRIPTION_CHECKS: dict[str, Callable[[LiveServer], None]] = {
    "returns-rdf": _returns_rdf,
    "has-endpoint-triple": _has_endpoint_triple,
    "conforms-to-schema": _conforms_to_schema,
}


def service_description_tests() -> list[str]:
    if not SERVICE_DESCRIPTION.is_file():
        return []
    graph = Graph().parse(SERVICE_DESCRIPTION, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [
        str(entry).rsplit("#", 1)[1]
        for entry in Collection(graph, graph.value(manifest, MF.entries))
    ]


@pytest.mark.parametrize("name", service_description_tests() or _absent(SERVICE_DESCRIPTION))
def test_w3c_service_description(name: str, w3c_server: LiveServer) -> None:
    _need(SERVICE_DESCRIPTION)
    assert name in SERVICE_DESCRIPTION_CHECKS, f"the runner has no check for {name}"
    SERVICE_DESCRIPTION_CHECKS[name](w3c_server)
