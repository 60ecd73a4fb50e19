"""A binary stream with every occurrence of one byte string replaced, as it is read. Pure."""

from __future__ import annotations

import io
from typing import IO

_CHUNK = 1 << 16


class ReplacedStream(io.RawIOBase):
    """``source`` with every ``pattern`` replaced by ``by``, an occurrence split between two
    reads of ``source`` included. ``pattern`` must not overlap itself (no proper prefix of it
    is also a suffix), so that the occurrences are the same whichever way the text is cut."""

    def __init__(self, source: IO[bytes], pattern: bytes, by: bytes) -> None:
        if not pattern or any(pattern.endswith(pattern[:k]) for k in range(1, len(pattern))):
            raise ValueError("the pattern to replace must be non-empty and not overlap itself")
        self._source = source
        self._pattern = pattern
        self._by = by
        self._held = b""  # the end of what was read, that may begin an occurrence
        self._ready = b""  # replaced, not yet handed out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._ready:
            chunk = self._source.read(_CHUNK)
            data = self._held + chunk
            if not chunk:  # the end: nothing more can complete an occurrence
                self._held = b""
                self._ready = data.replace(self._pattern, self._by)
                break
            # Hand out all but the last len(pattern) - 1 bytes, which may begin an occurrence;
            # an occurrence that starts before that cut and ends after it is whole in ``data``
            # and handed out with it.
            cut = len(data) - (len(self._pattern) - 1)
            straddling = data.find(self._pattern, max(0, cut - len(self._pattern) + 1), len(data))
            if 0 <= straddling < cut:
                cut = straddling + len(self._pattern)
            cut = max(cut, 0)
            self._held = data[cut:]
            self._ready = data[:cut].replace(self._pattern, self._by)
        count = min(len(buffer), len(self._ready))
        buffer[:count] = self._ready[:count]
        self._ready = self._ready[count:]
        return count
