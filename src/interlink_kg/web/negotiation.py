"""Content negotiation on ``Accept`` (q-values honoured) and language choice."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Request

from interlink_kg.errors import BadRequestError, NotAcceptableError
from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES
from interlink_kg.rdf.formats import JSONLD, NTRIPLES, RDFXML, TURTLE, RdfFormat

RDF_FORMATS: tuple[RdfFormat, ...] = (JSONLD, TURTLE, NTRIPLES, RDFXML)
# The URL suffix that asks for each format (``/interlinkers/trello.ttl``): its first extension.
SUFFIXES: dict[str, RdfFormat] = {f.extensions[0]: f for f in RDF_FORMATS}
# The URL rule of a resource's suffix forms, e.g. ``/catalogue<SUFFIX_RULE>``.
SUFFIX_RULE = "<any(" + ", ".join(f"'{suffix}'" for suffix in SUFFIXES) + "):suffix>"
JSON = "application/json"
HTML = "text/html"


def canonical_query(request: Request) -> str:
    """The request's query string rebuilt from its parsed parameters, percent-encoded: safe to
    put in an IRI or a ``Link`` header (the raw string may hold ``<``, ``>``, ``"`` or ``,``).
    Empty, or ``?`` and the parameters."""
    pairs = list(request.args.items(multi=True))
    return "?" + urlencode(pairs) if pairs else ""


def split_suffix(identifier: str) -> tuple[str, RdfFormat | None]:
    """``trello.ttl`` -> (``trello``, Turtle); an id without a known suffix is kept whole."""
    for suffix, fmt in SUFFIXES.items():
        if identifier.endswith(suffix) and len(identifier) > len(suffix):
            return identifier[: -len(suffix)], fmt
    return identifier, None


def prefers_html(request: Request) -> bool:
    """True when ``Accept`` ranks HTML above every RDF syntax (a browser following a link)."""
    if not request.headers.get("Accept"):
        return False
    # HTML is offered last so that a bare ``*/*`` (curl, harvesters) still gets RDF.
    offered = [f.media_type for f in RDF_FORMATS] + [HTML]
    return request.accept_mimetypes.best_match(offered) == HTML


def negotiate(
    request: Request,
    offered: list[str],
    *,
    listed: list[str] | None = None,
    fallback: bool = False,
) -> str:
    """The media type of ``offered`` that ``Accept`` prefers; the first one when the request
    states no (readable) preference, or when none is acceptable and ``fallback`` is set;
    otherwise ``406`` naming what is offered (``listed``, else ``offered``). The one place where
    ``Accept`` is weighed against a list."""
    if not request.headers.get("Accept") or not request.accept_mimetypes:
        return offered[0]
    best = request.accept_mimetypes.best_match(offered)
    if best is None and fallback:
        return offered[0]
    if best is None:
        raise NotAcceptableError(
            "none of the requested media types is offered",
            details={"offered": listed if listed is not None else offered},
        )
    return str(best)


def choose_rdf_format(
    request: Request, *, json_means_jsonld: bool = True, html_offered: bool = False
) -> RdfFormat:
    """The RDF format the client prefers; JSON-LD when it states no preference.

    ``html_offered`` only adds HTML to the list a ``406`` names (the caller serves HTML itself).
    """
    offered = [JSONLD.media_type] + [f.media_type for f in RDF_FORMATS if f is not JSONLD]
    if json_means_jsonld:
        offered.append(JSON)
    best = negotiate(request, offered, listed=[*offered, HTML] if html_offered else None)
    if best == JSON:
        return JSONLD
    return next(f for f in RDF_FORMATS if f.media_type == best)


def wants_json(request: Request, rdf_offered: bool, *, fallback: bool = False) -> bool:
    """For a JSON view that can also be had as RDF: True unless an RDF type is preferred
    (``fallback``: JSON also when nothing offered is acceptable, instead of 406)."""
    offered = [JSON] + ([f.media_type for f in RDF_FORMATS] if rdf_offered else [])
    return negotiate(request, offered, fallback=fallback) == JSON


def choose_language(request: Request) -> str:
    """``?lang=`` wins, then ``Accept-Language``; English when neither matches."""
    lang = request.args.get("lang")
    if lang:
        tag = lang.strip().lower().split("-", 1)[0]
        return tag if tag in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE
    best = request.accept_languages.best_match(SUPPORTED_LANGUAGES)
    return best or FALLBACK_LANGUAGE


def page_args(request: Request, default: int, maximum: int) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1..maximum), or a 400 naming the bad one."""

    def number(name: str, fallback: int, low: int, high: int) -> int:
        raw = request.args.get(name)
        if raw is None:
            return fallback
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise BadRequestError(
                f"{name} must be an integer from {low} to {high}, got {raw!r}",
                details={"parameter": name},
            )
        return int(raw)

    page = number("page", 1, 1, 10**9)
    per_page = number("per_page", default, 1, maximum)
    return page, per_page


def accepted_profiles(request: Request) -> list[str]:
    """The profile IRIs of ``Accept-Profile`` (W3C Content Negotiation by Profile), best first.

    The header lists ``<iri>`` entries with optional ``;q=`` weights; entries with ``q=0`` and
    malformed ones are dropped.
    """
    header = request.headers.get("Accept-Profile", "")
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")):
        iri, _, params = entry.strip().partition(";")
        iri = iri.strip()
        if not (iri.startswith("<") and iri.endswith(">")):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, iri[1:-1]))
    return [iri for _, _, iri in sorted(ranked)]
