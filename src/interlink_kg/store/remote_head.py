"""An answer's head read within a deadline, for the remote store's HTTP client.

The timeout of a call bounds each wait on the socket, and http.client reads a head line by
line: a server could send one header line just inside the timeout, then the next, for as many
lines as http.client takes (:data:`~interlink_kg.store.remote_http.MAX_HEADER_LINES`, tens of
thousands), and hold the call and its request thread for hours. Here the first byte of the head
may take the whole timeout (the server working on the query), and the rest of the head must
follow within the timeout of it, however it is cut up; interim ``100 Continue`` heads count as
part of it. A server's honest head comes at once, thousands of header lines included.
After the head, the body is held to its own rule (a minimum average rate, ``remote_http``).

A head is also held to :data:`MAX_HEAD_BYTES` (http.client bounds its lines, not their sum), and
one with an obsolete folded header line is refused: urllib3 unfolds such a head by deleting and
adding back every header, each deletion a scan of them all, seconds of CPU for a head of
thousands of lines. Both are :class:`http.client.HTTPException`, which urllib3 reports as a
protocol error: the store cannot be used, as a server that breaks off its answer cannot.

The deadline sits under http.client's buffer, on the socket's reads themselves, so no amount of
buffering above it can hide a slow read: :class:`_HeadClock` shortens the socket's timeout to
what is left before each read.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection

# The largest head read from a store: Virtuoso echoes each graph a query names as a header line,
# about 2 MB for the 10,000 graphs a query may name (remote_http.MAX_NAMED_GRAPHS).
MAX_HEAD_BYTES = 16 * 1024 * 1024


class SlowHeadError(TimeoutError):
    """An answer's head not whole within the timeout of its first byte (urllib3 reports it as
    a read timeout, this as its cause)."""


class _HeadClock(io.RawIOBase):
    """The raw reads of one answer's socket: while ``timing``, every read after the first byte
    waits at most until ``within`` seconds after that byte came."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, within: float | None) -> None:
        self._raw = raw
        self._sock = sock
        self._within = within
        self._until: float | None = None
        self._size = 0
        self.timing = within is not None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        if not self.timing:
            return self._raw.readinto(buffer)
        if self._until is not None:
            left = self._until - time.monotonic()
            if left <= 0:
                raise SlowHeadError("the answer's head came too slowly")
            self._sock.settimeout(left)
        try:
            count = self._raw.readinto(buffer)
        except TimeoutError as exc:
            if self._until is None:
                raise  # the first byte: the call's own read timeout
            raise SlowHeadError("the answer's head came too slowly") from exc
        if count:
            self._size += count
            if self._size > MAX_HEAD_BYTES:
                raise http.client.HTTPException(f"an answer's head past {MAX_HEAD_BYTES} bytes")
            if self._until is None:
                self._until = time.monotonic() + (self._within or 0.0)
        return count

    def fileno(self) -> int:
        return self._raw.fileno()

    def stop_timing(self) -> None:
        """The head is read: the socket's timeout is the call's again, for the body."""
        if self.timing:
            self.timing = False
            if not self._raw.closed:
                self._sock.settimeout(self._within)

    def close(self) -> None:
        self.stop_timing()  # a head read without begin() (a proxy's CONNECT answer)
        if not self.closed:
            self._raw.close()
        super().close()


class _TimedHeadResponse(http.client.HTTPResponse):
    """http.client's response, its head read under a :class:`_HeadClock`."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        # the same socket reader, with the clock between it and the buffer
        raw = self.fp.detach()
        self._clock = _HeadClock(raw, sock, sock.gettimeout())
        self.fp = io.BufferedReader(self._clock)

    def begin(self) -> None:
        try:
            super().begin()
        finally:
            self._clock.stop_timing()
        if any("\n" in value for value in self.msg.values()):
            raise http.client.HTTPException("an answer's head with a folded header line")


class _Connection(HTTPConnection):
    response_class = _TimedHeadResponse


class _SecureConnection(HTTPSConnection):
    response_class = _TimedHeadResponse


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _SecurePool(HTTPSConnectionPool):
    ConnectionCls = _SecureConnection


# for a PoolManager's pool_classes_by_scheme
POOLS_BY_SCHEME: dict[str, type[HTTPConnectionPool]] = {"http": _Pool, "https": _SecurePool}
