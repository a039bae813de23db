"""The nine (interpolation, extrapolation) range pairs of the single-module benchmark.

`single-module-benchmark.md` §1.6, in the order of the original batch script; the ids
`r1`…`r9` follow that order. Pair 3 really uses -6.1 (not -6) as its lower extrapolation
bound (§9 item 11).
"""

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range

# (range id, interpolation range, extrapolation range), §1.6 table rows 1-9.
RANGE_PAIRS = (
    ("r1", "[-20,-10]", "[-40,-20]"),
    ("r2", "[-2,-1]", "[-6,-2]"),
    ("r3", "[-1.2,-1.1]", "[-6.1,-1.2]"),
    ("r4", "[-0.2,-0.1]", "[-2,-0.2]"),
    ("r5", "[-2,2]", "[[-6,-2],[2,6]]"),
    ("r6", "[0.1,0.2]", "[0.2,2]"),
    ("r7", "[1,2]", "[2,6]"),
    ("r8", "[1.1,1.2]", "[1.2,6]"),
    ("r9", "[10,20]", "[20,40]"),
)

RANGE_IDS = tuple(range_id for range_id, _, _ in RANGE_PAIRS)


def range_pair(range_id):
    """The parsed (interpolation, extrapolation) ranges of a pair id such as `r7`."""
    for pair_id, interpolation, extrapolation in RANGE_PAIRS:
        if pair_id == range_id:
            return parse_range(interpolation), parse_range(extrapolation)
    raise UserError(f"unknown range id {range_id!r}: expected one of {', '.join(RANGE_IDS)}")
