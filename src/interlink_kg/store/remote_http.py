"""HTTP to a SPARQL server for the remote store: one pooled ``urllib3`` client, timeouts on
every call, answers read as they arrive and capped, failures mapped to the store's errors.

- A server that cannot be reached, times out, breaks off its answer or answers 502/503/504
  (or 408/429) raises :class:`~interlink_kg.errors.StoreUnavailableError` (a 503 with
  ``Retry-After`` for clients; the next call tries again). Any other answer outside 2xx (a
  redirect, a 4xx, a 500) is a :class:`~interlink_kg.errors.StoreError`. What the server said is
  logged, never sent to clients.
- An answer is read as a stream (:meth:`StoreHttp.answer`), so that a parser can turn it into
  rows or triples while it arrives: a whole-catalogue read at 1M INTERLINKERs is hundreds of
  megabytes. It is cut off past :data:`MAX_RESPONSE_BYTES` (a server that never stops sending).
- The timeout bounds each wait. An answer's head must be whole within the timeout of its first
  byte (``remote_head``), and its body is held to an average rate: once the call's timeout has
  passed since its head arrived, it must have come at
  :data:`MIN_BYTES_PER_SECOND` or more (a server trickling a byte now and then would hold the
  call, and a request thread, for as long as it liked). A whole-catalogue read streams far
  faster than that, however long it takes.
"""

from __future__ import annotations

import http.client
import io
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import urllib3

from interlink_kg.errors import StoreError, StoreUnavailableError
from interlink_kg.store.remote_head import POOLS_BY_SCHEME, SlowHeadError

# The largest answer read from the server: a whole-catalogue read at 1M INTERLINKERs (every
# INTERLINKER's texts, the published data graph by graph) is up to about 2 GB.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024 * 1024
# The slowest average an answer's body may come at, once the call's timeout has passed since
# its head: a server's slowest honest stream (rows found one by one in a scan) is well above.
MIN_BYTES_PER_SECOND = 16 * 1024
_UNAVAILABLE = {408, 429, 502, 503, 504}
# The most graphs a query may name as its dataset (a server without a union parameter): Virtuoso
# 7 echoes each default-graph-uri and named-graph-uri of a query as a header of its answer
# (X-SPARQL-default-graph, X-SPARQL-named-graph), so a query over fifty graphs has more than the
# 100 header lines http.client reads by default, and urllib3 reads them through it. The limit is
# raised for the process to what that many graphs need (http.client has no other way; nothing
# else in the process reads HTTP through it: the service's server, waitress, parses requests
# itself). A head is also held to remote_head.MAX_HEAD_BYTES, and must come within the timeout
# of its first byte.
MAX_NAMED_GRAPHS = 10_000
MAX_HEADER_LINES = 2 * MAX_NAMED_GRAPHS + 200
http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADER_LINES)  # type: ignore[attr-defined]
_LOG = logging.getLogger(__name__)


class _Capped(io.RawIOBase):
    """An answer's body as a binary stream, at most ``limit`` bytes (None: any size); a break
    in the transfer, or a body slower than :data:`MIN_BYTES_PER_SECOND` on average once
    ``grace`` seconds have passed (None: no such rule), is the store being unavailable."""

    def __init__(
        self,
        response: urllib3.BaseHTTPResponse,
        store: str,
        limit: int | None,
        grace: float | None,
    ) -> None:
        self._response = response
        self._store = store
        self._limit = limit
        self._grace = grace
        self._started = time.monotonic()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            # what one read of the socket gives, not a full buffer: urllib3's readinto waits
            # for the whole buffer, wait after wait, so no rule could see a trickle
            data = self._response.read1(len(buffer))
        except urllib3.exceptions.HTTPError as exc:
            _LOG.warning("store %s broke off its answer: %s", self._store, exc)
            raise StoreUnavailableError(
                f"the store broke off its answer ({type(exc).__name__})"
            ) from exc
        count = len(data)
        buffer[:count] = data
        self.size += count
        if self._limit is not None and self.size > self._limit:
            raise StoreError(f"the store sent more than {self._limit} bytes")
        if self._grace is not None and count:  # the end of an answer whole is never late
            taken = time.monotonic() - self._started
            if taken > self._grace + self.size / MIN_BYTES_PER_SECOND:
                _LOG.warning(
                    "store %s sent %d bytes in %.1f s: too slow", self._store, self.size, taken
                )
                raise StoreUnavailableError("the store sent its answer too slowly")
        return count


