"""The IRI pattern of the catalogue, as paths relative to the configured base.

Catalogue files are written with these relative IRIs and resolved against the base IRI when
loaded, so the same files serve any deployment. The HTTP API serves the same paths.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from rdflib import URIRef

IDENTIFIER_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


MAX_IDENTIFIER_CHARS = 200  # the longest real one (a hackathon task) has 110


def is_identifier(value: str) -> bool:
    """True when ``value`` can be used as one path segment of our IRIs (at most
    :data:`MAX_IDENTIFIER_CHARS` characters)."""
    return (
        len(value) <= MAX_IDENTIFIER_CHARS
        and bool(_IDENTIFIER.fullmatch(value))
        and value not in {".", ".."}
    )


def has_dot_segments(iri: str) -> bool:
    """True when the path of ``iri`` has a ``.`` or ``..`` segment (also percent-encoded), so
    that it names another resource once normalised (RFC 3986, 5.2.4)."""
    path = urlsplit(iri).path
    return any(unquote(segment) in {".", ".."} for segment in path.split("/"))


def segment(value: str) -> str:
    """``value`` as one path segment of an IRI; ValueError when it cannot be one."""
    if not is_identifier(value):
        raise ValueError(f"not a valid identifier for an IRI path segment: {value!r}")
    return value


_segment = segment


def interlinker(identifier: str) -> str:
    return f"interlinkers/{_segment(identifier)}"


def distribution(identifier: str, language: str) -> str:
    return f"interlinkers/{_segment(identifier)}/distributions/{_segment(language)}"


def problem_profile(identifier: str) -> str:
    return f"problem-profiles/{_segment(identifier)}"


def schema(schema_id: str) -> str:
    return f"schemas/{_segment(schema_id)}"


def phase(schema_id: str, phase_id: str) -> str:
    return f"{schema(schema_id)}/phases/{_segment(phase_id)}"


def objective(schema_id: str, objective_id: str) -> str:
    return f"{schema(schema_id)}/objectives/{_segment(objective_id)}"


def task(schema_id: str, task_id: str) -> str:
    return f"{schema(schema_id)}/tasks/{_segment(task_id)}"


def scheme(scheme_id: str) -> str:
    return f"vocabularies/{_segment(scheme_id)}"


def concept(scheme_id: str, concept_id: str) -> str:
    return f"{scheme(scheme_id)}/{_segment(concept_id)}"


def licence(category: str) -> str:
    return f"licences/{_segment(category)}"


CATALOGUE = "catalogue"
PUBLISHER = "agents/interlink-kg"
PROBLEM_PROFILE_SCHEME = "vocabularies/problem-profiles"


def absolute(base_iri: str, path: str) -> URIRef:
    """Resolve one of the relative paths above against a base IRI ending in ``/``."""
    return URIRef(base_iri + path)


# -- named graphs: where each kind of data lives (relative to the base IRI) --------------------


def graph(name: str) -> str:
    """A named graph, by its name under ``graphs/`` (what ``/graphs/{name}`` serves)."""
    return f"graphs/{name}"


def published_graph(identifier: str) -> str:
    """An INTERLINKER published through the curators' workflow."""
    return graph(f"interlinkers/{_segment(identifier)}")


def record_graph(identifier: str) -> str:
    """An INTERLINKER's catalogue record (in the catalogue and, with its history, the workspace)."""
    return graph(f"records/{_segment(identifier)}")


def submission_graph(identifier: str) -> str:
    """A proposed description, in the workspace."""
    return graph(f"submissions/{_segment(identifier)}")


def pending_graph(identifier: str) -> str:
    """The intent of an interrupted two-store transition, in the workspace."""
    return graph(f"pending/{_segment(identifier)}")


def team_graph(identifier: str) -> str:
    """A co-production team and its memberships, in the workspace."""
    return graph(f"teams/{_segment(identifier)}")


def bundled_file_graph(relative_path: str) -> str:
    """A bundled file (ontology or catalogue data), by its path in the bundle."""
    return graph(relative_path)


DERIVED_GRAPHS = graph("derived/")  # what the service computes from the rest, kept apart
STATISTICS_GRAPH = graph("derived/statistics")
ENTAILED_TYPES_GRAPH = graph("derived/types")
PENDING_PREFIX = graph("pending/")
TEAMS_PREFIX = graph("teams/")
