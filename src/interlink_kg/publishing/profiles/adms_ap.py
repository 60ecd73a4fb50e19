"""The ADMS-AP view (Interoperable Europe portal, ADMS-AP for Joinup 2.0.2). Pure.

ADMS-AP describes each interoperability solution as a ``dcat:Dataset``, so the view is the
DCAT-AP 3 one plus what ADMS-AP makes mandatory on top of it: a ``dct:type`` for every solution
(the INTERLINKER's kind, a concept of our own scheme: ADMS-AP asks for a controlled vocabulary
(EIRA), which is not available offline, and the ADMS asset types describe semantic assets,
which INTERLINKERs are not) and an ADMS licence type on every licence (already in the data). The
contact point's e-mail, also mandatory, comes from the deployment's settings.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from interlink_kg.publishing.profiles import dcat_ap3
from interlink_kg.vocab import DCAT, DCT, ILK, RDF

NAME = "adms-ap"
VERSION = "2.0.2"
STANDARD = URIRef("http://data.europa.eu/w21/")


def build(source: Graph, catalogue: URIRef | None = None) -> Graph:
    view = dcat_ap3.build(source, catalogue)
    for item in view.subjects(RDF.type, DCAT.Dataset):
        for kind in source.objects(item, ILK.kind):
            view.add((item, DCT.type, kind))
            dcat_ap3.describe(source, view, kind)
    return view
