"""Input distributions of the single-module task beyond the uniform one.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177): the "more challenging distributions" study draws the inputs from a Benford
distribution or from truncated normals (`bmistry4/nalm-division`,
`stable_nalu/dataset/_simple_function_abstact.py`, `SimpleFunctionDatasetFork._sample`; the
batch scripts `lfs_batch_jobs/single_layer_task/neurips_2021/sltr-distributions-in{2,10}.sh`
pass `--sample-distribution`). A range still gives the support:

* `uniform`: x ~ U[lo, hi).
* `truncated-normal μ_i σ_i μ_e σ_e`: x ~ N(μ, σ²) truncated to [lo, hi], with (μ_i, σ_i) for the
  interpolation (training, validation) range and (μ_e, σ_e) for the extrapolation (test) range.
* `benford`: a first digit d ∈ {1..9} with P(d) = 0.301, 0.176, 0.125, 0.097, 0.079, 0.067, 0.058,
  0.051, 0.046 (the original's rounded Benford probabilities), an integer o ~ U{⌊lo/10⌋ ..
  ⌊hi/10⌋ − 1}, and x = d·10^len(str(o)) + o: [10, 100] gives 11 … 99 (last digit ≠ 0),
  [100, 1000] gives 110 … 999.

Two ways to draw, as for the uniform ranges of `nalm.core.ranges`:

* `original_inputs(...)`: the original's algorithm and order of draws with a numpy
  `RandomState`, for the fixed validation and test sets (so they are the original's, bit for
  bit, with the same scipy);
* `draw(...)`: this project's training stream, from a run's own numpy `Generator`
  (`nalm.core.random`): inverse-CDF truncated normals and a Benford digit from one uniform.
"""

import math
from dataclasses import dataclass

import numpy as np

from nalm.core.errors import UserError

FAMILIES = ("uniform", "truncated-normal", "benford")
#: P(first digit = d) for d = 0 … 9 (`SimpleFunctionDataset.BENFORD_PERCENTAGES`)
BENFORD_PROBABILITIES = (0.0, 0.301, 0.176, 0.125, 0.097, 0.079, 0.067, 0.058, 0.051, 0.046)
EXPECTED = "expected 'uniform', 'benford' or 'truncated-normal MEAN_I STD_I MEAN_E STD_E'"


@dataclass(frozen=True)
class Distribution:
    """A family and its parameters (truncated normal: μ_i, σ_i, μ_e, σ_e)."""

    family: str = "uniform"
    parameters: tuple = ()

    @property
    def text(self) -> str:
        """The command-line form: `uniform`, `benford`, `truncated-normal -1 3 -10 3`."""
        return " ".join([self.family, *(_number_text(p) for p in self.parameters)])

    @property
    def run_name_field(self) -> str:
        """The original run name's `D-` field: `u`, `b`, `tn-<μi>-<σi>-<μe>-<σe>` (as ints)."""
        if self.family == "uniform":
            return "u"
        if self.family == "benford":
            return "b"
        return "tn-" + "-".join(str(int(p)) for p in self.parameters)

    @property
    def axis_prefix(self) -> str:
        """The distributions figure's label prefix (`_single_layer_distributions_task_expand_name.r`):
        `U`, `B` or `TN(μi,σi)`."""
        if self.family == "uniform":
            return "U"
        if self.family == "benford":
            return "B"
        return f"TN({int(self.parameters[0])},{int(self.parameters[1])})"

    def normal(self, extrapolation: bool) -> tuple:
        """(μ, σ) of a truncated normal for the interpolation or extrapolation range."""
        return tuple(self.parameters[2:4] if extrapolation else self.parameters[0:2])


UNIFORM = Distribution()


