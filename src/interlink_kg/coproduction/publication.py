"""What co-production publishes in the catalogue store: public processes, and the registry of
use and the ratings summed up.

The workspace store holds co-production data (teams, processes, selections, ratings) and is the
truth. The catalogue store, which the public SPARQL endpoint, the dump and the ranking read,
gets two derived things:

* each **public** process as its own graph (``graphs/processes/{id}``): its tree, selections and
  service, without any user (:func:`~interlink_kg.model.processes.public_graph`); a private
  process has no graph there;
* one graph of **aggregates** (``graphs/derived/registry-of-use``): per INTERLINKER the teams and
  selections of the registry of use, the number and mean of its ratings, and per INTERLINKER and
  schema task the teams that selected it (``ilk:UsageSummary``). Private processes count in
  these numbers; no team, process or person is named.

Both are rewritten with a new generation stamp in one transaction after every co-production
write, so caches keyed by the generation (recommendations, search, the SPARQL snapshot) see
the change. A crash between the workspace write and this one leaves the catalogue behind, never
inconsistent with itself; :meth:`Publication.reconcile` (run at start-up) catches up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from interlink_kg.model import iris
from interlink_kg.model.processes import Process, process_from_graph, public_graph
from interlink_kg.model.teams import Team, team_from_graph, team_path
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.generation import new_usage_generation
from interlink_kg.vocab import ILK, RDF, XSD

PROCESSES_PREFIX = iris.graph("processes/")
RATINGS_PREFIX = iris.graph("ratings/")
REGISTRY_GRAPH = iris.graph("derived/registry-of-use")


def _number(value: object) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0


@dataclass
class Publication:
    catalogue: Store
    workspace: Store
    base_iri: str
    on_change: list[Callable[[], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- what is published ------------------------------------------------------------------

    def process_graph_name(self, identifier: str) -> str:
        return self.base_iri + PROCESSES_PREFIX + iris.segment(identifier)

    def teams_of(self, process: Process) -> dict[str, Team]:
        teams = {}
        for team in process.teams:
            graph = self.workspace.graph(self.base_iri + iris.team_graph(team))
            found = team_from_graph(graph, self.base_iri, team)
            if found is not None:
                teams[team] = found
        return teams

    def public_team(self, identifier: str) -> Team | None:
        """The public view of a team (no members) when the catalogue publishes it, i.e. when it
        takes part in a public process; None otherwise."""
        if not iris.is_identifier(identifier):
            return None
        node = URIRef(self.base_iri + team_path(identifier))
        graph = self.catalogue.construct(query("team-description", {"team": [node]}))
        return team_from_graph(graph, self.base_iri, identifier)

    def projection(self, process: Process) -> Graph | None:
        """The public view of ``process``; None for a private one."""
        if not process.public:
            return None
        return public_graph(process, self.base_iri, self.teams_of(process))

    def aggregates(self) -> Graph:
        """The registry of use and the ratings summed up (from the workspace), naming no one."""
        graph = Graph()
        for row in self.workspace.select(query("registry-task-teams")):
            item, task = row["item"], row["schemaTask"]
            summary = URIRef(f"{item}#used-for-{quote(str(task), safe='')}")
            graph.add((summary, RDF.type, ILK.UsageSummary))
            graph.add((summary, ILK.aboutInterlinker, item))
            graph.add((summary, ILK.forTask, task))
            graph.add((summary, ILK.teamCount, Literal(_number(row["teams"]))))
        for row in self.workspace.select(query("registry-interlinker-totals")):
            graph.add((row["item"], ILK.teamCount, Literal(_number(row["teams"]))))
            graph.add((row["item"], ILK.selectionCount, Literal(_number(row["selections"]))))
        for row in self.workspace.select(query("rating-totals")):
            average = row["average"]
            mean = Decimal(str(average.toPython())) if isinstance(average, Literal) else Decimal(0)
            graph.add((row["item"], ILK.ratingCount, Literal(_number(row["ratings"]))))
            graph.add(
                (
                    row["item"],
                    ILK.averageRating,
                    Literal(mean.quantize(Decimal("0.01")), datatype=XSD.decimal),
                )
            )
        return graph

    # -- writing ----------------------------------------------------------------------------

    def publish(self, process: Process | None = None) -> None:
        """Bring the catalogue up to date after a write of ``process`` (or of a rating)."""
        with self._lock:
            graphs: dict[str, GraphPayload] = {}
            drop: list[str] = []
            if process is not None:
                name = self.process_graph_name(process.id)
                view = self.projection(process)
                if view is None:
                    drop.append(name)
                else:
                    graphs[name] = self._payload(view, "public process")
            self._write(graphs, drop)

    def reconcile(self) -> None:
        """Make the catalogue agree with the workspace: every public process published as it is
        now, no other process graph, the aggregates recomputed (start-up runs it)."""
        with self._lock:
            wanted: dict[str, Graph] = {}
            prefix = self.base_iri + PROCESSES_PREFIX
            for name in self.workspace.data_graphs():
                if not name.startswith(prefix):
                    continue
                identifier = name.removeprefix(prefix)
                if not iris.is_identifier(identifier):
                    continue
                process = process_from_graph(self.workspace.graph(name), self.base_iri, identifier)
                view = self.projection(process) if process is not None else None
                if view is not None:
                    wanted[name] = view
            stale = [
                n for n in self.catalogue.data_graphs() if n.startswith(prefix) and n not in wanted
            ]
            registry = self.base_iri + REGISTRY_GRAPH
            behind = {
                name: graph
                for name, graph in {**wanted, registry: self.aggregates()}.items()
                if set(graph) != set(self.catalogue.graph(name))
            }
            if behind or stale:
                payloads = {n: self._payload(g, "public process") for n, g in wanted.items()}
                self._write(payloads, stale)

    def _payload(self, graph: Graph, what: str) -> GraphPayload:
        return GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, self.base_iri, what)

    def _write(self, graphs: dict[str, GraphPayload], drop: list[str]) -> None:
        aggregates = self.aggregates()
        registry = self.base_iri + REGISTRY_GRAPH
        if len(aggregates):
            graphs[registry] = self._payload(aggregates, "registry of use")
        else:
            drop.append(registry)
        self.catalogue.replace_graphs({**graphs, **new_usage_generation(self.base_iri)}, drop=drop)
        for listener in self.on_change:
            listener()
