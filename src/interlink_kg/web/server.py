"""Serve the app over HTTP (``interlink-kg serve``), with waitress.

Why waitress (decision 0006): its I/O thread reads each request (line, headers and body) in
full before a worker thread sees it, and writes answers out from buffers. A slow or idle
client therefore holds a connection, never an application thread, and a connection silent for
``read_timeout`` seconds is closed. Bodies over the limit, chunked or not, are refused with
413 before the app runs. One process: the embedded on-disk store is opened by one process;
while it runs, the command line reads that store through it (``store/held.py``).
"""

from __future__ import annotations

import errno
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from flask import Flask
from waitress.server import create_server

from interlink_kg.curation.bulk import BulkInProgressError, recover
from interlink_kg.curation.loading import load_bundled_if_empty
from interlink_kg.errors import ConfigurationError
from interlink_kg.finding.catalogue import counts
from interlink_kg.settings import Settings, shown
from interlink_kg.store import open_settings_store
from interlink_kg.store.registry import serving_url
from interlink_kg.store.serving_record import (
    ServingRecord,
    folder_of,
    new_key,
    remove_record,
    write_record,
)
from interlink_kg.web.app import close_app, create_app

# waitress refuses larger bodies itself (a plain-text 413) before reading them: up to twice the
# limit they reach the app, whose 413 is in the JSON error shape; the rest is multipart framing.
MULTIPART_ALLOWANCE = 64 * 1024


def build_serving_app(settings: Settings, log: TextIO, local_key: str | None = None) -> Flask:
    """Open the catalogue store (loading the bundled catalogue if it is empty) and the app;
    ``local_key`` opens the command line's reads of the held stores (``/_local/store/``)."""
    store = open_settings_store(replace(settings, store_url=serving_url(settings.store_url)))
    try:
        undone = recover(store)  # a bulk load that died half-way
    except BulkInProgressError as running:
        log.write(f"left alone: {running.message}\n")
    else:
        if undone.dropped:
            log.write(f"undid an unfinished bulk load ({len(undone.dropped)} graph(s))\n")
        if undone.completed or undone.missing:
            log.write(
                f"completed a committed bulk load ({len(undone.completed)} graph(s) put in "
                f"place, {len(undone.missing)} not replaced)\n"
            )
    summary = load_bundled_if_empty(store, settings.base_iri)
    if summary is not None:
        log.write(f"loaded the bundled catalogue ({summary.triples} triples)\n")
    sizes = counts(store)
    log.write(
        f"serving {sizes['interlinkers']} INTERLINKERs, {sizes['problemProfiles']} problem "
        f"profiles, {sizes['schemas']} schemas ({sizes['tasks']} tasks)\n"
    )
    log.flush()
    return create_app(settings, store=store, precompute=True, local_key=local_key)


def _loopback_of(host: str) -> str | None:
    """The loopback address the command line reaches this server on (None when it listens on
    one address that is not loopback: its held stores cannot be read then)."""
    if host in {"127.0.0.1", "localhost", "0.0.0.0", ""}:
        return "127.0.0.1"
    if host in {"::1", "::"}:
        return "[::1]"
    return None


def _leave_notes(
    settings: Settings, base: str, key: str, notes: list[tuple[Path, ServingRecord]]
) -> None:
    """Beside each on-disk store the server holds, the note that lets the command line read it
    through the server (:mod:`interlink_kg.store.serving_record`); each is added to ``notes``
    once written, so that the caller removes what was written even if the next one fails."""
    for name, url in (("catalogue", settings.store_url), ("workspace", settings.workspace_url)):
        folder = folder_of(url)
        if folder is not None:
            record = ServingRecord(os.getpid(), f"{base}/_local/store/{name}/", key)
            try:
                write_record(folder, record)
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot write the note beside the store {folder}: {exc.strerror}"
                ) from exc
            notes.append((folder, record))


class Stopped(KeyboardInterrupt):
    """SIGTERM (a service manager stopping the server): end like an interrupt, cleaning up."""


@contextmanager
def _stopping_on_sigterm() -> Iterator[None]:
    """SIGTERM stops the server as Ctrl-C does: the stores are flushed and closed, the notes
    beside them removed (by default SIGTERM ends the process without any of that)."""

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _not_ready(environ: object, start_response: Callable[..., object]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Retry-After", "5")])
    return [b"starting"]


def serve(settings: Settings, *, host: str, port: int, log: TextIO) -> None:
    """Serve until interrupted. The port is taken first, so that a port in use is reported
    at once (a clear configuration error) before the catalogue is opened and loaded."""
    try:
        server = create_server(
            _not_ready,  # replaced by the app before the first request is read
            host=host,
            port=port,
            threads=settings.threads,
            channel_timeout=settings.read_timeout,
            cleanup_interval=max(1, min(30, settings.read_timeout // 2)),
            connection_limit=settings.max_connections,
            max_request_header_size=settings.max_header_bytes,
            max_request_body_size=2 * settings.max_body_bytes + MULTIPART_ALLOWANCE,
            asyncore_use_poll=True,
            ident="interlink-kg",
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigurationError(
                f"port {port} on {host} is already in use by another program; choose another "
                "with --port (make serve PORT=8081)",
                details={"host": host, "port": port},
            ) from exc
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    try:
        log.write(f"starting on http://{host}:{port}/ with the store {shown(settings.store_url)}\n")
        log.flush()
        loopback = _loopback_of(host)
        key = new_key() if loopback else None
        app = build_serving_app(settings, log, key)
        server.application = app
        notes: list[tuple[Path, ServingRecord]] = []
        try:
            if key:
                base = f"http://{loopback}:{server.effective_port}"
                _leave_notes(settings, base, key, notes)
            log.write(f"listening on http://{host}:{port}/ ({settings.threads} threads)\n")
            log.flush()
            with _stopping_on_sigterm():
                server.run()
        finally:
            for folder, record in notes:
                remove_record(folder, record)
            close_app(app)
    finally:
        server.close()
