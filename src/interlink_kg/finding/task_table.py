"""Every schema task's IRI, the problem profiles on its path, its words and the other tasks of
its objective, read at once per content stamp.

A recommendation for a task needs the task's IRI and path (``task-iri.rq``,
``task-context.rq``), its words (``task-texts.rq``) and the other tasks of its objective
(``task-siblings.rq``). Asked per task, that is four round trips on a SPARQL server for each
task not asked for since the last change (about 5 ms each at 100k INTERLINKERs on
``oxigraph serve``). The schemas hold a few hundred tasks whatever the size of the catalogue,
so all of them are read in four queries after each change and kept, like
:mod:`interlink_kg.finding.schema_tasks`. A store whose data was never written through a change
has no stamp: it is read task by task (``recommendations._read_task``), never all at every call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from interlink_kg.finding.cache import PerGeneration
from interlink_kg.model.labels import FALLBACK_LANGUAGE, pick
from interlink_kg.queries import query
from interlink_kg.store.base import Row, Store
from interlink_kg.store.generation import generation

# task-context.rq's branches in their order: of two sources of one strength, the first named
# is kept (ranking.profile_tiers), as when the query answers for one task.
SOURCES = ("task", "objective", "sibling-task", "phase", "phase-objective")
TASKS_PER_QUERY = 500  # task IRIs bound in one query

Path = tuple[tuple[str, str], ...]  # (problem profile IRI, source)
Texts = dict[str, dict[str, list[str]]]  # language -> part ("task title"...) -> texts


@dataclass(frozen=True)
class Sibling:
    """Another task of a task's objective."""

    iri: URIRef
    schema: str  # its schema's identifier
    task: str  # its own


def siblings_of(rows: Iterable[Row]) -> dict[str, tuple[Sibling, ...]]:
    """``task-siblings.rq``'s rows by task IRI, each task's siblings in IRI order."""
    found: dict[str, dict[str, Sibling]] = defaultdict(dict)
    for row in rows:
        iri = str(row["sibling"])
        found[str(row["task"])][iri] = Sibling(
            URIRef(iri), str(row["schemaId"]), str(row["siblingId"])
        )
    return {task: tuple(by[i] for i in sorted(by)) for task, by in found.items()}


def path_of(rows: Iterable[tuple[str, str]]) -> Path:
    """The distinct (profile, source) pairs of one task in the order of the query's branches."""
    ordered = sorted(rows, key=lambda pair: SOURCES.index(pair[1]))  # stable: keeps the rest
    return tuple(dict.fromkeys(ordered))


def grouped_texts(texts: Iterable[tuple[str, Node]]) -> Texts:
    """``(part, text)`` pairs by language and part (literals only; untagged: English)."""
    parts: Texts = defaultdict(lambda: defaultdict(list))
    for part, text in texts:
        if isinstance(text, Literal):
            tag = (text.language or FALLBACK_LANGUAGE).split("-")[0]
            parts[tag][part].append(str(text))
    return {tag: dict(found) for tag, found in parts.items()}  # plain: kept and shared


def _chunks(items: Sequence[URIRef]) -> Iterable[list[URIRef]]:
    for start in range(0, len(items), TASKS_PER_QUERY):
        yield list(items[start : start + TASKS_PER_QUERY])


class TaskTable:
    """The schema tasks of a store as read at one stamp: by (schema id, task id), their IRI
    and path; by IRI, their words."""

    def __init__(self, store: Store) -> None:
        tasks = {
            (str(r["schemaId"]), str(r["taskId"])): URIRef(str(r["task"]))
            for r in store.select(query("all-tasks"))
        }
        iris = sorted(set(tasks.values()))
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        texts: dict[str, list[tuple[str, Node]]] = defaultdict(list)
        sibling_rows: list[Row] = []
        for chunk in _chunks(iris):
            for row in store.select(query("task-context", {"task": chunk})):
                found[str(row["task"])].append((str(row["problem"]), str(row["source"])))
            for row in store.select(query("task-texts", {"task": chunk})):
                texts[str(row["task"])].append((str(row["part"]), row["text"]))
            sibling_rows += store.select(query("task-siblings", {"task": chunk}))
        self._paths = {key: (iri, path_of(found.get(str(iri), []))) for key, iri in tasks.items()}
        self._texts = {str(iri): grouped_texts(texts.get(str(iri), [])) for iri in iris}
        self._siblings = siblings_of(sibling_rows)

    def task(self, schema_id: str, task_id: str) -> tuple[URIRef, Path] | None:
        """The task's IRI and path; None when the schema has no such task."""
        return self._paths.get((schema_id, task_id))

    def texts(self, task: URIRef) -> Texts | None:
        """The task's words by language and part; None for a task that is not a schema's."""
        return self._texts.get(str(task))

    def siblings(self, task: URIRef) -> tuple[Sibling, ...] | None:
        """The other tasks of the task's objective; None for a task that is not a schema's."""
        if str(task) not in self._texts:
            return None
        return self._siblings.get(str(task), ())


_TABLE = PerGeneration(TaskTable)  # the schemas are content: their stamp


def task_table(store: Store) -> TaskTable | None:
    """The schema tasks of ``store`` as they are now (read again after each change); None for a
    store without a stamp, which is read task by task rather than whole at every call."""
    return _TABLE.get(store) if generation(store) else None


def task_texts(store: Store, task: URIRef) -> Texts:
    """A task's words: from the table (read once per content stamp), or read for this task
    alone (a store without a stamp, a task that is not a schema's)."""
    table = task_table(store)
    found = table.texts(task) if table is not None else None
    if found is not None:
        return found
    rows = store.select(query("task-texts", {"task": [task]}))
    return grouped_texts((str(r["part"]), r["text"]) for r in rows)


def task_siblings(store: Store, task: URIRef) -> tuple[Sibling, ...]:
    """The other tasks of a task's objective, from the table or read for this task alone."""
    table = task_table(store)
    found = table.siblings(task) if table is not None else None
    if found is not None:
        return found
    return siblings_of(store.select(query("task-siblings", {"task": [task]}))).get(str(task), ())


def task_title(store: Store, task: URIRef, lang: str) -> str:
    """The task's title in ``lang``, else in English, else any; its IRI without one."""
    titles = {
        tag: min(parts["task title"])
        for tag, parts in task_texts(store, task).items()
        if parts.get("task title")
    }
    return pick(titles, lang)[0] or str(task)
