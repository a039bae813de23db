"""The single-module arithmetic task (`single-module-benchmark.md` §1).

An input x ∈ ℝ^I holds two operand subsets; a = Σ x[subset 0], b = Σ x[subset 1] and the
target is a ∘ b for ∘ ∈ {+, −, ×, ÷}. Subset size S = floor(s·I), overlap V = floor(o·S);
subset 0 is [0, S), subset 1 is [S − V, 2S − V), both shifted by a per-seed offset drawn
from the original's `RandomState(seed).randint(0, I − used + 1)` (§1.2), so every seed
puts its operands where the original put them.

Validation (interpolation) and test (extrapolation) sets are fixed: 10,000 samples drawn with
the original's fixed numpy seeds 43953907 and 8689336 (§1.5), so their inputs are
bit-identical to the original's and shared by every seed. Targets are computed in float64
and cast to float32 (§1.3).

The training stream is this project's own: every run draws its batches from its own
PCG64DXSM stream keyed by its seed (see `TrainingStream`).
"""

import math
from dataclasses import dataclass

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.ranges import UniformRange

OPS = ("add", "sub", "mul", "div")
VALIDATION_SEED = 43953907
TEST_SEED = 8689336
EVALUATION_SAMPLES = 10_000

#: default subset ratio for each benchmark input size (§1.2)
BENCHMARK_SUBSET_RATIO = {2: 0.5, 10: 0.1, 100: 0.01}

# Keys of the per-run random streams (numpy SeedSequence spawn keys): data, mirrored sides, init.
DATA_STREAM, SIDE_STREAM, INIT_STREAM = 1, 2, 3


def apply_op(op: str, a, b):
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / b
    raise UserError(f"unknown op {op!r}: expected one of {', '.join(OPS)}")


@dataclass(frozen=True)
class Task:
    op: str
    input_size: int = 2
    subset_ratio: float | None = None
    overlap_ratio: float = 0.0
    num_subsets: int = 2

    def __post_init__(self):
        if self.op not in OPS:
            raise UserError(f"unknown op {self.op!r}: expected one of {', '.join(OPS)}")
        if not isinstance(self.input_size, int) or self.input_size < 2:
            raise UserError(f"bad input size {self.input_size!r}: expected an integer >= 2")
        if self.subset_ratio is None:
            ratio = BENCHMARK_SUBSET_RATIO.get(self.input_size)
            if ratio is None:
                raise UserError(
                    f"input size {self.input_size} has no benchmark subset ratio: give --subset-ratio"
                )
            object.__setattr__(self, "subset_ratio", ratio)
        if not 0 < self.subset_ratio <= 1 or not 0 <= self.overlap_ratio < 1:
            raise UserError(
                f"bad subset/overlap ratio {self.subset_ratio!r}/{self.overlap_ratio!r}: expected 0 < s <= 1, 0 <= o < 1"
            )
        if self.subset_size < 1:
            raise UserError(f"subset ratio {self.subset_ratio} of input size {self.input_size} gives an empty subset")
        if self.used_size > self.input_size:
            raise UserError("too many subsets given the subset and overlap ratios")

    @property
    def subset_size(self) -> int:
        return math.floor(self.subset_ratio * self.input_size)

    @property
    def overlap_size(self) -> int:
        return math.floor(self.overlap_ratio * self.subset_size)

    @property
    def used_size(self) -> int:
        return self.subset_size + (self.num_subsets - 1) * (self.subset_size - self.overlap_size)

    def operand_offset(self, seed: int) -> int:
        """The original's per-seed offset (§1.2); `randint(0, 1)` is 0 for I = 2."""
        return int(np.random.RandomState(seed).randint(0, self.input_size - self.used_size + 1))

    def subsets(self, offset: int) -> list:
        """[(start, end), ...] of every operand subset, shifted by `offset`."""
        step = self.subset_size - self.overlap_size
        return [(offset + k * step, offset + k * step + self.subset_size) for k in range(self.num_subsets)]

    def targets_float64(self, x: np.ndarray, offset: int) -> np.ndarray:
        """a ∘ b in float64 for inputs `x` [N, I] (§1.3)."""
        a, b = (x[:, start:end].sum(axis=1) for start, end in self.subsets(offset)[:2])
        return apply_op(self.op, a, b)

    def targets(self, x: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """a ∘ b for float32 inputs `x` [R, ..., I] with per-run `offsets` [R] -> [R, ...]."""
        if bool((offsets == offsets[0]).all()):
            # one offset for the whole block (always for I = 2): plain slices, no gather
            operands = [
                x[..., start] if end - start == 1 else x[..., start:end].sum(dim=-1)
                for start, end in self.subsets(int(offsets[0]))[:2]
            ]
            return apply_op(self.op, *operands)
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)
        operands = []
        for start, end in self.subsets(0)[:2]:
            index = offsets.view(shape) + torch.arange(start, end)
            operands.append(x.gather(-1, index.expand(*x.shape[:-1], end - start)).sum(dim=-1))
        return apply_op(self.op, *operands)


