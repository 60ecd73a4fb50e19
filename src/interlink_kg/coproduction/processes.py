"""Co-production processes: create one from a schema, change it, select INTERLINKERs for its
tasks (the registry of use), describe the public service it co-produces.

A process lives in the workspace store as one named graph (``graphs/processes/{id}``) holding
its tree, its selections and its service; every write rewrites that graph in one transaction,
after the co-production shapes accepted the changed resources. Then :class:`Publication` brings
the catalogue store up to date (public processes, aggregates).

Who may do what:

* anyone reads a public process; a private one exists only for the members of its teams and
  for curators and admins (404 to everyone else);
* any signed-in user creates a process, for teams they belong to;
* members of the process's teams (and platform admins) change it and its selections; other
  signed-in users who can see it get 403.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from rdflib import Graph, URIRef

from interlink_kg.coproduction import inputs
from interlink_kg.coproduction.clock import utc_now
from interlink_kg.coproduction.plan import copy_schema, validation_context
from interlink_kg.coproduction.publication import PROCESSES_PREFIX, Publication
from interlink_kg.coproduction.services import official_report, parse_service
from interlink_kg.coproduction.teams import Teams
from interlink_kg.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    GoneError,
    NotFoundError,
    UnprocessableError,
)
from interlink_kg.finding.catalogue import interlinker_iri, list_problem_profiles, schema_iri
from interlink_kg.model import iris
from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.model.processes import (
    MAX_DESCRIPTION_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
    STATUSES,
    VISIBILITIES,
    Item,
    Process,
    Selection,
    item_iri,
    process_from_graph,
    process_graph,
    public_graph,
    selection_iri,
)
from interlink_kg.model.roles import Account, Role
from interlink_kg.model.teams import team_graph, user_iri
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.validation.engine import Validator

_CREATE_FIELDS = ("id", "title", "schema", "teams", "visibility", "language")
_ITEM_FIELDS = ("status", "start", "end", "disabled")
_TASK_FIELDS = ("title", "description", "problem_profiles")
_SELECTION_FIELDS = ("interlinker", "note")
MAX_SELECTIONS_PER_TASK = 100


@dataclass
class Processes:
    store: Store  # the workspace
    catalogue: Store
    base_iri: str
    validator: Validator
    teams: Teams
    publication: Publication
    is_deprecated: Callable[[str], bool] = lambda identifier: False
    clock: Callable[[], datetime] = utc_now
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- reading ----------------------------------------------------------------------------

    def _graph_name(self, identifier: str) -> str:
        return self.base_iri + PROCESSES_PREFIX + iris.segment(identifier)

    def load(self, identifier: str) -> Process | None:
        """The process, whoever asks (for services; routes use :meth:`get`)."""
        if not iris.is_identifier(identifier):
            return None
        graph = self.store.graph(self._graph_name(identifier))
        return process_from_graph(graph, self.base_iri, identifier)

    def is_member(self, account: Account | None, process: Process) -> bool:
        if account is None:
            return False
        for team_id in process.teams:
            team = self.teams.find(team_id)
            if team is not None and team.role_of(account.user):
                return True
        return False

    def can_see(self, account: Account | None, process: Process) -> bool:
        return (
            process.public
            or (account is not None and account.can(Role.CURATOR))
            or self.is_member(account, process)
        )

    def get(self, account: Account | None, identifier: str) -> Process:
        process = self.load(identifier)
        if process is None or not self.can_see(account, process):
            raise NotFoundError(
                f"no co-production process {identifier[:100]!r}", details={"id": identifier[:100]}
            )
        return process

    def visible(self, account: Account | None) -> list[Process]:
        """Every process ``account`` may see (public ones and its teams' ones), by id."""
        prefix = self.base_iri + PROCESSES_PREFIX
        found = []
        for name in self.store.data_graphs():
            if name.startswith(prefix):
                process = self.load(name.removeprefix(prefix))
                if process is not None and self.can_see(account, process):
                    found.append(process)
        return sorted(found, key=lambda p: p.id)

    def rdf(self, account: Account | None, identifier: str) -> Graph:
        """The whole process as one RDF document: members (and curators) get the full record,
        with who did what; everyone else the public view, which names no user."""
        process = self.get(account, identifier)
        if self.is_member(account, process) or (account is not None and account.can(Role.CURATOR)):
            graph = process_graph(process, self.base_iri)
            for team in self.publication.teams_of(process).values():
                graph += team_graph(replace(team, members=()), self.base_iri)
            return graph
        return public_graph(process, self.base_iri, self.publication.teams_of(process))

    def _writable(self, account: Account, identifier: str) -> Process:
        """The process, if ``account`` may change it (the caller holds the lock)."""
        process = self.get(account, identifier)
        if not (self.is_member(account, process) or account.can(Role.ADMIN)):
            raise ForbiddenError(
                "only members of the process's teams change it",
                details={"id": identifier, "teams": list(process.teams)},
            )
        return process

    def _task(self, process: Process, task: str) -> Item:
        item = process.item(task) if iris.is_identifier(task) else None
        if item is None or item.level != "task":
            raise NotFoundError(
                f"no task {task[:100]!r} in process {process.id!r}", details={"task": task[:100]}
            )
        return item

    # -- creating ---------------------------------------------------------------------------

    def create(self, account: Account, body: object) -> Process:
        data = inputs.json_object(
            body, '{"title", "schema", "teams": [...], "visibility", "language"}'
        )
        inputs.only(data, _CREATE_FIELDS)
        title = inputs.text(data.get("title"), "title", MAX_TITLE_CHARS, required=True)
        schema_id = inputs.identifier(data.get("schema"), "schema")
        teams = inputs.identifiers(data.get("teams"), "teams")
        visibility = inputs.choice(data.get("visibility", "private"), "visibility", VISIBILITIES)
        language = inputs.choice(data.get("language", "en"), "language", SUPPORTED_LANGUAGES)
        assert title is not None
        self._check_teams(account, teams)
        schema = schema_iri(self.catalogue, schema_id)
        items = copy_schema(self.catalogue, schema)
        now = self.clock()
        with self._lock:
            identifier = inputs.new_identifier(data, title, "process", self._taken)
            process = Process(
                id=identifier,
                title=title,
                language=language,
                schema_id=schema_id,
                schema_iri=str(schema),
                teams=tuple(teams),
                visibility=visibility,
                creator=account.user,
                created=now,
                modified=now,
                items=tuple(items),
            )
            self._write(process, changed=None)
        return process

    def _check_teams(self, account: Account, teams: list[str]) -> None:
        for team_id in teams:
            team = self.teams.find(team_id)
            if team is None:
                raise UnprocessableError(f"no team {team_id!r}", details={"team": team_id})
            if not team.role_of(account.user) and not account.can(Role.ADMIN):
                raise ForbiddenError(
                    f"you are not a member of the team {team_id!r}: only its members may give "
                    "it a process",
                    details={"team": team_id},
                )

    def _taken(self, identifier: str) -> bool:
        return self._graph_name(identifier) in set(self.store.data_graphs())

    # -- changing ---------------------------------------------------------------------------

    def update(self, account: Account, identifier: str, body: object) -> Process:
        data = inputs.json_object(body, '{"title", "teams": [...], "visibility", "language"}')
        inputs.only(data, ("title", "teams", "visibility", "language"))
        with self._lock:
            process = self._writable(account, identifier)
            changes: dict[str, object] = {}
            if "title" in data:
                changes["title"] = inputs.text(
                    data["title"], "title", MAX_TITLE_CHARS, required=True
                )
            if "teams" in data:
                teams = inputs.identifiers(data["teams"], "teams")
                self._check_teams(account, [t for t in teams if t not in process.teams])
                changes["teams"] = tuple(teams)
            if "visibility" in data:
                changes["visibility"] = inputs.choice(
                    data["visibility"], "visibility", VISIBILITIES
                )
            if "language" in data:
                changes["language"] = inputs.choice(
                    data["language"], "language", SUPPORTED_LANGUAGES
                )
            changed = replace(process, **changes, modified=self.clock())  # type: ignore[arg-type]
            self._write(changed, changed=self._process_node(changed))
        return changed

    def update_item(self, account: Account, identifier: str, item_id: str, body: object) -> Item:
        data = inputs.json_object(body, '{"status", "start", "end", "disabled"}')
        inputs.only(data, _ITEM_FIELDS)
        with self._lock:
            process = self._writable(account, identifier)
            item = process.item(item_id) if iris.is_identifier(item_id) else None
            if item is None:
                raise NotFoundError(
                    f"no item {item_id[:100]!r} in process {identifier!r}",
                    details={"item": item_id[:100]},
                )
            changes: dict[str, object] = {}
            if "status" in data:
                if item.level != "task":
                    raise UnprocessableError(
                        f"the status of a{'n' if item.level == 'objective' else ''} "
                        f"{item.level} follows from its tasks; set the tasks' status",
                        details={"item": item.id, "level": item.level},
                    )
                changes["status"] = inputs.choice(data["status"], "status", STATUSES)
            if "start" in data:
                changes["start"] = inputs.day(data["start"], "start")
            if "end" in data:
                changes["end"] = inputs.day(data["end"], "end")
            if "disabled" in data:
                changes["disabled"] = inputs.flag(data["disabled"], "disabled")
            changed = replace(item, **changes)  # type: ignore[arg-type]
            if changed.start and changed.end and changed.end < changed.start:
                raise BadRequestError(
                    f"end ({changed.end.isoformat()}) is before start "
                    f"({changed.start.isoformat()}): an item cannot end before it starts",
                    details={"field": "end", "start": changed.start.isoformat()},
                )
            updated = replace(process.with_item(changed), modified=self.clock())
            self._write(updated, changed=self._ancestry(updated, changed))
        return changed

    def add_task(self, account: Account, identifier: str, objective: str, body: object) -> Item:
        data = inputs.json_object(body, '{"title", "description", "problem_profiles": [...]}')
        inputs.only(data, _TASK_FIELDS)
        title = inputs.text(data.get("title"), "title", MAX_TITLE_CHARS, required=True)
        description = inputs.text(
            data.get("description"), "description", MAX_DESCRIPTION_CHARS, required=False
        )
        profiles = self._profiles(data.get("problem_profiles", []))
        assert title is not None
        with self._lock:
            process = self._writable(account, identifier)
            parent = process.item(objective) if iris.is_identifier(objective) else None
            if parent is None or parent.level != "objective":
                raise NotFoundError(
                    f"no objective {objective[:100]!r} in process {identifier!r}",
                    details={"objective": objective[:100]},
                )
            wanted = f"task-custom-{inputs.slug(title, 'task')}"
            task_id, number = wanted, 1
            while process.item(task_id) is not None:
                number += 1
                task_id = f"{wanted}-{number}"
            siblings = process.children(parent.id)
            task = Item(
                id=task_id,
                level="task",
                parent=parent.id,
                order=max((s.order for s in siblings), default=0) + 1,
                titles={process.language: title},
                descriptions={process.language: description} if description else {},
                problem_profiles=tuple(profiles),
            )
            updated = replace(process.with_item(task), modified=self.clock())
            self._write(updated, changed=self._ancestry(updated, task))
        return task

    def _profiles(self, value: object) -> list[str]:
        if not isinstance(value, list) or len(value) > 50:
            raise BadRequestError(
                "problem_profiles must be a list of at most 50 problem profile ids",
                details={"field": "problem_profiles"},
            )
        known = {p.id: p.iri for p in list_problem_profiles(self.catalogue, lang="en")}
        unknown = sorted({str(v)[:100] for v in value if not isinstance(v, str) or v not in known})
        if unknown:
            raise UnprocessableError(
                f"unknown problem profile(s): {', '.join(unknown[:10])}",
                details={"unknown": unknown[:10], "allowed": sorted(known)},
            )
        return sorted({known[str(v)] for v in value})

    # -- selections (the registry of use) ---------------------------------------------------

    def select(self, account: Account, identifier: str, task_id: str, body: object) -> Selection:
        data = inputs.json_object(body, '{"interlinker", "note"}')
        inputs.only(data, _SELECTION_FIELDS)
        wanted = inputs.identifier(data.get("interlinker"), "interlinker")
        note = inputs.text(data.get("note"), "note", MAX_NOTE_CHARS, required=False)
        interlinker = self._selectable(wanted)
        with self._lock:
            process = self._writable(account, identifier)
            task = self._task(process, task_id)
            active = process.selected_for(task.id)
            same = next((s for s in active if s.interlinker == str(interlinker)), None)
            if same is not None:
                raise ConflictError(
                    f"{wanted!r} is already selected for {task.id!r} (selection {same.id!r}); "
                    "end that selection first to select it again",
                    details={"selection": same.id},
                )
            if len(active) >= MAX_SELECTIONS_PER_TASK:
                raise UnprocessableError(
                    f"a task holds at most {MAX_SELECTIONS_PER_TASK} current selections",
                    details={"task": task.id},
                )
            number = 1 + max(
                (
                    int(s.id[1:])
                    for s in process.selections
                    if s.id[1:].isascii() and s.id[1:].isdigit()
                ),
                default=0,
            )
            selection = Selection(
                id=f"s{number}",
                task=task.id,
                interlinker=str(interlinker),
                team=self._team_of(account, process),
                user=account.user,
                started=self.clock(),
                note=note,
            )
            updated = process.with_selection(selection)
            self._write(
                updated,
                changed={selection_iri(self.base_iri, process.id, task.id, selection.id)},
            )
        return selection

    def _selectable(self, identifier: str) -> URIRef:
        if self.is_deprecated(identifier):
            raise UnprocessableError(
                f"the INTERLINKER {identifier!r} has been deprecated by the catalogue's curators: "
                "choose another one",
                details={"interlinker": identifier, "status": "deprecated"},
            )
        try:
            return interlinker_iri(self.catalogue, identifier)
        except NotFoundError:
            raise UnprocessableError(
                f"there is no INTERLINKER {identifier!r} in the catalogue",
                details={"interlinker": identifier, "status": "unknown"},
            ) from None

    def _team_of(self, account: Account, process: Process) -> str:
        """The caller's team among the process's (its first); the first team for an admin."""
        for team_id in process.teams:
            team = self.teams.find(team_id)
            if team is not None and team.role_of(account.user):
                return team_id
        return process.teams[0]

    def selections(
        self, account: Account | None, identifier: str, task_id: str, *, history: bool = False
    ) -> tuple[Process, list[Selection]]:
        process = self.get(account, identifier)
        task = self._task(process, task_id)
        return process, process.selected_for(task.id, active_only=not history)

    def end_selection(
        self, account: Account, identifier: str, task_id: str, selection_id: str
    ) -> Selection:
        with self._lock:
            process = self._writable(account, identifier)
            task = self._task(process, task_id)
            selection = (
                process.selection(selection_id) if iris.is_identifier(selection_id) else None
            )
            if selection is None or selection.task != task.id:
                raise NotFoundError(
                    f"no selection {selection_id[:100]!r} for task {task.id!r}",
                    details={"selection": selection_id[:100]},
                )
            if not selection.active:
                raise GoneError(
                    f"the selection {selection.id!r} already ended",
                    details={"ended": selection.ended.isoformat() if selection.ended else None},
                )
            ended = replace(selection, ended=self.clock())
            self._write(
                process.with_selection(ended),
                changed={selection_iri(self.base_iri, process.id, task.id, ended.id)},
            )
        return ended

    def selected_by(self, user: str, interlinker: str) -> bool:
        """True when ``user`` ever selected ``interlinker`` (IRI) in any process."""
        values = {"user item": [(user_iri(self.base_iri, user), URIRef(interlinker))]}
        return self.store.ask(query("selected-by", values))

    # -- the public service -----------------------------------------------------------------

    def set_service(self, account: Account, identifier: str, body: object) -> Process:
        with self._lock:
            process = self._writable(account, identifier)
            service = parse_service(body, process, self.base_iri)
            updated = replace(process, service=service, modified=self.clock())
            self._write(updated, changed=None, service=True)
        return updated

    # -- writing ----------------------------------------------------------------------------

    def _process_node(self, process: Process) -> set[URIRef]:
        return {URIRef(self.base_iri + f"processes/{process.id}")}

    def _ancestry(self, process: Process, item: Item) -> set[URIRef]:
        """The item, the items above it and the process: what a change of ``item`` changes
        (status and progress roll up)."""
        changed = self._process_node(process)
        node: Item | None = item
        while node is not None:
            changed.add(item_iri(self.base_iri, process.id, node.id))
            node = process.item(node.parent) if node.parent else None
        for sibling in process.children(item.parent):  # a new order among siblings
            changed.add(item_iri(self.base_iri, process.id, sibling.id))
        return changed

    def _write(
        self, process: Process, *, changed: set[URIRef] | None, service: bool = False
    ) -> None:
        """Check the changed resources (None: all) against the shapes, store the process in
        one transaction, then publish."""
        graph = process_graph(process, self.base_iri)
        if changed is None:
            data, context = graph, validation_context(process, self.base_iri)
        else:
            data, context = Graph(), validation_context(process, self.base_iri)
            for triple in graph:
                (data if triple[0] in changed else context).add(triple)
        report = self.validator.validate(data, context=context)
        if service and report.conforms:
            report = official_report(graph, process, self.base_iri)
        if not report.conforms:
            raise UnprocessableError(
                f"the change breaks {len(report.violations)} rule(s) of the shapes; nothing was "
                "stored",
                details={"report": report.to_dict()},
            )
        payload = GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, self.base_iri, "process")
        self.store.replace_graphs({self._graph_name(process.id): payload})
        self.publication.publish(process)
