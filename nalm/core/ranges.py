"""Input ranges of the single-module task, written as in the original scripts.

As `SimpleFunctionDatasetFork` in `bmistry4/nalm-benchmark`'s
`stable_nalu/dataset/_simple_function_abstact.py` (ranges parsed by `ast.literal_eval` in
`experiments/single_layer_benchmark.py`): a range is either `[lo,hi]` (every input element drawn
i.i.d. from the half-open U[lo, hi)) or the *mirrored* form `[[lo0,hi0],[lo1,hi1]]`, where
every element independently comes from either side with probability 1/2; the two sides
must have equal widths. The division-module paper's mixed-sign inputs add a third form,
`[[lo0,hi0],[lo1,hi1],[]]` (*halves*): the first floor(I/2) elements of the input come from the
first range and the rest from the second (Mistry, Farrahi & Hare, TMLR 2022; `bmistry4/nalm-division`,
`stable_nalu/dataset/_simple_function_abstact.py`). The numbers keep their Python type (int or float), which matters
for the original run names (`nalm.runs.names`) and for the labels of the figures.
"""

import ast
import math
from dataclasses import dataclass

from nalm.core.errors import UserError

EXPECTED = (
    "expected '[lo,hi]' with lo < hi, '[[lo0,hi0],[lo1,hi1]]' with equal widths, "
    "or the halves form '[[lo0,hi0],[lo1,hi1],[]]'"
)


def _is_number(value) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float range
        return False


def _has_tuple(value) -> bool:
    """Whether a parsed range text holds a tuple: `(1,2)` is not the original's list form."""
    return isinstance(value, tuple) or (isinstance(value, list) and any(_has_tuple(item) for item in value))


def r_number(value) -> str:
    """A number as R's `paste0` prints it: `1`, `-0.2`, `1e-04`-free for the benchmark's values."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


@dataclass(frozen=True)
class UniformRange:
    """One uniform range (`parts` has one (lo, hi) pair), a mirrored pair (two pairs), or
    halves (two pairs, `halves` true: the first half of the input from part 0, the rest from part 1)."""

    parts: tuple
    halves: bool = False

    @property
    def mirrored(self) -> bool:
        return len(self.parts) == 2 and not self.halves

    @property
    def text(self) -> str:
        """The canonical command-line form, e.g. `[1,2]`, `[[-6,-2],[2,6]]` or `[[1,2],[-2,-1],[]]`."""
        sides = [f"[{lo},{hi}]" for lo, hi in self.parts]
        if self.halves:
            return f"[{','.join(sides)},[]]"
        return f"[{','.join(sides)}]" if self.mirrored else sides[0]

    @property
    def run_name_field(self) -> str:
        """`lo-hi` as the original run name renders it (Python `str`, lists for mirrored); halves
        render as mirrored ranges do, since the original names only the first two elements."""
        if len(self.parts) == 2:
            return "-".join(str(list(part)) for part in self.parts)
        lo, hi = self.parts[0]
        return f"{lo}-{hi}"

    @property
    def threshold_label(self) -> str:
        """`U[a,b]` or `U[-6,-2] & U[2,6]`: the threshold file's join key (generate_exp_thresholds.r)."""
        return " & ".join(f"U[{r_number(lo)},{r_number(hi)}]" for lo, hi in self.parts)

    @property
    def axis_label(self) -> str:
        """The figures' x-axis label (plot_results.r): `]` becomes `)`, mirrored shows one side."""
        lo, hi = self.parts[0]
        return f"U[{r_number(lo)},{r_number(hi)})"

    @property
    def slug(self) -> str:
        """A filesystem- and scheduler-safe form: `1to2`, `m6tom2_or_2to6`."""

        def number(value) -> str:
            return r_number(value).replace("-", "m").replace(".", "p").replace("+", "")

        return ("_then_" if self.halves else "_or_").join(f"{number(lo)}to{number(hi)}" for lo, hi in self.parts)

    @property
    def width(self) -> float:
        lo, hi = self.parts[0]
        return hi - lo

    def sample(self, generator, shape):
        """Draw float64 inputs with a numpy `Generator` or `RandomState`."""
        if len(self.parts) == 1:
            lo, hi = self.parts[0]
            return generator.uniform(lo, hi, size=shape)
        (lo0, hi0), (lo1, hi1) = self.parts
        part0 = generator.uniform(lo0, hi0, size=shape)
        part1 = generator.uniform(lo1, hi1, size=shape)
        if self.halves:
            # the original overwrites the first floor(I/2) elements of part 1 with part 0's
            half = shape[-1] // 2
            part1[..., :half] = part0[..., :half]
            return part1
        if hasattr(generator, "integers"):
            choose = generator.integers(0, 2, size=shape)
        else:
            choose = generator.randint(2, size=shape)
        # The original's order of draws and its `where(choose, part0, part1)` (`_multi_sample`).
        return part0 * (choose == 1) + part1 * (choose != 1)

    def __str__(self) -> str:
        return self.text


def parse_range(text) -> UniformRange:
    """Parse `[lo,hi]`, `[[lo0,hi0],[lo1,hi1]]` or `[[lo0,hi0],[lo1,hi1],[]]`; anything else is a
    `UserError` naming it."""
    if isinstance(text, UniformRange):
        return text
    if isinstance(text, (list, tuple)):
        value = text
        text = str(list(text))
    else:
        try:
            value = ast.literal_eval(str(text).strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise UserError(f"malformed range {text!r}: {EXPECTED}") from None
        if _has_tuple(value):
            raise UserError(f"malformed range {text!r}: {EXPECTED} (lists in brackets, not tuples)")

    def pair(item):
        if (
            isinstance(item, (list, tuple))
            and len(item) == 2
            and all(_is_number(v) for v in item)
            and item[0] < item[1]
        ):
            return (item[0], item[1])
        return None

    single = pair(value)
    if single is not None:
        return UniformRange((single,))
    halves = isinstance(value, (list, tuple)) and len(value) == 3 and value[2] in ([], ())
    if halves:
        value = value[:2]
    if isinstance(value, (list, tuple)) and len(value) == 2:
        parts = [pair(item) for item in value]
        if all(part is not None for part in parts):
            (lo0, hi0), (lo1, hi1) = parts
            if lo0 - hi0 != lo1 - hi1:
                raise UserError(
                    f"malformed range {text!r}: the two sides of a mirrored range must have equal widths"
                )
            return UniformRange(tuple(parts), halves)
    raise UserError(f"malformed range {text!r}: {EXPECTED}")
