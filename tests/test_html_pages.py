"""HTML for browsers: every resource IRI gives a readable page with labels and working links."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from interlink_kg.web import html_view

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PATHS = [
    "problem-profiles/ORG_PROBLEM_6.1",
    "schemas/default/phases/phase-design",
    "schemas/default/tasks/task-define_personas",
    "vocabularies/problem-profiles",
    "vocabularies/targets/smes",
    "licences/permissive",
    "agents/interlink-kg",
    "agents/interlink-kg/contact",
    "interlinkers/trello",
    "catalogue",
    "schemas/default",
    "records/trello",
    "sparql",
]


class Page(HTMLParser):
    """Collects the title, the links and checks that every opened element is closed."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "hr", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.links: list[str] = []
        self.title = ""
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "title":
            self.title += data
        self.text.append(data)


def parse(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode("utf-8"))
    page.close()
    assert page.open == []
    return page


@pytest.mark.parametrize("path", PATHS)
def test_browsers_get_a_well_formed_page_whose_local_links_resolve(
    client: FlaskClient, path: str
) -> None:
    response = client.get("/" + path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    page = parse(response.data)
    assert page.title.strip()
    assert page.links
    local = sorted({link.split("#")[0] for link in page.links if link.startswith("/")})
    for link in local[:15]:
        assert client.get(link, headers={"Accept": BROWSER}).status_code == 200, link
    # The same request from another browser gives the same bytes (links above may have
    # switched this browser's remembered language).
    fresh = client.application.test_client()
    assert fresh.get("/" + path, headers={"Accept": BROWSER}).data == response.data


def test_labels_follow_the_requested_language(client: FlaskClient) -> None:
    path = "/problem-profiles/ORG_PROBLEM_6.1"
    english = parse(client.get(path, headers={"Accept": BROWSER}).data).title
    spanish = parse(
        client.get(path, headers={"Accept": BROWSER, "Accept-Language": "es"}).data
    ).title
    assert english.startswith("Document collaboration")
    assert spanish.startswith("Colaboración documental")


@pytest.mark.parametrize("accept", ["*/*", "application/ld+json", "text/turtle"])
def test_non_browsers_still_get_rdf(client: FlaskClient, accept: str) -> None:
    response = client.get("/problem-profiles/ORG_PROBLEM_6.1", headers={"Accept": accept})
    assert response.mimetype != "text/html"


def test_suffix_urls_are_never_html(client: FlaskClient) -> None:
    response = client.get("/interlinkers/trello.ttl", headers={"Accept": BROWSER})
    assert response.mimetype == "text/turtle"


def test_values_are_escaped_and_only_web_iris_become_links(app: Flask) -> None:
    graph = Graph()
    subject = URIRef("https://example.org/x")
    graph.add((subject, DCTERMS.title, Literal("<script>alert(1)</script>", lang="en")))
    graph.add((subject, DCTERMS.source, URIRef("javascript:alert(1)")))
    with app.test_request_context("/"):
        body = html_view.render(graph, Graph(), str(subject), "en", "http://127.0.0.1:8080/", {})
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript:' not in body


def test_links_show_the_linked_resources_name_in_the_page_language(client: FlaskClient) -> None:
    response = client.get(
        "/interlinkers/trello", headers={"Accept": BROWSER, "Accept-Language": "es"}
    )
    body = response.data.decode()
    assert (
        '<a href="/problem-profiles/ORG_PROBLEM_2">Plan de trabajo y gestión de proyectos</a>'
        in (body)
    )
    assert "ilk:addressesProblem" not in body  # an INTERLINKER has a page of its own
    generic = client.get("/problem-profiles/ORG_PROBLEM_2", headers={"Accept": BROWSER})
    assert ">skos:prefLabel</a>" in generic.data.decode()  # other resources: the RDF table


def test_an_html_view_does_not_change_the_rdf_bytes(client: FlaskClient) -> None:
    before = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data
    client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data == before


def test_not_acceptable_names_html_among_the_offered_types(client: FlaskClient) -> None:
    response = client.get("/problem-profiles/ORG_PROBLEM_6.1", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/html" in response.get_json()["details"]["offered"]
