"""Facet counts from bits or per position, against counting each value's holders."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding import facet_counts
from interlink_kg.finding.facet_counts import FacetCounts

Holders = dict[tuple[str, str], np.ndarray]


def _catalogue(
    rng: np.random.Generator, size: int, values: dict[str, int], share: float
) -> tuple[dict[str, tuple[str, ...]], Holders]:
    named = {facet: tuple(f"{facet}-{n}" for n in range(many)) for facet, many in values.items()}
    holders = {
        (facet, value): np.flatnonzero(rng.random(size) < share).astype(np.int64)
        for facet, names in named.items()
        for value in names
    }
    return named, holders


def _expected(
    named: dict[str, tuple[str, ...]], holders: Holders, hits: np.ndarray
) -> dict[str, dict[str, int]]:
    return {
        facet: {
            value: n for value in names if (n := int(np.isin(holders[(facet, value)], hits).sum()))
        }
        for facet, names in named.items()
    }


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.integers(min_value=0, max_value=400),
    st.dictionaries(
        st.sampled_from(["kind", "language", "profile", "group"]),
        st.sampled_from([0, 1, 2, 7, 8, 9, 63, 64, 65, 130]),
        min_size=1,
    ),
    st.sampled_from([0.0, 0.02, 0.3, 0.9]),
    st.sampled_from([256, 64, 8, 1, 0]),
    st.sampled_from([65_536, 7, 1]),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_counts_are_those_of_each_value_s_holders(
    size: int, values: dict[str, int], share: float, most: int, chunk: int, seed: int
) -> None:
    """Whatever the facets' numbers of values (a byte's worth and past it, past MAX_VALUES),
    and however many hits are counted at a time, any set of hits counts as the holders say."""
    rng = np.random.default_rng(seed)
    named, holders = _catalogue(rng, size, values, share)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(facet_counts, "MAX_VALUES", most)
        patch.setattr(facet_counts, "CHUNK", chunk)
        counts = FacetCounts(list(named), named, holders, size)
        assert set(counts.by_bits) == {f for f, n in values.items() if n <= most}
        for hits in (
            np.zeros(0, dtype=np.int64),
            np.arange(size, dtype=np.int64),
            np.flatnonzero(rng.random(size) < 0.1).astype(np.int64),
        ):
            counted = counts.counts(hits)
            assert counted == _expected(named, holders, hits)
            assert list(counted) == list(named)


def test_every_pattern_of_a_byte_counts_each_of_its_bits() -> None:
    """256 INTERLINKERs, each holding the values of its own bit pattern over eight values
    (and one more value, in a second byte, held by the odd ones): each value is counted once
    per pattern with its bit set."""
    size = 256
    named = {"facet": tuple(f"v{n}" for n in range(9))}
    holders = {
        ("facet", f"v{n}"): np.flatnonzero((np.arange(size) >> n) & 1).astype(np.int64)
        for n in range(8)
    }
    holders[("facet", "v8")] = np.arange(1, size, 2, dtype=np.int64)
    counts = FacetCounts(["facet"], named, holders, size)
    assert counts.counts(np.arange(size, dtype=np.int64)) == {
        "facet": {**{f"v{n}": 128 for n in range(8)}, "v8": 128}
    }
    assert counts.counts(np.array([3, 255], dtype=np.int64)) == {
        "facet": {"v0": 2, "v1": 2, **{f"v{n}": 1 for n in range(2, 8)}, "v8": 2}
    }
