"""The tasks of the co-production schemas and the problem profiles each raises, kept in memory.

An INTERLINKER's page lists the schema tasks it can help with (those raising a problem profile
it addresses, on the task or on its objective), and the ranking counts selections made for
tasks raising the same profiles. Both ask which tasks raise which profiles: a few hundred pairs
for the real schemas, whatever the size of the catalogue. Asked per request, a SPARQL server
took 13 ms for it at 100k INTERLINKERs (each task's type, profiles and objective read from
disk); here it is read whole once per content stamp (a process's own tasks are not schema
tasks: what teams do does not change this).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal

from interlink_kg.finding.cache import PerGeneration
from interlink_kg.model.labels import pick
from interlink_kg.queries import query
from interlink_kg.store.base import Store


@dataclass(frozen=True)
class TaskName:
    schema: str  # the schema's identifier
    task: str  # the task's identifier
    titles: tuple[tuple[str, str], ...]  # (language tag, title)

    @property
    def task_key(self) -> tuple[str, str]:
        return (self.schema, self.task)

    def title(self, lang: str) -> str:
        return pick(dict(self.titles), lang)[0] or self.task


class SchemaTasks:
    """Which schema tasks raise which problem profiles, and their names, as read at one stamp."""

    def __init__(self, store: Store) -> None:
        keys: dict[str, set[tuple[str, str]]] = defaultdict(set)  # task -> (schema, task) ids
        titles: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        texts: list[tuple[str, Literal]] = []
        self._raising: dict[str, set[str]] = defaultdict(set)  # profile -> tasks raising it
        for row in store.select(query("schema-tasks")):
            task = str(row["task"])
            keys[task].add((str(row["schemaId"]), str(row["taskId"])))
            title, problem = row.get("title"), row.get("problem")
            if isinstance(title, Literal):
                texts.append((task, title))
            if problem is not None:
                self._raising[str(problem)].add(task)
        # Two tasks of one name: their titles merged, in a fixed order.
        for task, title in sorted(texts, key=lambda t: (t[0], t[1].language or "", str(t[1]))):
            for key in keys[task]:
                titles[key].setdefault(title.language or "", str(title))
        self._names = {
            task: [TaskName(s, t, tuple(sorted(titles[(s, t)].items()))) for s, t in sorted(found)]
            for task, found in keys.items()
        }

    def raising(self, problems: Iterable[str]) -> set[str]:
        """The tasks (IRIs) raising one of ``problems``."""
        return set().union(*(self._raising.get(p, set()) for p in problems))

    def helped_by(self, problems: Iterable[str]) -> list[TaskName]:
        """The tasks raising one of ``problems``, by schema and task identifier."""
        found = {
            name.task_key: name for task in self.raising(problems) for name in self._names[task]
        }
        return [found[key] for key in sorted(found)]


_TASKS = PerGeneration(SchemaTasks)  # the schemas are content: their stamp


def schema_tasks(store: Store) -> SchemaTasks:
    """The schema tasks of ``store`` as they are now."""
    return _TASKS.get(store)