def evaluation_inputs(sample_range: UniformRange, input_size: int, fixed_seed: int) -> np.ndarray:
    """The original's fixed 10,000-sample set for one range, float64 (§1.5)."""
    return sample_range.sample(np.random.RandomState(fixed_seed), (EVALUATION_SAMPLES, input_size))


def run_generator(seed: int, stream: int) -> np.random.Generator:
    """One of a run's own random streams; depends on the seed alone, never on the block."""
    return np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([seed, stream])))


def init_generator(seed: int) -> torch.Generator:
    """The torch generator a run draws its initial (and iNALU re-initialised) weights from."""
    state = np.random.SeedSequence([seed, INIT_STREAM]).generate_state(1, np.uint64)[0]
    return torch.Generator().manual_seed(int(state) & 0x7FFF_FFFF_FFFF_FFFF)


class TrainingStream:
    """Fresh batches of B inputs and targets per iteration for R runs, made in chunks of iterations.

    For division, as the original (§1.3, §1.4): inputs are drawn in float64, targets computed
    in float64 from them, and both are then cast to float32. Drawing float32 directly would put
    exact zeros and 2⁻²²-coarse values near 0 into ranges such as U[-2,2), whose quotients then
    overflow or lose their heavy tail (§9 item 23). For add, sub and mul that grid changes
    nothing that matters, and float32 draws cost half as much (it counts at I = 100).

    Run r draws its uniforms from its own stream in iteration order, so its batches do not
    depend on the chunk size or on the other runs of the block. A mirrored range draws its
    side choices from a second stream of the same run (each element from either side with
    probability 1/2). Targets are computed for a whole chunk at once.

    Batches are stored I-major (memory [R, I, B], seen as [R, B, I]): the modules' sums over
    the inputs then run over whole rows of B values (see `nalm.modules.base.linear`).
    """

    #: elements drawn per chunk, across all runs
    CHUNK_ELEMENTS = 1 << 22

    def __init__(self, task: Task, ranges: list, seeds: list, offsets: torch.Tensor, batch_size: int):
        self.task, self.ranges, self.offsets = task, ranges, offsets
        self.batch_size, self.input_size = batch_size, task.input_size
        self.uniforms = [run_generator(seed, DATA_STREAM) for seed in seeds]
        self.sides = [run_generator(seed, SIDE_STREAM) if r.mirrored else None for r, seed in zip(ranges, seeds)]
        runs = len(ranges)
        self.dtype = np.float64 if task.op == "div" else np.float32
        dtype = torch.float64 if task.op == "div" else torch.float32
        self.low = torch.tensor([r.parts[0][0] for r in ranges], dtype=dtype).view(runs, 1, 1, 1)
        self.width = torch.tensor([r.width for r in ranges], dtype=dtype).view(runs, 1, 1, 1)
        self.mirrored = [i for i, r in enumerate(ranges) if r.mirrored]
        self.chunk = max(1, min(1000, self.CHUNK_ELEMENTS // (runs * batch_size * self.input_size)))
        shape = (runs, self.chunk, self.input_size, batch_size)
        self._uniform = np.empty(shape, dtype=self.dtype)
        self._drawn = torch.from_numpy(self._uniform).transpose(2, 3)  # [R, C, B, I] views, refilled in place
        self._x = self._drawn if dtype == torch.float32 else torch.empty(shape, dtype=torch.float32).transpose(2, 3)
        self._targets = None
        self._position = self.chunk

    def _refill(self) -> None:
        for run, generator in enumerate(self.uniforms):
            generator.random(out=self._uniform[run], dtype=self.dtype)
        x = self._drawn
        x.mul_(self.width).add_(self.low)
        for run in self.mirrored:
            (lo0, _), (lo1, _) = self.ranges[run].parts
            choose = self.sides[run].integers(0, 2, size=x.shape[1:])
            # u·w + lo0 becomes u·w + lo1 where side 1 is chosen: the sides have equal widths.
            x[run] += torch.from_numpy(np.where(choose == 1, 0.0, lo1 - lo0).astype(self.dtype))
        self._targets = self.task.targets(x, self.offsets).float()  # [R, C, B]
        if self._x is not x:
            self._x.copy_(x)
        self._position = 0

    def next(self):
        """The next batch: inputs [R, B, I] and targets [R, B], float32."""
        if self._position == self.chunk:
            self._refill()
        k = self._position
        self._position += 1
        return self._x[:, k], self._targets[:, k]
