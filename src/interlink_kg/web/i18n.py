"""The words of the pages in en, es, it and lv: gettext catalogues (``translations/*.po``, read
with Babel when the app starts; no compiled files), installed into Jinja's i18n extension.

English is the source language (the msgids). The language of a page is chosen per request
(``?lang=``, then ``Accept-Language``, else English) and kept in ``flask.g``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask, g

from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for ``lang`` (empty for English, and for untranslated entries)."""
    path = TRANSLATIONS / f"{lang}.po"
    if lang == FALLBACK_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in messages
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }


def current_language() -> str:
    lang = getattr(g, "lang", FALLBACK_LANGUAGE)
    return lang if lang in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE


def gettext(message: str, **variables: object) -> str:
    """``message`` in the page's language; ``%(name)s`` placeholders filled from
    ``variables`` (Jinja fills them itself in templates)."""
    text = catalogue(current_language()).get(message, message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, number: int) -> str:
    return gettext(singular if number == 1 else plural)


def install(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