def _number_text(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_distribution(text) -> Distribution:
    """`uniform`, `benford` or `truncated-normal μi σi μe σe` (the original's `--sample-distribution`)."""
    if isinstance(text, Distribution):
        return text
    if text is None:
        return UNIFORM
    words = str(text).split()
    if not words or words[0] not in FAMILIES:
        raise UserError(f"unknown distribution {text!r}: {EXPECTED}")
    try:
        parameters = tuple(float(word) for word in words[1:])
    except ValueError:
        raise UserError(f"bad distribution {text!r}: {EXPECTED}") from None
    wanted = 4 if words[0] == "truncated-normal" else 0
    if len(parameters) != wanted or not all(math.isfinite(p) for p in parameters):
        raise UserError(f"bad distribution {text!r}: {EXPECTED}")
    if wanted and (parameters[1] <= 0 or parameters[3] <= 0):
        raise UserError(f"bad distribution {text!r}: the standard deviations must be > 0")
    return Distribution(words[0], parameters)


def check_support(distribution: Distribution, sample_range) -> None:
    """Benford needs positive bounds whose tenths are integers (the original's digit construction)."""
    if distribution.family != "benford":
        return
    for lo, hi in sample_range.parts:
        if lo < 10 or int(lo * 0.1) >= int(hi * 0.1):
            raise UserError(
                f"range {sample_range.text} cannot be Benford-sampled: expected bounds such as [10,100] or [100,1000]"
            )


# ----------------------------------------------------------------------------- the original's draws


def _original_part(distribution, rng, lo, hi, shape, extrapolation):
    """`SimpleFunctionDatasetFork._sample` for one part, with the original's calls and order."""
    if distribution.family == "uniform":
        return rng.uniform(low=lo, high=hi, size=shape)
    if distribution.family == "truncated-normal":
        from scipy.stats import truncnorm

        mean, std = distribution.normal(extrapolation)
        return truncnorm.rvs((lo - mean) / std, (hi - mean) / std, mean, std, random_state=rng, size=shape)
    first_digit = rng.choice(list(range(0, 10)), size=shape, p=list(BENFORD_PROBABILITIES))
    offset = rng.randint(lo * 10**-1, hi * 10**-1, size=shape)
    powers = np.vectorize(lambda value: len(str(value)))(offset)
    return first_digit * 10**powers + offset


def original_inputs(sample_range, distribution: Distribution, rng, shape, extrapolation: bool):
    """The original's `_multi_sample`: one range, a mirrored pair or halves, float64 [N, I]."""
    parts = sample_range.parts
    if len(parts) == 1:
        return np.asarray(_original_part(distribution, rng, *parts[0], shape, extrapolation), dtype=np.float64)
    part0 = _original_part(distribution, rng, *parts[0], shape, extrapolation)
    part1 = _original_part(distribution, rng, *parts[1], shape, extrapolation)
    if sample_range.halves:
        part1[:, 0 : part0.shape[1] // 2] = part0[:, 0 : part0.shape[1] // 2]
        return np.asarray(part1, dtype=np.float64)
    choose = rng.randint(2, size=shape)
    return np.asarray(np.where(choose, part0, part1), dtype=np.float64)


# ----------------------------------------------------------------------------- this project's stream


def _truncated_normal(generator, lo, hi, mean, std, shape):
    """Inverse-CDF draws of N(mean, std²) truncated to [lo, hi]; upper tails are mirrored onto
    lower ones so that Φ is evaluated where it has full relative precision."""
    from scipy.special import ndtr, ndtri

    a, b = (lo - mean) / std, (hi - mean) / std
    flip = a > 0  # a bound far in the upper tail: sample -x from [-b, -a] instead
    if flip:
        a, b = -b, -a
    low, high = ndtr(a), ndtr(b)
    z = ndtri(low + generator.random(size=shape) * (high - low))
    z = np.clip(z, a, b)
    return mean + std * (-z if flip else z)


def _benford(generator, lo, hi, shape):
    cumulative = np.cumsum(BENFORD_PROBABILITIES)
    first_digit = np.minimum(np.searchsorted(cumulative / cumulative[-1], generator.random(size=shape), side="right"), 9)
    offset = generator.integers(int(lo * 0.1), int(hi * 0.1), size=shape)
    powers = np.floor(np.log10(np.maximum(offset, 1))).astype(np.int64) + 1  # len(str(o)) for o >= 1
    return (first_digit * 10.0**powers + offset).astype(np.float64)


def _part(distribution, generator, lo, hi, shape):
    if distribution.family == "uniform":
        return generator.uniform(lo, hi, size=shape)
    if distribution.family == "truncated-normal":
        return _truncated_normal(generator, lo, hi, *distribution.normal(False), shape)
    return _benford(generator, lo, hi, shape)


def draw(sample_range, distribution: Distribution, generator, sides, shape):
    """Training inputs float64 of `shape` (..., I) from a run's own generators: `generator` for
    values, `sides` for the side choices of a mirrored range."""
    parts = sample_range.parts
    if len(parts) == 1:
        return _part(distribution, generator, *parts[0], shape)
    if sample_range.halves:
        half = shape[-1] // 2
        out = np.empty(shape)
        out[..., :half] = _part(distribution, generator, *parts[0], shape[:-1] + (half,))
        out[..., half:] = _part(distribution, generator, *parts[1], shape[:-1] + (shape[-1] - half,))
        return out
    part0 = _part(distribution, generator, *parts[0], shape)
    part1 = _part(distribution, generator, *parts[1], shape)
    return np.where(sides.integers(0, 2, size=shape) == 1, part0, part1)
