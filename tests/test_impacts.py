"""Impact groups give a one-word search's best rows exactly as scoring every hit does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding.bm25 import average_length, idf
from interlink_kg.finding.impacts import Impacts
from interlink_kg.finding.postings import Layer, scored
from interlink_kg.finding.top import best_first


@st.composite
def postings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    size = draw(st.integers(1, 60))
    rowids = sorted(draw(st.sets(st.integers(1, size), min_size=1)))
    # Few distinct values, so that groups hold several rows and scores tie across groups.
    frequencies = draw(
        st.lists(
            st.sampled_from([1.0, 2.0, 4.0, 10.0, 11.0, 14.0]),
            min_size=len(rowids),
            max_size=len(rowids),
        )
    )
    lengths = np.array(
        [0.0, *draw(st.lists(st.integers(1, 8), min_size=size, max_size=size))], dtype=np.float64
    )
    removed = np.array([False, *draw(st.lists(st.booleans(), min_size=size, max_size=size))])
    return (
        np.array(rowids, dtype=np.int64),
        np.array(frequencies, dtype=np.float64),
        lengths,
        removed,
    )


@settings(max_examples=300, deadline=None)
@given(postings(), st.integers(0, 70), st.booleans(), st.integers(60, 500), st.floats(50, 5000))
def test_best_rows_are_those_of_every_hit_scored(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    limit: int,
    with_removed: bool,
    count: int,
    total: float,
) -> None:
    rows, frequencies, lengths, removed = data
    mask = removed if with_removed else None
    found = scored([Layer([(rows, frequencies)], lengths, mask)], count, total)[0]
    expected = best_first(found.rows, found.scores, limit)
    holding = len(rows) - (int(np.count_nonzero(removed[rows])) if with_removed else 0)
    got_rows, got_scores = Impacts.of(rows, frequencies, lengths).best(
        idf(count, holding), average_length(total, count), limit, mask
    )
    assert got_rows.tolist() == found.rows[expected].tolist()
    assert got_scores.tolist() == found.scores[expected].tolist()  # the same floats


def test_groups_hold_each_row_once() -> None:
    rows = np.array([2, 3, 5, 7, 11], dtype=np.int64)
    frequencies = np.array([1.0, 10.0, 1.0, 10.0, 1.0])
    lengths = np.array([0.0] * 2 + [4.0, 4.0, 0.0, 4.0, 0.0, 4.0] + [0.0] * 3 + [9.0])
    impacts = Impacts.of(rows, frequencies, lengths)
    assert len(impacts) == 5
    assert impacts.frequency.tolist() == [1.0, 1.0, 10.0]
    assert impacts.length.tolist() == [4.0, 9.0, 4.0]
    assert impacts.rows.tolist() == [2, 5, 11, 3, 7]
    assert impacts.starts.tolist() == [0, 2, 3, 5]


def test_a_page_ending_in_a_tie_takes_the_smaller_rows_of_every_tied_group() -> None:
    """(f 1, length 1) and (f 2, length 3) score the same at an average of 3: the page's
    last places go to the smallest rows of both groups, as when every hit is scored."""
    rows = np.arange(1, 9, dtype=np.int64)
    frequencies = np.array([2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0])
    lengths = np.array([0.0, 3.0, 3.0, 1.0, 1.0, 1.0, 1.0, 3.0, 3.0])
    found = scored([Layer([(rows, frequencies)], lengths)], 20, 60.0)[0]
    assert len(set(found.scores.tolist())) == 1  # one score, two groups
    impacts = Impacts.of(rows, frequencies, lengths)
    assert len(impacts.frequency) == 2
    for limit in range(1, 9):
        got, _ = impacts.best(idf(20, 8), average_length(60.0, 20), limit)
        assert got.tolist() == list(range(1, limit + 1))
