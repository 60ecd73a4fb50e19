"""The best INTERLINKERs by ``match * focus`` walking them by breadth, the focused first, and
stopping where no broader one can reach the best found (the threshold of Fagin's algorithm).

``focus = 2 / (1 + breadth)`` falls with the number of profiles an INTERLINKER addresses, and an
INTERLINKER of breadth b matches at most b of the profiles asked for: its score is at most
``focus(b)`` times the b largest weights of those profiles. So the INTERLINKERs are split into
groups of one breadth, each profile's posting into one part per group (positions within the
group), and a request adds up the postings group by group, from breadth 1 on, until the
``limit``-th best score found is above what the next group can reach. At 1M INTERLINKERs a
task's profiles hold postings of half a million positions or more, while the best are most
often among the first groups.

The scores are those of adding every posting up at once (:func:`scatter.summed` over the whole
arrays): an INTERLINKER's sum only ever depends on its own entries, added in the profiles'
order, and its focus is the same number. Ties go to the smaller position. Pure NumPy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from interlink_kg.finding import scatter
from interlink_kg.finding.top import best_first, best_of

Positions = npt.NDArray[np.int32]
# Rounding: a score adds a few doubles and multiplies once; a group is skipped only when its
# reach, raised by this share, stays under the limit-th best score.
MARGIN = 1e-9


class _Group:
    """The INTERLINKERs of one breadth: their positions and each profile's part of them."""

    def __init__(
        self, members: npt.NDArray[np.intp], focus: float, postings: dict[str, Positions]
    ) -> None:
        self.members = members  # sorted positions in the whole arrays
        self.focus = focus
        self.postings = postings  # profile -> sorted positions within the group


class BreadthGroups:
    """The postings of some arrays split by breadth (ascending: the most focused first)."""

    def __init__(
        self,
        breadth: npt.NDArray[np.float64],
        focus: npt.NDArray[np.float64],
        postings: Mapping[str, Positions],
    ) -> None:
        widths = np.unique(breadth)
        local = np.zeros(len(breadth), dtype=np.int32)  # each position's place in its group
        members: dict[float, npt.NDArray[np.intp]] = {}
        for width in widths:
            at = np.flatnonzero(breadth == width)
            local[at] = np.arange(len(at), dtype=np.int32)
            members[float(width)] = at
        parts: dict[float, dict[str, Positions]] = defaultdict(dict)
        for problem, posting in postings.items():
            held_widths = breadth[posting]
            for width in np.unique(held_widths):
                parts[float(width)][problem] = local[posting[held_widths == width]]
        self.groups = [
            _Group(at, float(focus[at[0]]), parts[width]) for width, at in members.items()
        ]
        self.widths = [int(w) for w in members]

    def best(
        self,
        used: Sequence[tuple[str, float]],
        keep: npt.NDArray[np.bool_] | None,
        limit: int,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The positions of the ``limit`` best by ``match * focus`` among those ``keep`` allows
        (None: all), best first, ties to the smaller position; their scores and matches.
        ``used``: each profile and its weight (positive; a profile given twice counts twice),
        in the order the sums add them."""
        by_profile: dict[str, float] = defaultdict(float)
        for problem, weight in used:
            by_profile[problem] += weight
        strongest = sorted(by_profile.values(), reverse=True)
        found: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]]
        found = []
        held = 0
        floor = 0.0
        for width, group in zip(self.widths, self.groups, strict=True):
            reach = group.focus * sum(strongest[:width])
            if held >= limit and reach * (1 + MARGIN) < floor:
                break  # no INTERLINKER of this breadth or a broader one reaches the best found
            columns = [(on, w) for p, w in used if (on := group.postings.get(p)) is not None]
            if not columns:
                continue
            match = scatter.summed(
                [(at, None) for at, _ in columns], [w for _, w in columns], len(group.members)
            )
            scores = match * group.focus
            if keep is not None:  # times 1 or 0: far cheaper than assigning through a mask
                scores *= np.take(keep, group.members)
            chosen = best_of(scores, limit)
            found.append((group.members[chosen], scores[chosen], match[chosen]))
            held += len(chosen)
            if held >= limit:
                every = np.concatenate([s for _, s, _ in found])
                floor = float(np.partition(every, len(every) - limit)[len(every) - limit])
        if not found:
            empty = np.zeros(0, dtype=np.float64)
            return np.zeros(0, dtype=np.intp), empty, empty
        at = np.concatenate([a for a, _, _ in found])
        scores = np.concatenate([s for _, s, _ in found])
        match = np.concatenate([m for _, _, m in found])
        chosen = best_first(at, scores, limit)
        return at[chosen], scores[chosen], match[chosen]
