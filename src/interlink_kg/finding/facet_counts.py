"""Facet counts over any set of hits, in work proportional to their number, not the catalogue's.

Each position keeps its values of every facet as bits, all facets side by side in one row of
bytes (eight values a byte: 13 bytes for the synthetic catalogue's eight facets, 16 with
padding; one read of memory per hit). Counting hits copies their rows whole (``take``) and
counts, in one ``bincount``, how many hits have each of the 256 patterns in each byte; a table
of the bits of each pattern then turns those into counts per value. No pass per value (a
``count_nonzero`` per value read each hit's row once per value: 3.10 against 0.86 ms for 22k
hits at 1M INTERLINKERs, ``bench/facet_bench.py``), no read of each facet's arrays at every
hit (each missed the processor's cache). A facet of more than :data:`MAX_VALUES` values keeps
each position's values in CSR form instead. Pure NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

Positions = npt.NDArray[np.int64]
Counts = dict[str, dict[str, int]]
CSR = tuple[Positions, Positions]  # offsets, then the numbers they delimit

MAX_VALUES = 256  # a facet of more values is read per position (32 bytes a row at most)
CHUNK = 65_536  # hits counted at a time (their patterns, eight bytes each, stay small)
# For each byte pattern, its eight bits (bit n of pattern p: row p, column n).
PATTERN_BITS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.int64)


class FacetCounts:
    """The facet values of ``size`` positions, from the positions holding each value (by
    facet, its ``values`` in order; ``holders`` by facet and value)."""

    def __init__(
        self,
        facets: Sequence[str],
        values: Mapping[str, Sequence[str]],
        holders: Mapping[tuple[str, str], Positions],
        size: int,
    ) -> None:
        self._facets = tuple(facets)
        self._values = {facet: tuple(values[facet]) for facet in facets}
        self._spread: dict[str, CSR] = {}  # by facet: each position's values
        self._first_byte: dict[str, int] = {}  # by facet: where its bits begin in a row
        columns: list[npt.NDArray[np.uint8]] = []
        width = 0
        for facet in facets:
            by_value = [holders[(facet, value)] for value in self._values[facet]]
            if len(by_value) > MAX_VALUES:
                self._spread[facet] = _by_position(by_value, size)
                continue
            self._first_byte[facet] = width
            bits = _bits(by_value, size)
            columns.append(bits)
            width += bits.shape[1]
        # Rows a width NumPy's ``take`` copies whole (1, 2, 4, 8, 16 or 32 bytes, or whole
        # words of 8): the bytes past the facets' stay 0 and are never counted.
        rows = np.zeros((size, _padded(width)), dtype=np.uint8)
        if columns:
            rows[:, :width] = np.hstack(columns)
        self._rows = rows
        self._shift = np.arange(width, dtype=np.intp) * 256  # byte n's patterns: bins 256n...

    @property
    def by_bits(self) -> tuple[str, ...]:
        """The facets counted from their bits (the others from each position's values)."""
        return tuple(self._first_byte)

    def counts(self, positions: Positions) -> Counts:
        """The facet counts over the INTERLINKERs at ``positions`` (distinct), every facet in
        order, values held by none left out."""
        per_bit = self._bit_counts(positions)
        out: Counts = {}
        for facet in self._facets:
            values = self._values[facet]
            first = self._first_byte.get(facet)
            if first is not None:
                by_value = per_bit[8 * first : 8 * first + len(values)]
            else:
                offsets, numbers = self._spread[facet]
                by_value = np.bincount(
                    _segments(offsets, numbers, positions), minlength=len(values)
                )
            out[facet] = {
                value: int(n) for value, n in zip(values, by_value.tolist(), strict=True) if n
            }
        return out

    def _bit_counts(self, positions: Positions) -> npt.NDArray[np.int64]:
        """How many of ``positions`` have each bit of a row set, byte after byte."""
        width = len(self._shift)
        tally = np.zeros(256 * width, dtype=np.int64)
        for start in range(0, len(positions), CHUNK):
            # ``take`` copies each row at once; indexing (``rows[at]``) went byte by byte: the
            # whole count of 22k hits at 1M INTERLINKERs, 0.86 against 1.72 ms
            # (bench/facet_bench.py, bench/RESULTS.md twenty-third session).
            rows = np.take(self._rows, positions[start : start + CHUNK], axis=0)
            patterns = rows[:, :width].astype(np.intp)
            patterns += self._shift
            tally += np.bincount(patterns.ravel(), minlength=256 * width)
        per_bit: npt.NDArray[np.int64] = (tally.reshape(width, 256) @ PATTERN_BITS).ravel()
        return per_bit


def _padded(width: int) -> int:
    """The least row width of at least ``width`` bytes that ``take`` copies as one piece."""
    for whole in (1, 2, 4, 8, 16, 32):
        if width <= whole:
            return whole
    return -(-width // 8) * 8


def _bits(by_value: Sequence[Positions], size: int) -> npt.NDArray[np.uint8]:
    """Each position's values (by number: ``by_value`` holds each one's positions) as bits,
    eight a byte, in a row of ``ceil(values / 8)`` bytes."""
    bits = np.zeros((size, -(-len(by_value) // 8)), dtype=np.uint8)
    for number, positions in enumerate(by_value):
        bits[positions, number // 8] |= np.uint8(1 << (number % 8))
    return bits


def _segments(offsets: Positions, numbers: Positions, chosen: Positions) -> Positions:
    """The numbers of the ``chosen`` segments of a CSR pair, one segment after the other."""
    starts = offsets[chosen]
    sizes = offsets[chosen + 1] - starts
    steps = np.arange(int(sizes.sum()), dtype=np.int64)
    # The index of every number: each segment's start, then +1, +2...
    firsts = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    found: Positions = numbers[firsts + steps]
    return found


def _by_position(holders: Sequence[Positions], size: int) -> CSR:
    """The values (their numbers, ascending) of each of ``size`` positions in CSR form
    (offsets, numbers), from the positions holding each value (``holders``, by number)."""
    positions = np.concatenate([np.zeros(0, dtype=np.int64), *holders])
    numbers = np.repeat(np.arange(len(holders), dtype=np.int64), [len(h) for h in holders])
    order = np.lexsort((numbers, positions))
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(positions, minlength=size), out=offsets[1:])
    return offsets, numbers[order]
