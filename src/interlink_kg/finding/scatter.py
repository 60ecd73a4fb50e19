"""Weighted sums of postings, per position, with the interpreter's lock released while summing.

A ranking adds up, for each INTERLINKER, the parts of the postings that hold it: the BM25 parts
of a query's words (:mod:`interlink_kg.finding.bm25`), the weights of a task's profiles
(:mod:`interlink_kg.finding.candidate_arrays`). NumPy's ``bincount`` does it in one pass but
holds the GIL throughout, so a request's word matches and its candidate walk, run in two
threads to overlap, ran one after the other (measured at 1M INTERLINKERs: two threads took as
long as one after the other, or longer). SciPy's sparse product by a vector is the same pass
(each posting a column, its values times its factor: ``sum[position] += value``, the columns
in order) in C++ that releases the GIL, so the two sums run on two cores. Its kernel
(``csc_matvec``, the one ``@`` calls) is called here once per column, adding into one array of
sums: assembling the columns into one matrix first copied every posting (at 1M INTERLINKERs
an INTERLINKER's 2M postings, nearly as long as summing them in a profile; 12.72 against
11.37 ms for the whole, ``bench/pruning_bench.py``). The
kernel is SciPy's private name; where a SciPy moved it, the one matrix is multiplied, as
before. The sums are those of adding the postings one after the other, to the last bit: the
kernel adds them column by column from zero, each value times its column's factor. Where the
kernel rounds each product before adding it, as NumPy's multiplication does (asked of it at
import: a processor's fused multiply-add would round once), the factor is handed to it;
elsewhere the values are multiplied by their factors in NumPy first and the kernel multiplies
them by 1.0, which is exact (a copy of the values less: an INTERLINKER's word matches at 1M,
8.7 against 10.9 ms, ``bench/RESULTS.md``, twenty-third session).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import csc_array

try:  # SciPy's kernel of a sparse matrix times a vector, adding into an array it is given
    from scipy.sparse._sparsetools import csc_matvec as _add_column
except ImportError:  # pragma: no cover - a SciPy that moved it: the product of one matrix
    _add_column = None
_ONE = np.ones(1, dtype=np.float64)


def _rounds_products() -> bool:
    """Whether the kernel rounds each product before adding it, as NumPy's multiplication and
    then addition do (no fused multiply-add, which a compiler may use on some processors):
    then a column's factor is handed to the kernel, not multiplied into a copy of its values.
    Asked of the kernel itself: (1 + 2**-27) squared is 1 + 2**-26 + 2**-54, whose rounding
    drops the last term; less 1 + 2**-26, a rounded product leaves 0, a fused one 2**-54."""
    if _add_column is None:
        return False
    many = 64  # more than any unrolling of the kernel's loop
    near = 1.0 + 2.0**-27
    sums = np.full(many, -(1.0 + 2.0**-26), dtype=np.float64)
    at = np.arange(many, dtype=np.int32)
    values = np.full(many, near, dtype=np.float64)
    bounds = np.array([0, many], dtype=np.int32)
    _add_column(many, 1, bounds, at, values, np.array([near]), sums)
    return bool(np.all(sums == 0.0))


_FACTOR_IN_KERNEL = _rounds_products()

Positions = npt.NDArray[np.int32]
Values = npt.NDArray[np.float64]


def summed(
    columns: Sequence[tuple[Positions, Values | None]], factors: Sequence[float], size: int
) -> Values:
    """For each of ``size`` positions, the sum over ``columns`` (sorted positions in
    ``[0, size)`` holding each at most once, and their values; None: 1.0 each) of its value
    times the column's factor, the columns added in order."""
    if len(columns) != len(factors):
        raise ValueError("one factor per column")
    if not columns:
        return np.zeros(size, dtype=np.float64)
    # The kernel of the product by ones is the pass that releases the GIL. Each value is
    # multiplied by 1.0 there, exactly, whether or not the compiler fuses the multiplication
    # and the addition: the sums are the additions alone.
    if _add_column is None:
        ones = np.ones(len(columns), dtype=np.float64)
        return np.asarray(_matrix(columns, factors, size) @ ones, dtype=np.float64)
    _check(columns, size)
    sums = np.zeros(size, dtype=np.float64)
    for (at, values), factor in zip(columns, factors, strict=True):
        by = _ONE
        if values is None:
            data = np.full(len(at), factor, dtype=np.float64)
        elif factor == 1.0:
            data = np.ascontiguousarray(values)
        elif _FACTOR_IN_KERNEL:  # multiplied as it is added: no copy of the values
            data, by = np.ascontiguousarray(values), np.array([factor], dtype=np.float64)
        else:
            data = values * factor
        at = np.ascontiguousarray(at)
        bounds = np.array([0, len(at)], dtype=at.dtype)
        _add_column(size, 1, bounds, at, data, by, sums)
    return sums


def _check(columns: Sequence[tuple[Positions, Values | None]], size: int) -> None:
    """Refuse positions outside the sums: the kernel would write past the array."""
    for at, _ in columns:
        if len(at) and (int(at[0]) < 0 or int(at[-1]) >= size):
            raise ValueError(f"positions outside [0, {size})")


def _matrix(
    columns: Sequence[tuple[Positions, Values | None]], factors: Sequence[float], size: int
) -> csc_array:
    """The ``columns``' values times their factors (as NumPy multiplies them: the products
    are those of the sums before) as the columns of a sparse matrix of ``size`` rows."""
    _check(columns, size)
    lengths = [len(at) for at, _ in columns]
    starts = np.zeros(len(columns) + 1, dtype=np.int64 if sum(lengths) >= 2**31 else np.int32)
    np.cumsum(lengths, out=starts[1:])
    data = np.empty(int(starts[-1]), dtype=np.float64)
    for (_, values), factor, start, end in zip(columns, factors, starts, starts[1:], strict=False):
        if values is None:
            data[start:end] = factor
        elif factor == 1.0:
            data[start:end] = values
        else:
            np.multiply(values, factor, out=data[start:end])
    positions = np.concatenate([at for at, _ in columns]).astype(starts.dtype, copy=False)
    return csc_array((data, positions, starts), shape=(size, len(columns)), copy=False)
