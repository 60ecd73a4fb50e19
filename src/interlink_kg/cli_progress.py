"""The progress bars of ``interlink-kg load --bulk`` (tqdm, on stderr): bytes of each file read
with the triples loaded, their rate and the time left; then the INTERLINKERs validated."""

from __future__ import annotations

import time
from types import TracebackType
from typing import NoReturn, TextIO

from tqdm import tqdm

from interlink_kg.curation.bulk_validation import Progress


class BulkProgressBars:
    """A progress callback for :func:`interlink_kg.curation.bulk.bulk_load`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: tqdm[NoReturn] | None = None
        self._key: tuple[str, str] | None = None
        self._started = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        key = (progress.stage, progress.source)
        if key != self._key:
            self._close()
            self._key = key
            self._started = time.monotonic()
            if progress.stage == "loading":
                self._bar = tqdm(
                    total=progress.total_bytes,
                    unit="B",
                    unit_scale=True,
                    desc=f"loading {progress.source}",
                    file=self._stream,
                    mininterval=0.5,
                )
            else:
                self._bar = tqdm(
                    total=progress.total,
                    unit=" INTERLINKERs",
                    desc="validating",
                    file=self._stream,
                    mininterval=0.5,
                )
        bar = self._bar
        if bar is None:
            return
        if progress.stage == "loading":
            bar.update(progress.bytes_read - bar.n)
            elapsed = time.monotonic() - self._started
            rate = progress.done / elapsed if elapsed > 0 else 0.0
            bar.set_postfix_str(f"{progress.done:,} triples, {rate:,.0f} triples/s", refresh=False)
        else:
            bar.update(progress.done - bar.n)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> BulkProgressBars:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()
