"""Membership in sorted arrays of distinct positions: which of some positions an array holds,
and where, by one binary search for all of them (NumPy). Shared by the candidates by profile,
the word matches and the search. Pure NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def located(
    held: npt.NDArray[Any], at: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """For each of ``at``, whether the sorted ``held`` holds it; and the places in ``held`` of
    those it holds, in the order of ``at``. (Give ``at`` in ``held``'s own type: another
    would have NumPy copy the whole of ``held`` first.)"""
    found = np.searchsorted(held, at)
    inside = found < len(held)
    holds = np.zeros(len(at), dtype=np.bool_)
    holds[inside] = held[found[inside]] == at[inside]
    return holds, found[holds]
