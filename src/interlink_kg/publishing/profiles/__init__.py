"""The published views of the catalogue (application profiles), as small objects chosen by name.

Each profile builds its view from the same descriptions (pure: graphs in, a graph out) and
names the standard its output conforms to and the shapes that check it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, URIRef

from interlink_kg.errors import BadRequestError, ConfigurationError
from interlink_kg.publishing.profiles import adms_ap, dcat_ap3
from interlink_kg.vocab import DCAT, VCARD


class ProfileUnavailableError(ConfigurationError):
    code = "profile_unavailable"
    status = 503


@dataclass(frozen=True)
class Profile:
    name: str  # the value of ``?profile=``
    title: str
    version: str
    standard: URIRef  # what the records' dct:conformsTo names
    shapes: str  # folder under ``shapes/`` holding the shapes every page must pass
    build: Callable[[Graph, URIRef | None], Graph]
    needs_contact_email: bool = False  # the profile makes the contact point's e-mail mandatory


DCAT_AP_3 = Profile(
    dcat_ap3.NAME,
    f"DCAT-AP {dcat_ap3.VERSION}",
    dcat_ap3.VERSION,
    URIRef(f"https://semiceu.github.io/DCAT-AP/releases/{dcat_ap3.VERSION}/"),
    "official/dcat-ap-3.0.1",
    dcat_ap3.build,
)
# The DCAT-AP 3 view already holds to 2.1.1 (its official shapes find no violation): what
# changes is the standard the records name.
DCAT_AP_2 = Profile(
    "dcat-ap-2.1.1",
    "DCAT-AP 2.1.1",
    "2.1.1",
    URIRef("https://semiceu.github.io/DCAT-AP/releases/2.1.1/"),
    "official/dcat-ap-2.1.1",
    dcat_ap3.build,
)
ADMS_AP = Profile(
    adms_ap.NAME,
    f"ADMS-AP for Joinup {adms_ap.VERSION}",
    adms_ap.VERSION,
    adms_ap.STANDARD,
    "adms-ap",
    adms_ap.build,
    needs_contact_email=True,
)
PROFILES: dict[str, Profile] = {p.name: p for p in (DCAT_AP_3, DCAT_AP_2, ADMS_AP)}
DEFAULT = DCAT_AP_3


def add_contact_email(source: Graph, catalogue: URIRef, contact_email: str | None) -> None:
    """Give the catalogue's contact point the operator's e-mail (from the settings), if any."""
    contact = source.value(catalogue, DCAT.contactPoint)
    if contact_email and contact is not None:
        source.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email}")))


def require_contact_email(profile: Profile, contact_email: str | None) -> None:
    """Refuse a profile that makes the contact e-mail mandatory when none is configured."""
    if profile.needs_contact_email and not contact_email:
        raise ProfileUnavailableError(
            f"the {profile.title} profile makes the contact point's e-mail mandatory and this "
            "catalogue has none: its operator must set INTERLINK_KG_CONTACT_EMAIL",
            details={"profile": profile.name},
        )


def by_standard(iri: str) -> Profile | None:
    """The profile whose standard is ``iri`` (as W3C's ``Accept-Profile`` names it)."""
    wanted = iri.strip().rstrip("/")
    for profile in PROFILES.values():
        if str(profile.standard).rstrip("/") == wanted:
            return profile
    return None


def by_name(name: str) -> Profile:
    if name not in PROFILES:
        raise BadRequestError(
            f"unknown profile {name!r}; use one of: {', '.join(PROFILES)}",
            details={"allowed": list(PROFILES)},
        )
    return PROFILES[name]
