"""The SKOS view of a co-production schema (``/schemas/{id}?profile=skos``). Pure.

For thesaurus tools and portals that browse SKOS: the schema is a ``skos:ConceptScheme``, its
phases are top concepts, objectives are narrower than their phase and tasks narrower than their
objective (``dct:isPartOf`` read as ``skos:broader``); titles become preferred labels,
descriptions definitions, identifiers notations, and the order of siblings is kept as
``ilk:order``. The problem profiles a step addresses stay as ``ilk:addressesProblem``.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from interlink_kg.vocab import DCT, ILK, PREFIXES, RDF, SKOS

NAME = "skos"
_STEPS = (ILK.Phase, ILK.Objective, ILK.Task)


def build(source: Graph, schema: URIRef) -> Graph:
    view = Graph()
    for prefix, namespace in PREFIXES.items():
        view.bind(prefix, namespace)
    view.add((schema, RDF.type, SKOS.ConceptScheme))
    for title in source.objects(schema, DCT.title):
        view.add((schema, SKOS.prefLabel, title))
    for description in source.objects(schema, DCT.description):
        view.add((schema, SKOS.definition, description))
    for step_class in _STEPS:
        for step in source.subjects(RDF.type, step_class):
            view.add((step, RDF.type, SKOS.Concept))
            view.add((step, SKOS.inScheme, schema))
            for title in source.objects(step, DCT.title):
                view.add((step, SKOS.prefLabel, title))
            for description in source.objects(step, DCT.description):
                view.add((step, SKOS.definition, description))
            for identifier in source.objects(step, DCT.identifier):
                view.add((step, SKOS.notation, identifier))
            for prop in (ILK.order, ILK.addressesProblem):
                for value in source.objects(step, prop):
                    view.add((step, prop, value))
            parents = [p for p in source.objects(step, DCT.isPartOf) if p != schema]
            if step_class == ILK.Phase or not parents:
                view.add((step, SKOS.topConceptOf, schema))
                view.add((schema, SKOS.hasTopConcept, step))
            for parent in parents:
                view.add((step, SKOS.broader, parent))
                view.add((parent, SKOS.narrower, step))
    return view
