"""The catalogue's metadata quality as data.europa.eu scores it (bench/mqa_bench.py): the
total is pinned so that a change losing points fails, and each statement behind the points is
checked on the harvested pages."""

from __future__ import annotations

import sys

import pytest
from rdflib import URIRef
from support import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import mqa_bench

from interlink_kg.vocab import DCAT, DCT

BASE = mqa_bench.BASE
# Below the 255: byte sizes, time coverage and more non-proprietary or machine-readable
# formats are facts the catalogue does not have (README, "Metadata quality").
FLOOR = 252.0


@pytest.fixture(scope="module")
def harvest() -> mqa_bench.Harvest:
    return mqa_bench.harvest(per_page=30)


def test_the_score_does_not_drop(harvest: mqa_bench.Harvest) -> None:
    found = mqa_bench.indicators(harvest)
    assert harvest.pages == 3
    assert len(harvest.datasets) == 78
    assert mqa_bench.total(found) >= FLOOR, mqa_bench.table(harvest, found)
    by_name = {i.name: i for i in found}
    for name in (
        "access restrictions from the EU table",
        "media type (dcat:mediaType)",
        "rights (dct:rights)",
        "date of issue (dct:issued)",
        "modification date (dct:modified)",
        "DCAT-AP compliance (official 3.0.1 shapes)",
    ):
        assert by_name[name].met == by_name[name].of, name


def test_access_rights_follow_the_data(harvest: mqa_bench.Harvest) -> None:
    g = harvest.graph
    rights = mqa_bench.ACCESS_RIGHT
    assert g.value(URIRef(BASE + "interlinkers/trello"), DCT.accessRights) == URIRef(
        rights + "RESTRICTED"
    )
    assert g.value(URIRef(BASE + "interlinkers/business_model_canvas"), DCT.accessRights) == (
        URIRef(rights + "PUBLIC")
    )


def test_a_landing_page_that_is_a_file_is_downloadable(harvest: mqa_bench.Harvest) -> None:
    g = harvest.graph
    web = URIRef(BASE + "interlinkers/edpb_data_protection_guidelines/distributions/web")
    pdf = URIRef("http://publications.europa.eu/resource/authority/file-type/PDF")
    assert g.value(web, DCT.format) == pdf
    assert str(g.value(web, DCAT.downloadURL)).endswith(".pdf")
    assert g.value(web, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/application/pdf"
    )


def test_knowledge_files_link_the_seed_at_its_commit(harvest: mqa_bench.Harvest) -> None:
    g = harvest.graph
    file = g.value(
        URIRef(BASE + "interlinkers/business_model_canvas/distributions/en"), DCAT.downloadURL
    )
    assert str(file).startswith(
        "https://raw.githubusercontent.com/interlink-project/backend-catalogue/"
        "1e2d2043de6e3e51fba6a8197ba9a03b00243c93/catalogue/seed/interlinkers/knowledge/"
    )


def test_every_distribution_states_the_rights_of_its_licence(harvest: mqa_bench.Harvest) -> None:
    g = harvest.graph
    for distribution in harvest.distributions:
        rights = g.value(distribution, DCT.rights)
        assert rights is not None, distribution
        assert str(rights).startswith(BASE + "licences/")
        assert str(rights).endswith("/rights")
        assert g.value(rights, DCT.description) is not None
