"""The public endpoint as one object: limits from the settings, the pool, the description."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rdflib import Graph

from interlink_kg.queries import query
from interlink_kg.sparql.description import (
    endpoint_iri,
    entailed_types_graph,
    service_description,
)
from interlink_kg.sparql.pool import PoolLimits, QueryPool
from interlink_kg.sparql.snapshot import Snapshots
from interlink_kg.sparql.worker import QueryJob, WorkerConfig
from interlink_kg.store.base import Store


@dataclass(frozen=True)
class EndpointLimits:
    """The endpoint's limits; their defaults live in :class:`~interlink_kg.settings.Settings`."""

    time_limit: float
    max_concurrent: int
    queue_wait: float
    max_result_bytes: int
    memory_bytes: int | None
    allowed_services: tuple[str, ...]


class PublicEndpoint:
    """Runs anonymous queries over the published graphs, isolated from the serving process."""

    def __init__(self, store: Store, base_iri: str, limits: EndpointLimits) -> None:
        self.store = store
        self.base_iri = base_iri
        self.limits = limits
        self.iri = endpoint_iri(base_iri)
        self.implied_types_graph = entailed_types_graph(base_iri)
        self.pool = QueryPool(
            Snapshots(store),
            WorkerConfig(
                base_iri=base_iri,
                endpoint_iri=self.iri,
                allowed_services=limits.allowed_services,
                max_result_bytes=limits.max_result_bytes,
                memory_bytes=limits.memory_bytes,
            ),
            PoolLimits(
                size=limits.max_concurrent,
                time_limit=limits.time_limit,
                queue_wait=limits.queue_wait,
            ),
        )

    def query(self, job: QueryJob) -> tuple[str, bytes]:
        return self.pool.run(job)

    def description(self) -> Graph:
        return service_description(
            self.store,
            self.base_iri,
            time_limit=self.limits.time_limit,
            max_result_bytes=self.limits.max_result_bytes,
            allowed_services=self.limits.allowed_services,
        )

    def implied_types(self) -> Graph:
        """The endpoint's graph of types implied by the class hierarchy, computed from the store."""
        return self.store.construct(query("entailed-types"))

    def warm(self) -> None:
        """Start the workers and load the data into them in the background (server start-up)."""
        self.pool.start()
        threading.Thread(target=self.pool.preload, daemon=True).start()

    def catalogue_changed(self) -> None:
        """Publications change what the public sees: once the endpoint is in use, write the new
        snapshot and load it into the workers in the background, so that queries do not wait.
        (Only a head start: each query checks the catalogue's generation anyway.)"""
        if self.pool.started:
            threading.Thread(target=self.pool.preload, daemon=True).start()

    def close(self) -> None:
        self.pool.close()
