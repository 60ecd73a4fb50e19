"""The per-position sums of postings (finding/scatter.py): the same floats as adding the
postings one after the other. (That the product releases the GIL is SciPy's; a test of it
could not tell it from NumPy's casts, which release it too: the bench shows what it brings.)"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding import scatter

# SciPy's kernel called per column into one array (where SciPy has it), each column's factor
# handed to it (where it rounds each product) or multiplied in first (where it fuses), and the
# one matrix of every column multiplied by ones (where a SciPy moved the kernel): the same sums.
WAYS = [(scatter._add_column, True), (scatter._add_column, False), (None, False)]
assert WAYS[0][0] is not None  # this SciPy has the kernel: the way the service takes
assert scatter._FACTOR_IN_KERNEL  # and it rounds each product (x86-64 wheels)


@pytest.fixture(params=WAYS, ids=["factor in the kernel", "factor multiplied first", "matrix"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    kernel, factor_in_kernel = request.param
    monkeypatch.setattr(scatter, "_add_column", kernel)
    monkeypatch.setattr(scatter, "_FACTOR_IN_KERNEL", factor_in_kernel)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.sets(st.integers(0, 299), max_size=150),
            st.sampled_from([1.0, 0.5, 1 / 3, 2.0, 1e-6, 0.0, 7 / 11]),
            st.booleans(),
        ),
        max_size=8,
    ),
    st.integers(0, 2**32 - 1),
)
def test_sums_column_by_column_to_the_last_bit(
    columns: list[tuple[set[int], float, bool]], seed: int
) -> None:
    """Values given or ones (None), a factor per column: each position gets, to the last bit,
    what adding the columns one after the other in NumPy gives."""
    rng = np.random.default_rng(seed)
    given_columns = [
        (np.array(sorted(at), dtype=np.int32), rng.random(len(at)) * 10.0 if valued else None)
        for at, _, valued in columns
    ]
    factors = [factor for _, factor, _ in columns]
    expected = np.zeros(300, dtype=np.float64)
    for (at, values), factor in zip(given_columns, factors, strict=True):
        expected[at] += factor if values is None else values * factor
    for kernel, factor_in_kernel in WAYS:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(scatter, "_add_column", kernel)
            patch.setattr(scatter, "_FACTOR_IN_KERNEL", factor_in_kernel)
            assert np.array_equal(scatter.summed(given_columns, factors, 300), expected)
            wide = [(at.astype(np.int64), values) for at, values in given_columns]
            assert np.array_equal(scatter.summed(wide, factors, 300), expected)


def test_the_walk_of_profiles_sums_as_the_repeated_weights_did(way: None) -> None:
    """A profile given twice counts twice; ones times the weight are the weight itself."""
    postings = [np.array([0, 2, 5], dtype=np.int32), np.array([2, 3], dtype=np.int32)]
    weights = [0.1, 0.2]
    columns = [(postings[0], None), (postings[1], None), (postings[0], None)]
    factors = [*weights, weights[0]]
    repeated = np.repeat(factors, [3, 2, 3])
    before = np.bincount(np.concatenate([postings[0], postings[1], postings[0]]), repeated, 7)
    assert np.array_equal(scatter.summed(columns, factors, 7), before)


def test_no_column_and_empty_columns(way: None) -> None:
    assert np.array_equal(scatter.summed([], [], 4), np.zeros(4))
    empty = np.zeros(0, dtype=np.int32)
    assert np.array_equal(scatter.summed([(empty, None)], [1.0], 3), np.zeros(3))
    assert len(scatter.summed([], [], 0)) == 0


def test_a_factor_per_column(way: None) -> None:
    with pytest.raises(ValueError, match="one factor per column"):
        scatter.summed([(np.array([1], dtype=np.int32), None)], [], 3)


@pytest.mark.parametrize("positions", [[0, 3], [-1, 2], [-2]])
def test_positions_outside_the_sums_are_refused(positions: list[int], way: None) -> None:
    """(The kernel writes where a position says: one outside would write past the array.)"""
    with pytest.raises(ValueError, match=r"positions outside \[0, 3\)"):
        scatter.summed([(np.array(positions, dtype=np.int32), None)], [1.0], 3)


def test_the_postings_given_are_left_as_they_were(way: None) -> None:
    at = np.array([0, 2], dtype=np.int32)
    values = np.array([0.5, 0.25])
    scatter.summed([(at, values), (at, None), (at, values)], [3.0, 2.0, 1.0], 3)
    assert at.tolist() == [0, 2]
    assert values.tolist() == [0.5, 0.25]


def test_values_read_with_a_stride_sum_as_their_copy(way: None) -> None:
    """Postings taken every other one (views, not contiguous) are read as copies would be."""
    at = np.arange(0, 40, dtype=np.int32)[::2]
    values = np.linspace(0.1, 4.0, 60)[::3]
    copied = scatter.summed([(at.copy(), values.copy())], [0.7], 40)
    assert np.array_equal(scatter.summed([(at, values)], [0.7], 40), copied)


def _fused(n_row, n_col, starts, rows, values, factors, sums):  # type: ignore[no-untyped-def]
    """A kernel that fuses: each product added to the sum exact, rounded once (as a processor's
    fused multiply-add)."""
    for column in range(n_col):
        for at in range(starts[column], starts[column + 1]):
            exact = Fraction(values[at]) * Fraction(factors[column]) + Fraction(sums[rows[at]])
            sums[rows[at]] = float(exact)


def test_a_kernel_that_fuses_gets_the_factors_multiplied_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the kernel fuses the multiplication into the addition, its sums would differ in
    the last bit from NumPy's products added: the probe tells, and the factors are then
    multiplied in first."""
    assert scatter._rounds_products()
    monkeypatch.setattr(scatter, "_add_column", _fused)
    assert not scatter._rounds_products()
    near = 1.0 + 2.0**-27  # near squared, rounded, is 1 + 2**-26; fused, 2**-54 is kept
    columns = [
        (np.array([0], dtype=np.int32), np.array([-(1.0 + 2.0**-26)])),
        (np.array([0], dtype=np.int32), np.array([near])),
    ]
    monkeypatch.setattr(scatter, "_FACTOR_IN_KERNEL", True)
    assert scatter.summed(columns, [1.0, near], 1)[0] == 2.0**-54  # what the probe averts
    monkeypatch.setattr(scatter, "_FACTOR_IN_KERNEL", scatter._rounds_products())
    assert scatter.summed(columns, [1.0, near], 1)[0] == 0.0  # as NumPy's products added
    monkeypatch.setattr(scatter, "_add_column", None)
    assert not scatter._rounds_products()
