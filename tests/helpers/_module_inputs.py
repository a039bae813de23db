"""Shared fixtures of the module tests: inputs from the benchmark's ranges, one range per run."""

import numpy as np
import torch

from nalm.analysis.thresholds import RANGE_PAIRS
from nalm.core.ranges import parse_range

#: the 18 interpolation and extrapolation ranges of `bmistry4/nalm-benchmark`'s
#: `lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh`
BENCHMARK_RANGES = [parse_range(text) for interpolation, extrapolation in RANGE_PAIRS.values()
                    for text in (interpolation, extrapolation)]
POSITIVE_RANGES = [r for r in BENCHMARK_RANGES if min(lo for lo, _ in r.parts) > 0]
NEGATIVE_RANGES = [r for r in BENCHMARK_RANGES if max(hi for _, hi in r.parts) < 0]

OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


def inputs(ranges, batch: int = 64, input_size: int = 2, seed: int = 0) -> torch.Tensor:
    """[R, B, I] float32 inputs, run k drawn from `ranges[k]` (so every run sees different inputs)."""
    rng = np.random.RandomState(seed)
    return torch.tensor(np.stack([r.sample(rng, (batch, input_size)) for r in ranges]), dtype=torch.float32)


def generators(seeds):
    return [torch.Generator().manual_seed(seed) for seed in seeds]


@torch.no_grad()
def fill(parameter: torch.Tensor, values) -> None:
    """Set every run of `parameter` to `values` (broadcast over the runs dimension)."""
    parameter.copy_(torch.as_tensor(values, dtype=parameter.dtype).expand_as(parameter))
