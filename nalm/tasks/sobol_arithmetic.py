"""The NPU paper's large-scale arithmetic task: 100 Sobol inputs, two subset sums, one output.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681), §4.3; code
`nmheim/NeuralPowerUnits`, `src/arithmetic_dataset.jl` and `scripts/arithmetic/*_l1_runs.jl`,
`revalidate.jl`.

    a = Σ_{i<S} x_i,   b = Σ_{S-V ≤ i < 2S-V} x_i,   S = round(I·s), V = round(S·o)   (half to even)
    add: a + b    mult: a·b    div: 1/a    sqrt: √a

With I = 100, s = 0.5, o = 0.25: a = Σ x[0:50], b = Σ x[38:88] (V = round(12.5) = 12).

Inputs are the points of a Sobol sequence in [0, 1)^I scaled to a range, x = u·(hi - lo) + lo in
float64, then cast to float32, as `arithmetic_dataset.jl` does with `Sobol.jl`'s `SobolSeq`.
`Sobol.jl` (v1.4, Joe & Kuo's new-joe-kuo-6.21201 direction numbers, Gray-code order) skips
the all-zero point: its k-th point is point k of `scipy.stats.qmc.Sobol(d, scramble=False)`
(tests/unit/tasks/test_sobol_arithmetic.py checks 5,000 points of 100 dimensions bit for
bit against an emulation of `next!`). Hence every set here is bit-identical to the
original's inputs:

* training: one sequence, batches of 128 consecutive points from point 1 on. Every run (and
  every model) of a task sees the same batches, as in the original (the runs differ by their
  initial weights only).
* validation (`test_generate(1000)` of the training scripts, logged only): points 1..1000
  scaled to the task's `validation` range.
* test (`revalidate.jl`, what the published tables report): 10,000 points after discarding
  one more (points 2..10001), scaled as u·(lo - hi) + hi.

Targets are computed in float64 from the float32 inputs and cast (Julia sums Float32s, which
can differ in the last bit). Metrics: `train_mse` (the MSE of the batch about to be trained
on: the original logs the training batch's MSE), `validation_mse`, `test_mse`; the loss is
Flux.mse. Evaluation runs in chunks of 1024 points, so sums never depend on the block.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric

OPS = ("add", "mult", "div", "sqrt")
TEST_SAMPLES = 10_000
VALIDATION_SAMPLES = 1_000
EVALUATION_CHUNK = 1024
#: batches drawn from the Sobol sequence per refill
CHUNK = 200

METRICS = (Metric("train_mse"), Metric("validation_mse"), Metric("test_mse"))


def round_half_even(value: float) -> int:
    """Julia's `round(Int, x)` (Python's `round` also rounds half to even)."""
    return int(round(value))


def sobol_points(dimension: int, count: int, skip: int) -> np.ndarray:
    """Points skip .. skip+count-1 of the unscrambled Sobol sequence (point 0 is all zeros), float64."""
    from scipy.stats import qmc

    sequence = qmc.Sobol(d=dimension, scramble=False)
    if skip:
        sequence.fast_forward(skip)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "balance properties ... n a power of 2": a sequence is wanted here
        return sequence.random(count)


class SobolStream:
    """Consecutive points of one unscrambled Sobol sequence, from point 1 on (`Sobol.jl`'s order)."""

    def __init__(self, dimension: int):
        from scipy.stats import qmc

        self.sequence = qmc.Sobol(d=dimension, scramble=False)
        self.sequence.fast_forward(1)

    def next(self, count: int) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.sequence.random(count)


def scale(u: np.ndarray, low: float, high: float) -> np.ndarray:
    """u·(high - low) + low in float64, then float32 (`arithmetic_dataset.jl`)."""
    return (u * (high - low) + low).astype(np.float32)


@dataclass(frozen=True)
class SobolArithmeticTask:
    """One op of the 100-input task with its training range."""

    op: str
    train_range: tuple
    input_size: int = 100
    subset: float = 0.5
    overlap: float = 0.25
    batch_size: int = 128

    def __post_init__(self):
        if self.op not in OPS:
            raise UserError(f"unknown op {self.op!r}: expected one of {', '.join(OPS)}")
        low, high = self.train_range
        if not low < high:
            raise UserError(f"bad training range {[low, high]}: expected [low, high] with low < high")
        if 2 * self.subset_size - self.overlap_size > self.input_size or self.subset_size < 1:
            raise UserError(f"subset {self.subset} and overlap {self.overlap} do not fit {self.input_size} inputs")
        if self.batch_size < 1:
            raise UserError(f"bad batch size {self.batch_size!r}: expected a positive integer")

    @property
    def subset_size(self) -> int:
        return round_half_even(self.input_size * self.subset)

    @property
    def overlap_size(self) -> int:
        return round_half_even(self.subset_size * self.overlap)

    def subsets(self) -> tuple:
        """(start, end) of a and of b, 0-based, end exclusive (`ranges` in arithmetic_dataset.jl)."""
        size, overlap = self.subset_size, self.overlap_size
        return (0, size), (size - overlap, 2 * size - overlap)

    def targets(self, x: np.ndarray) -> np.ndarray:
        """Targets in float64 for inputs [..., I]."""
        (a0, a1), (b0, b1) = self.subsets()
        values = x.astype(np.float64)
        a, b = values[..., a0:a1].sum(axis=-1), values[..., b0:b1].sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.op == "add":
                return a + b
            if self.op == "mult":
                return a * b
            if self.op == "div":
                return 1.0 / a
            return np.sqrt(a)


@dataclass(frozen=True)
class Run:
    """One run of a block: its seed and its group (the model label: its directory)."""

    seed: int
    group: str


class EvaluationSet:
    """Fixed inputs shared by every run, with their float32 targets."""

    def __init__(self, task: SobolArithmeticTask, inputs: np.ndarray):
        self.inputs = torch.from_numpy(inputs)
        self.targets = torch.from_numpy(task.targets(inputs).astype(np.float32))

    def to(self, device) -> None:
        self.inputs, self.targets = self.inputs.to(device), self.targets.to(device)

    @torch.no_grad()
    def mse(self, network, runs: int) -> torch.Tensor:
        total = torch.zeros(runs, dtype=torch.float64, device=self.targets.device)
        samples = self.targets.shape[0]
        for begin in range(0, samples, EVALUATION_CHUNK):
            end = min(begin + EVALUATION_CHUNK, samples)
            # an explicit [R, n, I] view: matmul cannot fold the runs into one gemm
            x = self.inputs[begin:end].unsqueeze(0).expand(runs, -1, -1)
            error = network(x)[..., 0] - self.targets[begin:end]
            total += error.double().square().sum(dim=1)
        return total / samples


class SobolArithmeticBlock:
    """The task bound to the runs of a block (`nalm.core.protocol.BlockTask`)."""

    metrics = METRICS
    selection_metric = "train_mse"

    def __init__(self, task: SobolArithmeticTask, runs: list, validation_range: tuple, test_range: tuple):
        self.task, self.runs = task, list(runs)
        dimension = task.input_size
        self.stream = SobolStream(dimension)
        self.validation = EvaluationSet(task, scale(sobol_points(dimension, VALIDATION_SAMPLES, 1), *validation_range))
        low, high = test_range
        # revalidate.jl: x .* (xs - xe) .+ xe with xs, xe the range's ends: u·(lo - hi) + hi
        self.test = EvaluationSet(task, scale(sobol_points(dimension, TEST_SAMPLES, 2), high, low))
        self._inputs = self._targets = None
        self._position = CHUNK
        self._peeked = None

    def to(self, device) -> None:
        self.validation.to(device)
        self.test.to(device)

    def _refill(self) -> None:
        B, I = self.task.batch_size, self.task.input_size
        inputs = scale(self.stream.next(CHUNK * B), *self.task.train_range).reshape(CHUNK, B, I)
        self._inputs = torch.from_numpy(inputs)
        self._targets = torch.from_numpy(self.task.targets(inputs).astype(np.float32))  # [C, B]
        self._position = 0

    def _draw(self):
        if self._position == CHUNK:
            self._refill()
        k = self._position
        self._position += 1
        runs = len(self.runs)
        # the batch every run trains on, as explicit [R, ...] views
        return (self._inputs[k].unsqueeze(0).expand(runs, -1, -1),
                self._targets[k].unsqueeze(0).expand(runs, -1))

    def next_batch(self):
        """The next batch: inputs [R, B, I] and targets [R, B] (the same for every run)."""
        if self._peeked is not None:
            batch, self._peeked = self._peeked, None
            return batch
        return self._draw()

    def loss(self, output, targets):
        """Flux.mse of the single output over the batch, per run."""
        return (output[..., 0] - targets).square().mean(dim=1)

    @torch.no_grad()
    def evaluate(self, network) -> dict:
        runs = len(self.runs)
        if self._peeked is None:
            self._peeked = self._draw()
        x, targets = self._peeked
        train = (network(x)[..., 0] - targets).double().square().mean(dim=1)
        # float64: a diverging model's MSE (1e83 for the NALU on mult) overflows float32; the
        # engine's logs are float32, the final metrics (`nalm npu-train`) keep these
        return {
            "train_mse": train,
            "validation_mse": self.validation.mse(network, runs),
            "test_mse": self.test.mse(network, runs),
        }


def active_parameters(network, threshold: float) -> torch.Tensor:
    """Per run, the number of parameters with |p| > threshold (`pareto.jl`: every parameter of
    `Flux.destructure(model)`, raw values)."""
    runs = network.runs
    return sum((p.detach().abs().reshape(runs, -1) > threshold).sum(dim=1) for p in network.parameters())
