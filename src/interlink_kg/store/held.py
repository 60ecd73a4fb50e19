"""An on-disk store that ``interlink-kg serve`` holds, read through the server.

The command line opens it when the store is locked and the server's note is beside it
(:mod:`interlink_kg.store.serving_record`): reads are SPARQL queries over the server's local
store access (loopback, with the note's key), answered by the very store the server writes, so
they see every committed change and never a half-written one. Settings are read from the
store's settings file, which the server replaces atomically. Every change is refused with a
message that says how to make it: through the server, or with the server stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from interlink_kg.errors import StoreHeldError
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.store.base import GraphPayload, Guard, Row
from interlink_kg.store.remote import DEFAULT_TIMEOUT, RemoteStore
from interlink_kg.store.remote_endpoints import Endpoints
from interlink_kg.store.serving_record import ServingRecord
from interlink_kg.store.settings_file import read_settings, settings_path


class HeldStore:
    """A :class:`~interlink_kg.store.base.Store` whose reads go through the server holding it."""

    def __init__(
        self, folder: Path, record: ServingRecord, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.path = folder
        self.url = f"oxigraph:{folder}"
        self.record = record
        self._reads = RemoteStore(
            Endpoints.under(record.url),
            url=f"{record.url} (serving {folder})",
            token=record.key,
            timeout=timeout,
            # serve's local access answers two reads at a time and refuses a third at once
            read_in_parts=False,
            # forms, which every version of the server's local access reads with their
            # dataset (before 2026-12 it read none from the URL of a query posted directly):
            # a command line upgraded while an older server runs still reads the union
            direct_posts=False,
        )
        self._meta_path = settings_path(folder)

    def refusal(self) -> StoreHeldError:
        """The error for a change: what holds the store, and how to make the change."""
        return StoreHeldError(
            f"the store at {self.path} is held by `interlink-kg serve` (process "
            f"{self.record.pid}), and this command would change it: stop the server first, or "
            "make the change through the server's API (submissions, teams, processes, ratings); "
            "commands that only read work while it runs",
            details={"store": self.url, "server_pid": self.record.pid},
        )

    # -- reads, through the server ----------------------------------------------------------

    def data_graphs(self) -> list[str]:
        return self._reads.data_graphs()

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        return self._reads.select(query, graphs)

    def select_recent(self, query: str, graphs: Sequence[str]) -> list[Row]:
        return self.select(query, graphs)  # a short-lived CLI read: always asks the server

    def select_values(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[tuple[str | None, ...]]:
        return self._reads.select_values(query, graphs)

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool:
        return self._reads.ask(query, graphs)

    def construct(
        self, query: str, graphs: Sequence[str] | None = None, *, into: Graph | None = None
    ) -> Graph:
        return self._reads.construct(query, graphs, into=into)

    def describe_resources(
        self, items: Sequence[URIRef], *, published: bool = False, into: Graph | None = None
    ) -> Graph:
        return self._reads.describe_resources(items, published=published, into=into)

    def graph(self, *names: str) -> Graph:
        return self._reads.graph(*names)

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        return self._reads.dump(fmt, graphs)

    def dump_quads(self, graphs: Sequence[str] | None = None) -> bytes:
        return self._reads.dump_quads(graphs)

    def write_quads(self, path: Path, graphs: Sequence[str] | None = None) -> None:
        self._reads.write_quads(path, graphs)

    def get_meta(self, key: str) -> str | None:
        """From the settings file, which the server replaces atomically at each change."""
        return read_settings(self._meta_path).get(key)

    # -- changes, refused -------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, GraphPayload],
        drop: Iterable[str] = (),
        guard: Guard | None = None,
    ) -> None:
        raise self.refusal()

    def drop_graphs(self, names: Iterable[str]) -> None:
        raise self.refusal()

    def derive(
        self,
        graph: str,
        construct: str,
        subjects: Iterable[str] | None = None,
        then: Mapping[str, GraphPayload] | None = None,
        drop: Iterable[str] = (),
        guard: Guard | None = None,
        *,
        patient: bool = False,
    ) -> None:
        raise self.refusal()

    def move_graphs(
        self, pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None
    ) -> None:
        raise self.refusal()

    copies_in_bulk = False

    def copy_graph_in_bulk(self, source: str, target: str) -> None:
        raise self.refusal()

    def insert_quads(self, quads: Iterable[ox.Quad]) -> int:
        raise self.refusal()

    def set_meta(self, key: str, value: str) -> None:
        raise self.refusal()

    def close(self) -> None:
        self._reads.close()
