"""What a submission may describe: one INTERLINKER, under its own IRI, and nothing else."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal

from interlink_kg.errors import BadRequestError, ForbiddenError
from interlink_kg.model import iris
from interlink_kg.rdf.formats import served_suffix
from interlink_kg.vocab import DCT, ILK, ILK_CLASSES, RDF

_INTERLINKER_CLASSES = {ILK[name] for name in ILK_CLASSES if "Interlinker" in name}


def owned_identifier(graph: Graph, base_iri: str) -> str:
    """The id of the one INTERLINKER ``graph`` describes; refuses foreign or anonymous subjects.

    A submission may describe its INTERLINKER and resources under the INTERLINKER's IRI (its
    distributions), nothing else: not other INTERLINKERs, problem profiles, the catalogue or
    ontology terms.
    """
    subjects = set(graph.subjects())
    if any(isinstance(s, BNode) for s in subjects):
        raise BadRequestError(
            "blank nodes cannot be subjects here: give every resource an IRI under the "
            "INTERLINKER's IRI (e.g. <interlinkers/ID/distributions/en>)"
        )
    typed = {s for s in subjects if set(graph.objects(s, RDF.type)) & _INTERLINKER_CLASSES}
    typed |= set(graph.subjects(ILK.kind, None))
    if len(typed) != 1:
        raise BadRequestError(
            f"a submission describes exactly one INTERLINKER; found {len(typed)}",
            details={"interlinkers": sorted(str(s) for s in typed)},
        )
    (interlinker,) = typed
    identifier = graph.value(interlinker, DCT.identifier)
    if not isinstance(identifier, Literal) or not iris.is_identifier(str(identifier)):
        raise BadRequestError(
            "the INTERLINKER needs a dct:identifier of at most "
            f"{iris.MAX_IDENTIFIER_CHARS} letters, digits, _ . -"
        )
    reserved = served_suffix(str(identifier))
    if reserved:
        raise BadRequestError(
            f"an identifier may not end in {reserved!r}: the URL of {identifier} would be taken "
            f"for the {reserved} form of another INTERLINKER",
            details={"id": str(identifier), "suffix": reserved},
        )
    expected = iris.absolute(base_iri, iris.interlinker(str(identifier)))
    dotted = sorted(str(s) for s in subjects if iris.has_dot_segments(str(s)))
    if dotted:
        raise BadRequestError(
            "IRIs with '.' or '..' path segments are not accepted: write each IRI in its "
            "normal form",
            details={"subjects": dotted[:50]},
        )
    if interlinker != expected:
        raise BadRequestError(
            f"the INTERLINKER with identifier {identifier} must have the IRI {expected}",
            details={"expected": str(expected), "found": str(interlinker)},
        )
    foreign = sorted(
        str(s) for s in subjects if s != expected and not str(s).startswith(f"{expected}/")
    )
    if foreign:
        raise ForbiddenError(
            "a submission may only describe its own INTERLINKER and the resources under its "
            "IRI; these subjects belong to others",
            details={"subjects": foreign[:50]},
        )
    return str(identifier)
