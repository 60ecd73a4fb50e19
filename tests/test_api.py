"""The read-only HTTP API: routes, negotiation, languages, paging and the one error shape."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from support import BASE, catalogue_without_texts

from interlink_kg.curation.loading import load_bundled
from interlink_kg.rdf import bundle
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.web.app import close_app, create_app

ERROR_KEYS = {"code", "message", "status", "details"}


def test_health(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["status"] == "ok"
    assert body["counts"] == {"interlinkers": 78, "problemProfiles": 45, "schemas": 4, "tasks": 109}


def test_interlinker_list_pages_through_everything(client: FlaskClient) -> None:
    seen: list[str] = []
    url: str | None = "/interlinkers?per_page=25"
    while url:
        body = client.get(url).get_json()
        assert body["total"] == 78
        seen += [item["id"] for item in body["items"]]
        url = body["links"]["next"]
    assert len(seen) == len(set(seen)) == 78
    assert seen == sorted(seen)


def test_interlinker_summary_fields(client: FlaskClient) -> None:
    body = client.get("/interlinkers?per_page=1000").get_json()
    trello = next(i for i in body["items"] if i["id"] == "trello")
    assert trello == {
        "id": "trello",
        "iri": BASE + "interlinkers/trello",
        "title": "Trello",
        "title_language": "en",
        "kind": "externalsoftware",
        "problem_profiles": ["ORG_PROBLEM_2"],
    }


@pytest.mark.parametrize(
    ("query", "headers", "language"),
    [
        ("?lang=es", {}, "es"),
        ("", {"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"}, "it"),
        ("?lang=lv", {"Accept-Language": "it"}, "lv"),
        ("?lang=fr", {}, "en"),
        ("", {}, "en"),
    ],
)
def test_language_choice(
    client: FlaskClient, query: str, headers: dict[str, str], language: str
) -> None:
    body = client.get(f"/interlinkers{query}", headers=headers).get_json()
    assert body["language"] == language
    stakeholders = client.get(f"/problem-profiles{query}", headers=headers).get_json()
    first = stakeholders["items"][0]
    assert first["id"] == "ORG_PROBLEM_1"
    assert first["label_language"] == language


def test_title_falls_back_to_english() -> None:
    canvas_file = "interlinkers/gamification_model_canvas.ttl"
    title = "http://purl.org/dc/terms/title"
    store = catalogue_without_texts(
        BASE, [(canvas_file, "gamification_model_canvas", title, ("lv",))]
    )
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=store)
    try:
        body = app.test_client().get("/interlinkers?lang=lv&per_page=1000").get_json()
    finally:
        close_app(app)
    canvas = next(i for i in body["items"] if i["id"] == "gamification_model_canvas")
    assert canvas["title_language"] == "en"


@pytest.mark.parametrize("bad", ["page=0", "page=x", "per_page=0", "per_page=1001", "per_page=-1"])
def test_bad_paging_is_a_400(client: FlaskClient, bad: str) -> None:
    response = client.get(f"/interlinkers?{bad}")
    assert response.status_code == 400
    assert set(response.get_json()) == ERROR_KEYS


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "application/ld+json", "json-ld"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/json", "application/ld+json", "json-ld"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml", "xml"),
        ("*/*", "application/ld+json", "json-ld"),
    ],
)
def test_interlinker_in_every_format_is_the_same_graph(
    client: FlaskClient, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/interlinkers/trello", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    served = Graph().parse(data=response.data, format=rdflib_format)
    source = bundle.load_graph(
        [bundle.catalogue_files()[0].parent / "interlinkers" / "trello.ttl"], BASE
    )
    assert served.isomorphic(source)


def test_rdf_output_is_deterministic(client: FlaskClient) -> None:
    for accept in ("text/turtle", "application/ld+json", "application/n-triples"):
        first = client.get("/interlinkers/information_sheet_template", headers={"Accept": accept})
        second = client.get("/interlinkers/information_sheet_template", headers={"Accept": accept})
        assert first.data == second.data


def test_knowledge_interlinker_includes_its_distributions(client: FlaskClient) -> None:
    response = client.get(
        "/interlinkers/information_sheet_template", headers={"Accept": "text/turtle"}
    )
    graph = Graph().parse(data=response.data, format="turtle")
    dist = URIRef(BASE + "interlinkers/information_sheet_template/distributions/it")
    assert (dist, None, None) in graph


def test_unknown_interlinker_is_a_404_in_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/interlinkers/no_such_thing")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "not_found"
    assert body["status"] == 404


def test_unacceptable_type_is_a_406_listing_offers(client: FlaskClient) -> None:
    response = client.get("/interlinkers/trello", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_json()["details"]["offered"]


def test_unknown_route_and_method_use_the_error_shape(client: FlaskClient) -> None:
    missing = client.get("/nothing/here")
    assert missing.status_code == 404
    assert set(missing.get_json()) == ERROR_KEYS
    wrong = client.delete("/interlinkers")
    assert wrong.status_code == 405
    assert set(wrong.get_json()) == ERROR_KEYS


def test_problem_profiles(client: FlaskClient) -> None:
    body = client.get("/problem-profiles").get_json()
    assert body["total"] == 45
    groups = [p["group"] for p in body["items"]]
    assert groups[0] == "ORG"
    assert groups[-1] == "HACKATHON"
    ids = [p["id"] for p in body["items"]]
    assert ids[:9] == [
        "ORG_PROBLEM_1",
        "ORG_PROBLEM_2",
        "ORG_PROBLEM_3",
        "ORG_PROBLEM_4",
        "ORG_PROBLEM_5",
        "ORG_PROBLEM_6.1",
        "ORG_PROBLEM_6.2",
        "ORG_PROBLEM_6.3",
        "ORG_PROBLEM_7",
    ]


def test_schema_list(client: FlaskClient) -> None:
    body = client.get("/schemas").get_json()
    assert {s["id"]: s["tasks"] for s in body["items"]} == {
        "default": 51,
        "hackathon": 30,
        "servicedescriptionenhancement": 16,
        "solutioncorefinementprocess": 12,
    }


def test_schema_tree_is_ordered_with_effective_problem_profiles(client: FlaskClient) -> None:
    tree = client.get("/schemas/default").get_json()
    assert [p["id"] for p in tree["phases"]] == [
        "phase-engage",
        "phase-design",
        "phase-build",
        "phase-sustain",
    ]
    assert [p["order"] for p in tree["phases"]] == [1, 2, 3, 4]
    design = tree["phases"][1]
    focus = design["objectives"][0]
    assert focus["id"] == "objective-focus_the_problem_collaboratively"
    first_task = focus["tasks"][0]
    assert first_task["id"] == "task-develop_a_shared_language"
    assert first_task["problem_profiles"] == ["ORG_PROBLEM_12"]
    assert first_task["effective_problem_profiles"] == [
        "DEF_PROBLEM_2",
        "ORG_PROBLEM_12",
        "UND_PROBLEM_1",
        "UND_PROBLEM_5",
    ]
    tasks = [t for p in tree["phases"] for o in p["objectives"] for t in o["tasks"]]
    assert len(tasks) == 51


def test_schema_as_rdf(client: FlaskClient) -> None:
    response = client.get("/schemas/hackathon", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    tasks = set(graph.subjects(URIRef("https://w3id.org/interlink-kg/ontology#inSchema"), None))
    assert len([t for t in tasks if "/tasks/" in str(t)]) == 30


def test_unknown_schema_is_a_404(client: FlaskClient) -> None:
    assert client.get("/schemas/nope").status_code == 404
    assert client.get("/schemas/..%2F..%2Fetc").status_code == 404


def test_json_error_body_is_json(client: FlaskClient) -> None:
    response = client.get("/interlinkers?page=abc")
    assert response.mimetype == "application/json"
    assert json.loads(response.data)["details"] == {"parameter": "page"}


def test_openapi_json_is_the_yaml_document(client: FlaskClient) -> None:
    import yaml

    from interlink_kg import resources

    served = client.get("/openapi.json").get_json()
    kept = yaml.safe_load(resources.openapi_file().read_text())
    assert served == kept
    assert "/dump" in served["paths"]


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [(None, "nt", "application/n-triples"), ("text/turtle", "turtle", "text/turtle")],
)
def test_dump_is_the_whole_public_catalogue(
    client: FlaskClient, catalogue_store: object, accept: str | None, fmt: str, media: str
) -> None:
    from interlink_kg.rdf.formats import NTRIPLES

    response = client.get("/dump", headers={"Accept": accept} if accept else {})
    assert response.mimetype == media
    served = Graph().parse(data=response.data, format=fmt)
    stored = Graph().parse(data=catalogue_store.dump(NTRIPLES), format="nt")
    assert served.isomorphic(stored)
    assert client.get("/dump", headers={"Accept": "image/png"}).status_code == 406


RESOURCE_PATHS = [
    "problem-profiles/ORG_PROBLEM_6.1",
    "schemas/default/phases/phase-design",
    "schemas/hackathon/objectives/objective-ideation",
    "schemas/default/tasks/task-define_personas",
    "vocabularies/problem-profiles",
    "vocabularies/problem-profiles/ORG",
    "vocabularies/targets/smes",
    "licences/permissive",
    "agents/interlink-kg",
    "interlinkers/trello",
]


@pytest.mark.parametrize("path", RESOURCE_PATHS)
@pytest.mark.parametrize(
    ("suffix", "accept", "fmt"),
    [
        ("", "text/turtle", "turtle"),
        ("", "application/ld+json", "json-ld"),
        (".ttl", None, "turtle"),
        (".jsonld", None, "json-ld"),
        (".rdf", None, "xml"),
        (".nt", None, "nt"),
    ],
)
def test_every_resource_iri_dereferences(
    client: FlaskClient, path: str, suffix: str, accept: str | None, fmt: str
) -> None:
    response = client.get(f"/{path}{suffix}", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.get_json()
    graph = Graph().parse(data=response.data, format=fmt)
    assert (URIRef(BASE + path), None, None) in graph
    assert f'<{BASE}{path}.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


ALL_FORMATS = [
    ("application/ld+json", ".jsonld", "json-ld"),
    ("text/turtle", ".ttl", "turtle"),
    ("application/rdf+xml", ".rdf", "xml"),
    ("application/n-triples", ".nt", "nt"),
]


@pytest.mark.parametrize(
    "path", [*RESOURCE_PATHS, "schemas/default", "records/trello", "sparql", "catalogue"]
)
def test_every_format_of_every_resource_type_is_the_same_graph(
    client: FlaskClient, path: str
) -> None:
    """Each RDF syntax, asked for by Accept or by suffix, parses back to one and the same graph."""
    graphs = []
    for media, suffix, name in ALL_FORMATS:
        answer = client.get(f"/{path}", headers={"Accept": media})
        assert answer.status_code == 200, (path, media)
        assert answer.mimetype == media
        assert answer.headers["Vary"].startswith("Accept")
        graphs.append(Graph().parse(data=answer.data, format=name))
        if path != "catalogue":  # a catalogue page names the exact URL it was fetched from
            by_suffix = client.get(f"/{path}{suffix}")
            assert by_suffix.status_code == 200, (path, suffix)
            graphs.append(Graph().parse(data=by_suffix.data, format=name))
    assert len(graphs[0]) > 0
    for other in graphs[1:]:
        assert isomorphic(graphs[0], other), path


def test_suffix_and_content_negotiation_give_the_same_graph(client: FlaskClient) -> None:
    path = "/schemas/default/tasks/task-define_personas"
    by_suffix = Graph().parse(data=client.get(path + ".nt").data, format="nt")
    by_accept = Graph().parse(
        data=client.get(path, headers={"Accept": "application/n-triples"}).data, format="nt"
    )
    assert by_suffix.isomorphic(by_accept)


@pytest.mark.parametrize(
    "path",
    [
        "/problem-profiles/NOPE",
        "/problem-profiles/NOPE.ttl",
        "/vocabularies/nope",
        "/schemas/default/tasks/task-nope",
        "/schemas/default/gadgets/x",
        "/interlinkers/trello.png",
    ],
)
def test_unknown_resources_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert set(response.get_json()) == ERROR_KEYS


def test_void_description(client: FlaskClient, catalogue_store: object) -> None:
    from rdflib import Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    dataset = URIRef(BASE + ".well-known/void#catalogue")
    dumps = set(graph.objects(dataset, void.dataDump))
    assert dumps == {URIRef(BASE + "dump"), URIRef(BASE + "catalogue")}
    triples = int(graph.value(dataset, void.triples))
    dumped = Graph().parse(data=client.get("/dump").data, format="nt")
    assert triples == len(dumped)
    endpoint = graph.value(dataset, void.sparqlEndpoint)
    assert endpoint == URIRef(BASE + "sparql")
    # The endpoint it names answers, and sees the same triples (besides the types it derives).
    implied = f"<{BASE}graphs/derived/types>"
    same = (
        "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (?g != {implied}) }} }}"
    )
    counted = client.get("/sparql", query_string={"query": same}).get_json()
    assert int(counted["results"]["bindings"][0]["n"]["value"]) == triples
    partition = graph.value(dataset, void.classPartition)
    assert int(graph.value(partition, void.entities)) == 78


def test_named_graphs_dereference_and_only_published_ones(
    client: FlaskClient, catalogue_store: object
) -> None:
    name = BASE + "graphs/catalogue_data/catalogue.ttl"
    answer = client.get("/graphs/catalogue_data/catalogue.ttl", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.mimetype == "text/turtle"
    stored = catalogue_store.construct("CONSTRUCT WHERE { ?s ?p ?o }", graphs=[name])
    assert isomorphic(Graph().parse(data=answer.data, format="turtle"), stored)
    assert client.get("/graphs/submissions/example_planner").status_code == 404
    assert client.get("/graphs/catalogue_data/nope.ttl").status_code == 404


@pytest.mark.parametrize(
    "schema",
    ["default", "hackathon", "servicedescriptionenhancement", "solutioncorefinementprocess"],
)
def test_schemas_as_skos(client: FlaskClient, schema: str) -> None:
    from rdflib.namespace import RDF, SKOS

    answer = client.get(f"/schemas/{schema}.ttl?profile=skos")
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.data, format="turtle")
    scheme = URIRef(f"{BASE}schemas/{schema}")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    native = client.get(f"/schemas/{schema}").get_json()
    steps = [
        node
        for phase in native["phases"]
        for node in [
            phase,
            *phase["objectives"],
            *[t for o in phase["objectives"] for t in o["tasks"]],
        ]
    ]
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert {URIRef(step["iri"]) for step in steps} == concepts
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == {URIRef(phase["iri"]) for phase in native["phases"]}
    for concept in concepts:
        assert graph.value(concept, SKOS.inScheme) == scheme
        languages = [label.language for label in graph.objects(concept, SKOS.prefLabel)]
        assert "en" in languages
        assert len(languages) == len(set(languages))  # one preferred label per language
        # every concept reaches a top concept by skos:broader, without cycles
        seen, node = set(), concept
        while node not in tops:
            assert node not in seen
            seen.add(node)
            node = graph.value(node, SKOS.broader)
            assert node is not None, concept
    assert client.get(f"/schemas/{schema}?profile=nope").status_code == 400


@pytest.fixture(scope="module")
def second_client() -> Iterator[FlaskClient]:
    """Another app over another store loaded from the same files (other blank-node ids)."""
    from support import BASE, LOADED_AT

    store = open_store("memory:")
    load_bundled(store, BASE, validate=False, now=LOADED_AT)
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=store)
    yield app.test_client()
    close_app(app)


@pytest.mark.parametrize(
    "path",
    [*RESOURCE_PATHS, "schemas/default", "catalogue?per_page=20", "sparql", ".well-known/void"],
)
@pytest.mark.parametrize("media", [m for m, _, _ in ALL_FORMATS])
def test_same_data_gives_the_same_bytes(
    client: FlaskClient, second_client: FlaskClient, path: str, media: str
) -> None:
    first = client.get(f"/{path}", headers={"Accept": media})
    assert first.status_code == 200
    assert first.data == client.get(f"/{path}", headers={"Accept": media}).data
    assert first.data == second_client.get(f"/{path}", headers={"Accept": media}).data


def test_the_root_lists_the_entry_points(client: FlaskClient) -> None:
    body = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert body["name"] == "interlink-kg"
    links = body["links"]
    assert links["catalogue"]["href"] == f"{BASE}catalogue"
    assert links["sparql"]["href"] == f"{BASE}sparql"
    for link in links.values():
        path = link["href"].removeprefix(BASE)
        status = client.get("/" + path).status_code
        assert status in {200, 405}, (path, status)  # 405: POST-only entry points


def test_health_says_when_the_catalogue_is_empty() -> None:
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=open_store("memory:"))
    try:
        response = app.test_client().get("/health")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "empty"
        assert "interlink-kg load" in body["message"]
    finally:
        close_app(app)


def test_expensive_routes_share_one_bound(app: Flask, client: FlaskClient) -> None:
    """Public queries, validations, catalogue pages and the dump wait on one bound of threads:
    when it is full they answer 503 at once, and cheap reads still answer."""
    from contextlib import ExitStack

    from interlink_kg.web.state import state_of

    gate = state_of(app).expensive
    expensive = [
        ("GET", "/catalogue?per_page=1000"),
        ("GET", "/dump"),
        ("GET", "/sparql?query=ASK%7B%7D"),
        ("POST", "/validate"),
    ]
    with ExitStack() as held:
        for _ in range(gate.slots):
            held.enter_context(gate.slot())
        for method, path in expensive:
            response = client.open(
                path, method=method, data=b"<a:b> <a:c> <a:d> .", content_type="text/turtle"
            )
            assert response.status_code == 503, path
            assert response.headers["Retry-After"]
        assert client.get("/health").status_code == 200
        # A page of the default size is cheap (cut from the sorted keys): it still answers.
        assert client.get("/catalogue?per_page=100").status_code == 200
    for method, path in expensive:
        response = client.open(
            path, method=method, data=b"<a:b> <a:c> <a:d> .", content_type="text/turtle"
        )
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:200])


@pytest.mark.parametrize("accept", [",", "text/turtle;q=abc"])
def test_an_unreadable_accept_gets_the_default(client: FlaskClient, accept: str) -> None:
    """A header that names nothing readable is no preference (as before one negotiate() served
    every route): the default format, not 406."""
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
