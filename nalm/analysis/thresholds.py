"""Success thresholds of the single-module benchmark, as `simulate.mse` in `bmistry4/nalm-benchmark`'s
`export/single_layer_task/benchmark/generate_exp_thresholds.r`.

A run counts as solved when its extrapolation MSE is below the MSE of a "nearly correct"
model f_ε, with the relevant operands x₁, x₂ in columns 1 and 2 and n inputs in all:

    add: f_ε = x₁ + x₂ − ε·Σᵢ|xᵢ|
    sub: f_ε = x₁ − x₂ − ε·Σᵢ|xᵢ|
    mul: f_ε = (1−ε)²·x₁x₂ · Πⱼ₌₃..ₙ (1 − ε|xⱼ|)
    div: f_ε = ((1−ε)/(1+ε))·(x₁/x₂) · Πⱼ₌₃..ₙ (1 − ε|xⱼ|)

    threshold = E[(f_ε − f₀)²],   estimated by the mean over N Monte Carlo rows.

Closed forms (derived here; the original only simulates), with P = Πⱼ₌₃..ₙ (1 − ε|xⱼ|),
E[P] = (1 − ε·E|x|)ⁿ⁻², E[P²] = (1 − 2ε·E|x| + ε²·E[x²])ⁿ⁻²:

    add/sub: ε²·(n·E[x²] + n(n−1)·E|x|²)
    mul:     E[x²]²·E[(c·P − 1)²]           with c = (1−ε)²
    div:     E[x²]·E[1/x²]·E[(c·P − 1)²]    with c = (1−ε)/(1+ε)

which for n = 2 are ((1−ε)²−1)²·E[x²]² and (2ε/(1+ε))²·E[x²]·E[1/x²].
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range
from nalm.papers import range_pairs

OPERATIONS = ("add", "sub", "mul", "div")
# generate_exp_thresholds.r's settings:
DEFAULT_EPSILON = 1e-4  # the committed script uses ε = 1e-4 for every op
DEFAULT_SAMPLES = 1_000_000  # N = 1e6 rows
DEFAULT_SEED = 1234  # the original's set.seed(1234); our stream is numpy's, not R's
CHUNK_ELEMENTS = 1 << 20  # doubles per Monte Carlo chunk (8 MiB), so I = 100 never holds 1e8 values

# The column order of the original's `write.csv`, then this project's additions.
COLUMNS = [
    "operation", "parameter", "simple", "input.size", "subset.ratio", "overlap.ratio",
    "range.a", "range.b", "range.mirror", "epsilon", "threshold", "extrapolation.range",
    "closed.form", "range.id",
]


#: the Primer's nine range pairs, id -> (interpolation, extrapolation) texts (papers/primer/ranges.yaml)
RANGE_PAIRS = range_pairs("primer")
RANGE_IDS = tuple(RANGE_PAIRS)


def range_pair(range_id):
    """The parsed (interpolation, extrapolation) ranges of a pair id such as `r7`."""
    if range_id not in RANGE_PAIRS:
        raise UserError(f"unknown range id {range_id!r}: expected one of {', '.join(RANGE_IDS)}")
    return tuple(parse_range(text) for text in RANGE_PAIRS[range_id])


@dataclass(frozen=True)
class ThresholdCase:
    """One (operation, extrapolation range, input size) row of the threshold file."""

    operation: str
    input_size: int
    range_id: str

    @property
    def extrapolation(self):
        return range_pair(self.range_id)[1]


def default_cases():
    """The original's 72 cases: every op at I = 2, add and sub also at I = 10 and 100.

    Rows come in the order of the original's `merge()` result: sorted by operation name,
    then input size, then range pair. (Only the random stream, not a value, depends on it.)
    """
    sizes = {"add": (2, 10, 100), "sub": (2, 10, 100), "mul": (2,), "div": (2,)}
    return [
        ThresholdCase(operation, size, range_id)
        for operation in sorted(OPERATIONS)
        for size in sizes[operation]
        for range_id in RANGE_IDS
    ]


def select_cases(operations=None, input_sizes=None, range_ids=None):
    """The default cases restricted to `operations` and `range_ids`.

    Giving `input_sizes` replaces the original's size grid by the full cross product
    operations × input sizes × ranges, so e.g. `mul` at I = 10 can be asked for.
    """
    for operation in operations or ():
        if operation not in OPERATIONS:
            raise UserError(f"unknown operation {operation!r}: expected one of {', '.join(OPERATIONS)}")
    for range_id in range_ids or ():
        range_pair(range_id)  # raises a UserError naming the bad id
    for size in input_sizes or ():
        if size < 2:
            raise UserError(f"input size {size} is too small: the task needs at least 2 inputs")
    if input_sizes:
        cases = [
            ThresholdCase(operation, size, range_id)
            for operation in sorted(operations or OPERATIONS)
            for size in input_sizes
            for range_id in RANGE_IDS
        ]
    else:
        cases = default_cases()
    return [
        case
        for case in cases
        if (not operations or case.operation in operations)
        and (not range_ids or case.range_id in range_ids)
    ]


def squared_error(operation, x, epsilon):
    """(f_ε − f₀)² per row of `x` (shape rows × n).

    The difference is formed algebraically rather than as f_ε − f₀, which avoids
    cancellation; the original's literal subtraction differs by ~1e-12 relative.
    """
    x1, x2 = x[:, 0], x[:, 1]
    if operation in ("add", "sub"):
        return (epsilon * np.abs(x).sum(axis=1)) ** 2
    irrelevant = np.prod(1.0 - epsilon * np.abs(x[:, 2:]), axis=1)  # 1 when n = 2
    if operation == "mul":
        return (x1 * x2 * ((1.0 - epsilon) ** 2 * irrelevant - 1.0)) ** 2
    if operation == "div":
        return (x1 / x2 * ((1.0 - epsilon) / (1.0 + epsilon) * irrelevant - 1.0)) ** 2
    raise UserError(f"unknown operation {operation!r}: expected one of {', '.join(OPERATIONS)}")


def monte_carlo_threshold(case, epsilon, samples, generator, chunk_elements=CHUNK_ELEMENTS):
    """The mean of (f_ε − f₀)² over `samples` rows of i.i.d. inputs, in chunks."""
    rows_per_chunk = max(1, chunk_elements // case.input_size)
    extrapolation = case.extrapolation
    total, done = 0.0, 0
    while done < samples:
        rows = min(rows_per_chunk, samples - done)
        x = extrapolation.sample(generator, (rows, case.input_size))
        total += float(squared_error(case.operation, x, epsilon).sum())
        done += rows
    return total / samples


def _moments(extrapolation):
    """E[x²], E|x| and E[1/x²] of one input element, averaging the mirrored sides."""
    second, absolute, inverse_second = [], [], []
    for lo, hi in extrapolation.parts:
        second.append((lo * lo + lo * hi + hi * hi) / 3.0)
        if lo >= 0 or hi <= 0:
            absolute.append(abs(lo + hi) / 2.0)
            inverse_second.append(1.0 / (lo * hi) if lo * hi > 0 else np.inf)
        else:  # a range across zero: E|x| = (a² + b²) / 2(b − a), and E[1/x²] diverges
            absolute.append((lo * lo + hi * hi) / (2.0 * (hi - lo)))
            inverse_second.append(np.inf)
    return np.mean(second), np.mean(absolute), np.mean(inverse_second)


def closed_form_threshold(case, epsilon):
    """The exact E[(f_ε − f₀)²] for i.i.d. inputs (the closed forms above, any n)."""
    n = case.input_size
    second, absolute, inverse_second = _moments(case.extrapolation)
    if case.operation in ("add", "sub"):
        return epsilon**2 * (n * second + n * (n - 1) * absolute**2)
    mean_p = (1.0 - epsilon * absolute) ** (n - 2)
    mean_p2 = (1.0 - 2.0 * epsilon * absolute + epsilon**2 * second) ** (n - 2)
    if case.operation == "mul":
        c = (1.0 - epsilon) ** 2
        return second**2 * (c * c * mean_p2 - 2.0 * c * mean_p + 1.0)
    if case.operation == "div":
        c = (1.0 - epsilon) / (1.0 + epsilon)
        return second * inverse_second * (c * c * mean_p2 - 2.0 * c * mean_p + 1.0)
    raise UserError(f"unknown operation {case.operation!r}: expected one of {', '.join(OPERATIONS)}")


def threshold_table(cases, epsilon=DEFAULT_EPSILON, samples=DEFAULT_SAMPLES, seed=DEFAULT_SEED):
    """The threshold file (the original's columns plus `closed.form` and `range.id`) for `cases`.

    One numpy generator, seeded once, serves the cases in row order, as the original
    seeds R once.
    """
    if samples < 1:
        raise UserError(f"--samples must be at least 1, not {samples}")
    if not epsilon > 0:
        raise UserError(f"--epsilon must be positive, not {epsilon}")
    generator = np.random.default_rng(seed)
    rows = []
    for case in cases:
        extrapolation = case.extrapolation
        # The original describes a mirrored range by its positive side plus a flag (`range.mirror`).
        range_a, range_b = extrapolation.parts[-1]
        rows.append({
            "operation": f"op-{case.operation}",
            "parameter": "extrapolation.range",
            "simple": False,
            "input.size": case.input_size,
            "subset.ratio": 1.0 / case.input_size,  # one relevant operand per subset
            "overlap.ratio": 0.0,
            "range.a": range_a,
            "range.b": range_b,
            "range.mirror": extrapolation.mirrored,
            "epsilon": epsilon,
            "threshold": monte_carlo_threshold(case, epsilon, samples, generator),
            "extrapolation.range": extrapolation.threshold_label,
            "closed.form": closed_form_threshold(case, epsilon),
            "range.id": case.range_id,
        })
    return pd.DataFrame(rows, columns=COLUMNS)
