"""Co-production processes as read models, their roll-up, and their RDF. Pure: no I/O.

A process is ``<processes/{id}> a ilk:CoproductionProcess``: its own copy of a schema's tree
(phases -> objectives -> tasks, ``dct:hasPart``/``dct:isPartOf``, ``ilk:order``), every copied
item keeping its schema id (``task-define_personas``) and linked to the schema element it came
from (``prov:wasDerivedFrom``); teams add their own tasks. Its selections of INTERLINKERs
(the registry of use) are PROV activities (``ilk:InterlinkerUse``) in the same graph; so is the
public service it co-produces (:mod:`interlink_kg.model.services`).

Users are named in the private graph only (who created the process, who made a selection);
:func:`public_graph` is what may be published: the same without any user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.model import iris
from interlink_kg.model.labels import LANGUAGE_CODES, texts_by_language
from interlink_kg.model.services import Service, service_from_graph, service_graph
from interlink_kg.model.teams import Team, team_graph, user_iri
from interlink_kg.vocab import DCT, EU_LANGUAGE, ILK, PROV, RDF, XSD

STATUSES = ("todo", "in_progress", "done")
VISIBILITIES = ("private", "public")
LEVELS = ("phase", "objective", "task")
_CLASSES = {"phase": ILK.ProcessPhase, "objective": ILK.ProcessObjective, "task": ILK.ProcessTask}
_LEVEL_OF = {cls: level for level, cls in _CLASSES.items()}
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 5000
MAX_NOTE_CHARS = 2000
MAX_SUGGESTED = 5  # next tasks the guide suggests
_TASK_VALUE = {"todo": 0.0, "in_progress": 0.5, "done": 1.0}


def utc_text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Item:
    """A phase, objective or task of one process."""

    id: str
    level: str  # "phase", "objective" or "task"
    parent: str | None  # the parent item's id; None for a phase
    order: int
    titles: Mapping[str, str]  # language tag -> text
    descriptions: Mapping[str, str] = field(default_factory=dict)
    derived_from: str | None = None  # the schema element's IRI; None for a team's own task
    prerequisites: tuple[str, ...] = ()  # ids of sibling items
    problem_profiles: tuple[str, ...] = ()  # IRIs (a team's own tasks; copies read the schema)
    status: str = "todo"  # set on tasks; phases' and objectives' follow from their tasks
    start: date | None = None
    end: date | None = None
    disabled: bool = False

    @property
    def custom(self) -> bool:
        return self.derived_from is None


@dataclass(frozen=True)
class Selection:
    """One selection of an INTERLINKER for a task: an entry of the registry of use."""

    id: str
    task: str  # the process task's id
    interlinker: str  # IRI
    team: str  # the team's id
    user: str
    started: datetime
    note: str | None = None
    ended: datetime | None = None

    @property
    def active(self) -> bool:
        return self.ended is None


@dataclass(frozen=True)
class Progress:
    status: str
    percent: float  # 0-100
    enabled_tasks: int
    done_tasks: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "percent": self.percent,
            "enabled_tasks": self.enabled_tasks,
            "done_tasks": self.done_tasks,
        }


@dataclass(frozen=True)
class Process:
    id: str
    title: str
    language: str  # a supported two-letter tag
    schema_id: str
    schema_iri: str
    teams: tuple[str, ...]
    visibility: str
    creator: str
    created: datetime
    modified: datetime
    items: tuple[Item, ...] = ()
    selections: tuple[Selection, ...] = ()
    service: Service | None = None

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    def item(self, identifier: str) -> Item | None:
        return next((i for i in self.items if i.id == identifier), None)

    def children(self, parent: str | None) -> list[Item]:
        return sorted((i for i in self.items if i.parent == parent), key=lambda i: (i.order, i.id))

    def with_item(self, item: Item) -> Process:
        items = tuple(item if i.id == item.id else i for i in self.items)
        if item.id not in {i.id for i in self.items}:
            items = (*items, item)
        return replace(self, items=items)

    def with_selection(self, selection: Selection) -> Process:
        others = tuple(s for s in self.selections if s.id != selection.id)
        return replace(self, selections=(*others, selection))

    def selection(self, identifier: str) -> Selection | None:
        return next((s for s in self.selections if s.id == identifier), None)

    def disabled(self, item: Item) -> bool:
        """True when the item or one above it is disabled."""
        node: Item | None = item
        while node is not None:
            if node.disabled:
                return True
            node = self.item(node.parent) if node.parent else None
        return False

    def tasks_under(self, parent: str | None) -> list[Item]:
        """Every task below ``parent`` (None: the whole process), in tree order."""
        out: list[Item] = []
        for child in self.children(parent):
            if child.level == "task":
                out.append(child)
            else:
                out.extend(self.tasks_under(child.id))
        return out

    def progress(self, item: Item | None = None) -> Progress:
        """The status and progress of an item (None: the whole process).

        A task's status is its own. Above tasks: done when every enabled task below is done
        (also when none is enabled: nothing is left to do), in progress when any has started,
        else to do; the percentage counts a task in progress as half done."""
        if item is not None and item.level == "task":
            percent = _TASK_VALUE[item.status] * 100
            enabled = 0 if self.disabled(item) else 1
            return Progress(item.status, percent, enabled, int(item.status == "done") * enabled)
        tasks = [t for t in self.tasks_under(item.id if item else None) if not self.disabled(t)]
        done = sum(1 for t in tasks if t.status == "done")
        if not tasks or done == len(tasks):
            status = "done"
        elif any(t.status != "todo" for t in tasks):
            status = "in_progress"
        else:
            status = "todo"
        percent = (
            100.0 if not tasks else sum(_TASK_VALUE[t.status] for t in tasks) * 100 / len(tasks)
        )
        return Progress(status, round(percent, 1), len(tasks), done)

    def satisfied(self, item: Item) -> bool:
        """True when nothing waits on ``item``: it is done or disabled."""
        return self.disabled(item) or self.progress(item).status == "done"

    def ready(self, task: Item) -> bool:
        """True when the prerequisites of the task and of every item above it are satisfied."""
        node: Item | None = task
        while node is not None:
            for prerequisite in node.prerequisites:
                found = self.item(prerequisite)
                if found is not None and not self.satisfied(found):
                    return False
            node = self.item(node.parent) if node.parent else None
        return True

    def suggested(self, limit: int = MAX_SUGGESTED) -> list[Item]:
        """The next tasks to work on: enabled, not done, every prerequisite satisfied; tasks
        already in progress first, then in the order of the tree."""
        open_tasks = [
            t
            for t in self.tasks_under(None)
            if not self.disabled(t) and t.status != "done" and self.ready(t)
        ]
        open_tasks.sort(key=lambda t: t.status != "in_progress")
        return open_tasks[:limit]

    def selected_for(self, task: str, *, active_only: bool = True) -> list[Selection]:
        return sorted(
            (s for s in self.selections if s.task == task and (s.active or not active_only)),
            key=lambda s: (s.started, s.id),
        )


# -- IRIs -------------------------------------------------------------------------------------


def process_path(identifier: str) -> str:
    return f"processes/{iris.segment(identifier)}"


def item_iri(base_iri: str, process: str, item: str) -> URIRef:
    return URIRef(f"{base_iri}{process_path(process)}/items/{iris.segment(item)}")


def selection_iri(base_iri: str, process: str, task: str, selection: str) -> URIRef:
    return URIRef(
        f"{base_iri}{process_path(process)}/tasks/{iris.segment(task)}/selections/"
        f"{iris.segment(selection)}"
    )


def team_iri(base_iri: str, team: str) -> URIRef:
    return URIRef(f"{base_iri}teams/{iris.segment(team)}")


def status_iri(base_iri: str, status: str) -> URIRef:
    return URIRef(f"{base_iri}{iris.concept('item-statuses', status)}")


def _visibility_iri(base_iri: str, visibility: str) -> URIRef:
    return URIRef(f"{base_iri}{iris.concept('visibilities', visibility)}")


def language_iri(tag: str) -> URIRef:
    return URIRef(EU_LANGUAGE[LANGUAGE_CODES.get(tag, "ENG")])


# -- to RDF -----------------------------------------------------------------------------------


def process_graph(process: Process, base_iri: str) -> Graph:
    """The whole process as RDF (the private view: users included)."""
    graph = Graph()
    node = URIRef(base_iri + process_path(process.id))
    graph.add((node, RDF.type, ILK.CoproductionProcess))
    graph.add((node, DCT.identifier, Literal(process.id)))
    graph.add((node, DCT.title, Literal(process.title, lang=process.language)))
    graph.add((node, DCT.language, language_iri(process.language)))
    graph.add((node, ILK.followsSchema, URIRef(process.schema_iri)))
    for team in process.teams:
        graph.add((node, ILK.team, team_iri(base_iri, team)))
    graph.add((node, ILK.visibility, _visibility_iri(base_iri, process.visibility)))
    graph.add((node, DCT.creator, user_iri(base_iri, process.creator)))
    graph.add((node, DCT.created, Literal(process.created, datatype=XSD.dateTime)))
    graph.add((node, DCT.modified, Literal(process.modified, datatype=XSD.dateTime)))
    graph.add((node, PROV.startedAtTime, Literal(process.created, datatype=XSD.dateTime)))
    overall = process.progress()
    graph.add((node, ILK.status, status_iri(base_iri, overall.status)))
    graph.add((node, ILK.progress, Literal(_decimal(overall.percent), datatype=XSD.decimal)))
    for item in process.items:
        _add_item(graph, process, item, node, base_iri)
    for selection in process.selections:
        _add_selection(graph, process, selection, node, base_iri)
    if process.service is not None:
        used = sorted({s.interlinker for s in process.selections if s.active})
        graph += service_graph(process.service, node, base_iri, used)
        graph.add((node, ILK.coproduces, URIRef(f"{node}/service")))
    return graph


def _decimal(value: float) -> str:
    return f"{value:.1f}"


def _add_item(graph: Graph, process: Process, item: Item, node: URIRef, base_iri: str) -> None:
    subject = item_iri(base_iri, process.id, item.id)
    parent = item_iri(base_iri, process.id, item.parent) if item.parent else node
    if item.parent is None:
        graph.add((node, DCT.hasPart, subject))
    else:
        graph.add((parent, DCT.hasPart, subject))
    graph.add((subject, RDF.type, _CLASSES[item.level]))
    graph.add((subject, DCT.identifier, Literal(item.id)))
    for lang, text in sorted(item.titles.items()):
        graph.add((subject, DCT.title, Literal(text, lang=lang)))
    for lang, text in sorted(item.descriptions.items()):
        graph.add((subject, DCT.description, Literal(text, lang=lang)))
    graph.add((subject, ILK.inProcess, node))
    graph.add((subject, DCT.isPartOf, parent))
    graph.add((subject, ILK.order, Literal(item.order)))
    if item.derived_from:
        graph.add((subject, PROV.wasDerivedFrom, URIRef(item.derived_from)))
    for prerequisite in item.prerequisites:
        graph.add((subject, ILK.hasPrerequisite, item_iri(base_iri, process.id, prerequisite)))
    for profile in item.problem_profiles:
        graph.add((subject, ILK.addressesProblem, URIRef(profile)))
    progress = process.progress(item)
    graph.add((subject, ILK.status, status_iri(base_iri, progress.status)))
    graph.add((subject, ILK.progress, Literal(_decimal(progress.percent), datatype=XSD.decimal)))
    if item.start:
        graph.add((subject, ILK.plannedStart, Literal(item.start, datatype=XSD.date)))
    if item.end:
        graph.add((subject, ILK.plannedEnd, Literal(item.end, datatype=XSD.date)))
    if item.disabled:
        graph.add((subject, ILK.disabled, Literal(True)))


def _add_selection(
    graph: Graph, process: Process, selection: Selection, node: URIRef, base_iri: str
) -> None:
    subject = selection_iri(base_iri, process.id, selection.task, selection.id)
    graph.add((subject, RDF.type, ILK.InterlinkerUse))
    graph.add((subject, DCT.identifier, Literal(selection.id)))
    graph.add((subject, ILK.usedInterlinker, URIRef(selection.interlinker)))
    graph.add((subject, ILK.forTask, item_iri(base_iri, process.id, selection.task)))
    graph.add((subject, ILK.inProcess, node))
    graph.add((subject, PROV.wasAssociatedWith, team_iri(base_iri, selection.team)))
    graph.add((subject, PROV.wasAssociatedWith, user_iri(base_iri, selection.user)))
    graph.add((subject, PROV.startedAtTime, Literal(selection.started, datatype=XSD.dateTime)))
    if selection.ended:
        graph.add((subject, PROV.endedAtTime, Literal(selection.ended, datatype=XSD.dateTime)))
    if selection.note:
        graph.add((subject, DCT.description, Literal(selection.note, lang=process.language)))


def is_user(base_iri: str, term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(base_iri + "agents/users/")


def public_graph(process: Process, base_iri: str, teams: Mapping[str, Team]) -> Graph:
    """What a public process publishes: its RDF without any user, with its teams' names, types
    and creation dates (never their members)."""
    graph = Graph()
    for triple in process_graph(process, base_iri):
        if not any(is_user(base_iri, term) for term in triple):
            graph.add(triple)
    for team in process.teams:
        node = team_iri(base_iri, team)
        graph.add((node, RDF.type, ILK.Team))
        found = teams.get(team)
        if found is not None:
            public = team_graph(replace(found, members=()), base_iri)
            graph += public
    return graph


# -- from RDF ---------------------------------------------------------------------------------


def _tail(term: Node | None) -> str:
    return str(term).rsplit("/", 1)[-1] if term is not None else ""


def _literal(graph: Graph, subject: Node, predicate: URIRef) -> Any:
    value = graph.value(subject, predicate)
    return value.toPython() if isinstance(value, Literal) else None


def process_from_graph(graph: Graph, base_iri: str, identifier: str) -> Process | None:
    """The process as :func:`process_graph` wrote it; None when the graph holds none."""
    node = URIRef(base_iri + process_path(identifier))
    title = graph.value(node, DCT.title)
    schema = graph.value(node, ILK.followsSchema)
    creator = graph.value(node, DCT.creator)
    if not isinstance(title, Literal) or schema is None or creator is None:
        return None
    codes = {code: tag for tag, code in LANGUAGE_CODES.items()}
    language = codes.get(_tail(graph.value(node, DCT.language)), title.language or "en")
    prefix = f"{node}/items/"
    found = [_item(graph, subject, prefix) for subject in _subjects_of(graph, node, ILK.inProcess)]
    items = [i for i in found if i is not None]
    selections = []
    for subject in graph.subjects(RDF.type, ILK.InterlinkerUse):
        selection = _selection(graph, base_iri, subject, prefix)
        if selection is not None:
            selections.append(selection)
    return Process(
        id=identifier,
        title=str(title),
        language=language,
        schema_id=_tail(schema),
        schema_iri=str(schema),
        teams=tuple(sorted(_tail(t) for t in graph.objects(node, ILK.team))),
        visibility=_tail(graph.value(node, ILK.visibility)) or "private",
        creator=_tail(creator),
        created=_literal(graph, node, DCT.created),
        modified=_literal(graph, node, DCT.modified),
        items=tuple(sorted(items, key=lambda i: (LEVELS.index(i.level), i.order, i.id))),
        selections=tuple(sorted(selections, key=lambda s: (s.started, s.id))),
        service=service_from_graph(graph, URIRef(f"{node}/service")),
    )


def _subjects_of(graph: Graph, node: URIRef, predicate: URIRef) -> Iterable[Node]:
    return [
        s for s in graph.subjects(predicate, node) if (s, RDF.type, ILK.InterlinkerUse) not in graph
    ]


def _item(graph: Graph, subject: Node, prefix: str) -> Item | None:
    types = graph.objects(subject, RDF.type)
    level = next((_LEVEL_OF[c] for c in types if isinstance(c, URIRef) and c in _LEVEL_OF), None)
    order = _literal(graph, subject, ILK.order)
    if level is None or not isinstance(order, int):
        return None
    parent = graph.value(subject, DCT.isPartOf)
    parent_id = str(parent).removeprefix(prefix) if str(parent).startswith(prefix) else None
    derived = graph.value(subject, PROV.wasDerivedFrom)
    status = _tail(graph.value(subject, ILK.status)) if level == "task" else "todo"
    return Item(
        id=str(graph.value(subject, DCT.identifier)),
        level=level,
        parent=parent_id,
        order=order,
        titles=texts_by_language(graph, subject, DCT.title),
        descriptions=texts_by_language(graph, subject, DCT.description),
        derived_from=str(derived) if derived is not None else None,
        prerequisites=tuple(
            sorted(str(p).removeprefix(prefix) for p in graph.objects(subject, ILK.hasPrerequisite))
        ),
        problem_profiles=tuple(
            sorted(str(p) for p in graph.objects(subject, ILK.addressesProblem))
        ),
        status=status if status in STATUSES else "todo",
        start=_literal(graph, subject, ILK.plannedStart),
        end=_literal(graph, subject, ILK.plannedEnd),
        disabled=bool(_literal(graph, subject, ILK.disabled)),
    )


def _selection(graph: Graph, base_iri: str, subject: Node, prefix: str) -> Selection | None:
    task = graph.value(subject, ILK.forTask)
    interlinker = graph.value(subject, ILK.usedInterlinker)
    started = _literal(graph, subject, PROV.startedAtTime)
    agents = list(graph.objects(subject, PROV.wasAssociatedWith))
    user = next((a for a in agents if is_user(base_iri, a)), None)
    team = next((a for a in agents if str(a).startswith(base_iri + "teams/")), None)
    if task is None or interlinker is None or started is None or user is None or team is None:
        return None
    note = graph.value(subject, DCT.description)
    return Selection(
        id=str(graph.value(subject, DCT.identifier)),
        task=str(task).removeprefix(prefix),
        interlinker=str(interlinker),
        team=_tail(team),
        user=_tail(user),
        started=started,
        note=str(note) if note is not None else None,
        ended=_literal(graph, subject, PROV.endedAtTime),
    )
