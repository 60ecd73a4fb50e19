"""File types the catalogue knows by extension: the EU file-type code and the IANA media type.

One table for the importer (upstream files) and the published views (a landing page that is
itself a file). Pure.
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlsplit

from rdflib import URIRef

from interlink_kg.vocab import EU_FILE_TYPE, IANA_MEDIA_TYPE

# file extension -> (EU file-type code, IANA media type)
FILE_TYPES = MappingProxyType(
    {
        "docx": (
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "pptx": (
            "PPTX",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pdf": ("PDF", "application/pdf"),
        "odt": ("ODT", "application/vnd.oasis.opendocument.text"),
        "json": ("JSON", "application/json"),
    }
)
HTML = (EU_FILE_TYPE["HTML"], IANA_MEDIA_TYPE["text/html"])


def of_url(url: str) -> tuple[URIRef, URIRef] | None:
    """The (EU file type, IANA media type) of a URL whose path ends in a known extension."""
    path = urlsplit(url).path.lower()
    _, dot, extension = path.rpartition(".")
    if not dot or "/" in extension or extension not in FILE_TYPES:
        return None
    code, media_type = FILE_TYPES[extension]
    return EU_FILE_TYPE[code], IANA_MEDIA_TYPE[media_type]
