"""Validation of the published views: a description as a catalogue profile (DCAT-AP 3,
DCAT-AP 2.1.1, ADMS-AP) would publish it, against that profile's shapes; and the choice of a
shape set by name (``POST /validate?shapes=``)."""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef

from interlink_kg import resources
from interlink_kg.errors import BadRequestError
from interlink_kg.model.report import ValidationReport
from interlink_kg.publishing import profiles
from interlink_kg.publishing.profiles import dcat_ap3
from interlink_kg.rdf import bundle
from interlink_kg.validation.background import bundled_vocabularies
from interlink_kg.validation.engine import (
    ShapeSet,
    apply_shapes,
    validator,
)


def dcat_ap3_shapes() -> ShapeSet:
    """SEMIC's official DCAT-AP 3.0.1 shapes (base, ranges, recommended, vocabularies)."""
    return profile_shapes(dcat_ap3.NAME)


@cache
def profile_shapes(name: str) -> ShapeSet:
    """The shapes every catalogue page in the profile called ``name`` must pass."""
    profile = profiles.by_name(name)
    folder = resources.shapes_dir() / profile.shapes
    return ShapeSet(
        profile.name,
        profile.version,
        bundle.load_graph(sorted(folder.glob("*.ttl")), str(profile.standard)),
    )


class ProfileValidator:
    """Validate a profile's view of INTERLINKER descriptions against that profile's shapes, as
    the catalogue would publish it."""

    def __init__(self, profile: profiles.Profile, base_iri: str, contact_email: str | None = None):
        self.profile = profile
        self.base_iri = base_iri
        self.contact_email = contact_email
        self.shapes = profile_shapes(profile.name)

    def validate(self, data: Graph) -> ValidationReport:
        if not dcat_ap3.interlinkers_in(data):
            raise BadRequestError(
                f"the {self.profile.title} view is made of INTERLINKERs: the data describes none "
                "(no resource with an ilk:kind)"
            )
        source = bundled_vocabularies(self.base_iri) + data
        catalogue = URIRef(self.base_iri + "catalogue")
        profiles.add_contact_email(source, catalogue, self.contact_email)
        view = self.profile.build(source, catalogue)
        results = apply_shapes(self.shapes, view, set(view.subjects()))
        return ValidationReport.of(self.shapes.name, self.shapes.version, results)


SHAPE_SETS = ("interlink", *profiles.PROFILES)


def validate_with(
    name: str, base_iri: str, data: Graph, *, contact_email: str | None = None
) -> ValidationReport:
    """Validate ``data`` with the shape set called ``name`` (see :data:`SHAPE_SETS`)."""
    if name == "interlink":
        return validator(base_iri).validate(data)
    if name in profiles.PROFILES:
        profile = profiles.PROFILES[name]
        profiles.require_contact_email(profile, contact_email)
        return ProfileValidator(profile, base_iri, contact_email).validate(data)
    raise BadRequestError(
        f"unknown shape set {name!r}; use one of: {', '.join(SHAPE_SETS)}",
        details={"allowed": list(SHAPE_SETS)},
    )