class StoreHttp:
    """The HTTP side of one remote store (thread-safe: urllib3's pool is)."""

    def __init__(
        self,
        store: str,
        headers: Mapping[str, str],
        timeout: urllib3.Timeout,
        limit: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._store = store  # as it may be shown (no password)
        self._headers = dict(headers)
        self._timeout = timeout
        self._limit = limit
        self._pool = urllib3.PoolManager(num_pools=4, maxsize=16, retries=False, timeout=timeout)
        self._pool.pool_classes_by_scheme = POOLS_BY_SCHEME  # each head within a deadline
        # each endpoint's connection pool and path, looked up once (the manager parses the URL
        # and normalises a pool key at every request otherwise)
        self._targets: dict[str, tuple[urllib3.HTTPConnectionPool, str]] = {}

    def _target(self, url: str) -> tuple[urllib3.HTTPConnectionPool, str]:
        found = self._targets.get(url)
        if found is None:
            found = (self._pool.connection_from_url(url), urllib3.util.parse_url(url).request_uri)
            if len(self._targets) < 16:  # a store's few endpoints
                self._targets[url] = found
        return found

    @contextmanager
    def answer(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: urllib3.Timeout | None = None,
        whole: bool = False,
    ) -> Iterator[tuple[io.BufferedReader, str]]:
        """The body of a 2xx answer as a stream, with its media type (else the matching
        error). Read it inside the ``with``: the connection goes back to the pool after, or
        is closed if the body was not read to its end. ``whole``: no cap on its size,
        for a whole store's dump written to a file as it arrives (the rate rule holds)."""
        response = self._send(method, url, body, content_type, accept, timeout)
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        grace = (timeout or self._timeout).read_timeout
        capped = _Capped(
            response,
            self._store,
            None if whole else self._limit,
            grace if isinstance(grace, (int, float)) else None,
        )
        finished = False
        try:
            yield io.BufferedReader(capped, 1 << 16), media_type
            finished = response.read(1) == b""
        except urllib3.exceptions.HTTPError as exc:
            raise StoreUnavailableError(
                f"the store broke off its answer ({type(exc).__name__})"
            ) from exc
        finally:
            if not finished:
                response.close()  # never hand a half-read connection to the next call
            response.release_conn()  # its pool slot (a closed connection is opened again)

    def call(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: urllib3.Timeout | None = None,
    ) -> bytes:
        """The whole body of a 2xx answer (else the matching error)."""
        with self.answer(
            method, url, body=body, content_type=content_type, accept=accept, timeout=timeout
        ) as (stream, _):
            return stream.read()

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        content_type: str | None,
        accept: str | None,
        timeout: urllib3.Timeout | None,
    ) -> urllib3.BaseHTTPResponse:
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        try:
            pool, path = self._target(url)
            response = pool.urlopen(
                method,
                path,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                preload_content=False,
                timeout=timeout or self._timeout,
            )
        except urllib3.exceptions.HTTPError as exc:
            # the head's deadline reaches urllib3 as a socket timeout: say which it was
            told = exc.__cause__ if isinstance(exc.__cause__, SlowHeadError) else exc
            _LOG.warning("store %s cannot be reached: %s", self._store, told)
            raise StoreUnavailableError(
                f"the store cannot be reached ({type(exc).__name__})"
            ) from exc
        if 200 <= response.status < 300:
            if "X-SPARQL-MaxRows" in response.headers:
                # Virtuoso cut the solutions at its ResultSetMaxRows, and said so only here
                response.close()
                _LOG.warning(
                    "store %s cut its answer at %s rows (its ResultSetMaxRows)",
                    self._store,
                    response.headers["X-SPARQL-MaxRows"],
                )
                raise StoreError(
                    "the store cut its answer short (X-SPARQL-MaxRows: raise its ResultSetMaxRows)"
                )
            return response
        try:
            # one read of the socket: a trickled error body must not hold the call
            said = response.read1(500).decode("utf-8", "replace").strip()
        except urllib3.exceptions.HTTPError:
            said = "(its answer broke off)"
        finally:
            response.close()
        _LOG.warning("store %s answered %s to %s: %s", self._store, response.status, method, said)
        if response.status in _UNAVAILABLE:
            raise StoreUnavailableError(f"the store answered {response.status}")
        if response.status in {401, 403}:
            raise StoreError(f"the store refused the credentials ({response.status})")
        if 300 <= response.status < 400:
            raise StoreError(
                f"the store redirected ({response.status}): check the store URL "
                "(its scheme, host and final '/')"
            )
        raise StoreError(f"the store refused the request ({response.status})")

    def close(self) -> None:
        self._targets.clear()
        self._pool.clear()
