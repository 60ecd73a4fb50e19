"""Every word the pages show has a translation in es, it and lv (gettext catalogues in
``src/interlink_kg/translations``), and its placeholders are kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from support import ROOT

from interlink_kg.web import i18n
from interlink_kg.web.errors import _TITLES
from interlink_kg.web.views import catalogue, coproduction

SOURCES = ROOT / "src" / "interlink_kg"
METHODS = [("web/**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def used_messages() -> set[str]:
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(SOURCES), METHODS, keywords={"_": None, "gettext": None}
        )
    }
    # Words that reach gettext through a variable.
    found.update(catalogue.FACET_TITLES.values())
    found.update(catalogue.FACT_TITLES.values())
    found.update(coproduction.STATUS_NAMES.values())
    found.update(_TITLES.values())
    found.update(
        {
            "private",
            "public",
            "proposed",
            "published",
            "rejected",
            "deprecated",
            "all",
            "Something went wrong",
        }
    )
    return {m for m in found if m}


@pytest.mark.parametrize("lang", ["es", "it", "lv"])
def test_every_message_is_translated(lang: str) -> None:
    translated = i18n.catalogue(lang)
    missing = sorted(used_messages() - set(translated))
    assert not missing, f"{lang}: {missing[:20]}"


@pytest.mark.parametrize("lang", ["es", "it", "lv"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    for msgid, text in i18n.catalogue(lang).items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid


def test_no_translation_is_left_unused() -> None:
    unused = sorted(set(i18n.catalogue("es")) - used_messages())
    assert not unused, unused


def test_catalogues_ship_with_the_package() -> None:
    assert Path(i18n.TRANSLATIONS).is_dir()
    assert {p.stem for p in Path(i18n.TRANSLATIONS).glob("*.po")} == {"es", "it", "lv"}
