"""The table of every schema task (IRI, path, words), read in three queries per content stamp,
gives what the per-task queries give, task by task; a store with no stamp is read per task."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from support import BASE

from interlink_kg.errors import NotFoundError
from interlink_kg.finding import recommendations
from interlink_kg.finding.relevance import _texts
from interlink_kg.finding.task_table import SOURCES, path_of, task_table
from interlink_kg.queries import query
from interlink_kg.store import Store, open_store
from interlink_kg.store.generation import generation


def _all_tasks(store: Store) -> list[tuple[str, str]]:
    return [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]


def test_every_task_s_path_and_words_are_those_read_for_it_alone(catalogue_store: Store) -> None:
    assert generation(catalogue_store)  # the bundled catalogue is stamped: the table is used
    table = task_table(catalogue_store)
    assert table is not None
    tasks = _all_tasks(catalogue_store)
    assert len(tasks) == 109
    for schema_id, task_id in tasks:
        alone = recommendations._read_task(catalogue_store, (schema_id, task_id))
        assert table.task(schema_id, task_id) == alone, (schema_id, task_id)
        assert table.texts(alone[0]) == _texts(catalogue_store, "task-texts", {"task": [alone[0]]})


def test_a_path_keeps_the_order_of_the_query_s_branches() -> None:
    rows = [("p2", "phase"), ("p1", "sibling-task"), ("p3", "task"), ("p1", "sibling-task")]
    assert path_of(rows) == (("p3", "task"), ("p1", "sibling-task"), ("p2", "phase"))
    assert list(SOURCES) == ["task", "objective", "sibling-task", "phase", "phase-objective"]


def test_an_unknown_task_is_not_found_with_or_without_a_stamp(catalogue_store: Store) -> None:
    table = task_table(catalogue_store)
    assert table is not None
    assert table.task("default", "task-nothing") is None
    with pytest.raises(NotFoundError, match="task-nothing"):
        recommendations.for_task(catalogue_store, BASE, "default", "task-nothing")
    unstamped = open_store("memory:")
    try:
        unstamped.replace_graphs({})
        assert not generation(unstamped)
        assert task_table(unstamped) is None  # read task by task, never whole at every call
        with pytest.raises(NotFoundError, match="task-nothing"):
            recommendations.for_task(unstamped, BASE, "default", "task-nothing")
    finally:
        unstamped.close()


def test_a_task_outside_the_schemas_has_no_words_in_the_table(catalogue_store: Store) -> None:
    table = task_table(catalogue_store)
    assert table is not None
    assert table.texts(URIRef(f"{BASE}processes/p/tasks/t")) is None
