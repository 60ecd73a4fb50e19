"""The typed validation report as an RDF ``sh:ValidationReport``."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node
from rdflib.util import from_n3

from interlink_kg.model.report import Severity, ValidationReport
from interlink_kg.vocab import OWL, RDF, XSD

_SEVERITY = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}


def _node(text: str) -> URIRef | BNode:
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def report_graph(report: ValidationReport) -> Graph:
    """A SHACL validation report graph; the shape set is named with owl:versionInfo."""
    graph = Graph()
    graph.bind("sh", SH)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms, datatype=XSD.boolean)))
    graph.add((root, SH.shapesGraphWellFormed, Literal(True, datatype=XSD.boolean)))
    graph.add((root, OWL.versionInfo, Literal(f"{report.shapes_name} {report.shapes_version}")))
    for index, result in enumerate(report.results):
        node = BNode(f"result{index}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, _SEVERITY[result.severity]))
        graph.add((node, SH.focusNode, _node(result.focus_node)))
        if result.path and not result.path.startswith(("(", "^")):
            graph.add((node, SH.resultPath, URIRef(result.path)))
        value = from_n3(result.value_term) if result.value_term is not None else None
        if isinstance(value, Node):
            graph.add((node, SH.value, value))
        elif result.value is not None:
            graph.add((node, SH.value, Literal(result.value)))
        graph.add((node, SH.resultMessage, Literal(result.message, lang="en")))
        if not result.source_shape.endswith("]"):
            graph.add((node, SH.sourceShape, _node(result.source_shape)))
        graph.add((node, SH.sourceConstraintComponent, SH[result.constraint]))
    return graph
