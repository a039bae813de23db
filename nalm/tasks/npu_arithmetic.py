"""Two inputs, four outputs: f(x, y) = (x + y, x·y, x/y, √·), the NPU paper's small tasks.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681): the README example
of `nmheim/NeuralArithmetic.jl` (`examples/npu.jl`: x ~ U(-2, 2), y ~ U(0.01, 2), √ of the
second input) and the layer comparison of §4.2 (`nmheim/NeuralPowerUnits`, `scripts/simple/`:
x, y ~ U(0.1, 2.1), √ of the first input).

    t = (x + y, x·y, x/y, √x or √y),   L = MSE(model(x, y), t)  (mean over the 4 outputs and the batch)

Every run draws a fresh batch per iteration from its own stream (`nalm.core.random`), in
float64, cast to float32 (Julia draws Float32 uniforms, or Float64 cast to Float32); targets
are computed in float64 from the float32 inputs and cast. The evaluation is the originals':
the mean absolute error of each output over Julia Float32 ranges (`scripts/simple/run.jl`'s
`result_dict`): `*_val` on x, y ∈ -4.1:0.2:4 (√ on 0.1:0.1:4), `*_trn` on 0.1:0.1:2, and
`val` = add_val + mult_val + div_val + sqrt_val, the original's criterion for the best run.
`train_mse` is the MSE on 10,000 fixed draws from the training distribution (the original
reports the MSE of one fresh batch).
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric
from nalm.core.random import DATA_STREAM, run_generator

OUTPUTS = ("add", "mult", "div", "sqrt")
#: grids of the evaluation (`result_dict`), as (start, step, stop) of Julia's Float32 ranges
VAL_GRID = (-4.1, 0.2, 4.0)
SQRT_VAL_GRID = (0.1, 0.1, 4.0)
TRAIN_GRID = (0.1, 0.1, 2.0)
#: the fixed sample of the training distribution that `train_mse` is measured on
TRAIN_SAMPLE_SEED, TRAIN_SAMPLES = 20200601, 10_000
#: batches drawn per refill of the training stream
CHUNK = 500

METRICS = (
    Metric("train_mse"),
    *(Metric(f"{output}_val") for output in OUTPUTS),
    Metric("val"),
    *(Metric(f"{output}_trn") for output in OUTPUTS),
)


def julia_range(start: float, step: float, stop: float) -> np.ndarray:
    """The elements of Julia's Float32 range `start:step:stop`.

    Julia recognises decimal endpoints and computes element k as the exact decimal
    start + k·step rounded once: -4.1f0:0.2f0:4f0 is -4.1, -3.9, …, 3.9 (41 values, never 0).
    """
    first, increment, last = (Fraction(str(value)) for value in (start, step, stop))
    if increment <= 0 or last < first:
        raise UserError(f"bad range {start}:{step}:{stop}: expected a positive step and stop >= start")
    count = int((last - first) // increment) + 1
    return np.array([float(first + k * increment) for k in range(count)], dtype=np.float32)


def grid_points(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """All (x, y) pairs, x varying fastest (Julia's `Iterators.product(x, y)`): `[len(xs)·len(ys), 2]`."""
    x, y = np.meshgrid(xs, ys)  # [ny, nx]: row j holds y_j
    return np.stack([x.ravel(), y.ravel()], axis=1)


@dataclass(frozen=True)
class PowerTask:
    """f(x, y) = (x+y, x·y, x/y, √(input `sqrt_input`)) with x ~ U(x_range), y ~ U(y_range)."""

    x_range: tuple
    y_range: tuple
    sqrt_input: int = 0
    batch_size: int = 100

    def __post_init__(self):
        for name in ("x_range", "y_range"):
            low, high = getattr(self, name)
            if not low < high:
                raise UserError(f"bad {name} {[low, high]}: expected [low, high] with low < high")
        if self.sqrt_input not in (0, 1):
            raise UserError(f"bad sqrt_input {self.sqrt_input!r}: expected 0 (x) or 1 (y)")
        if self.batch_size < 1:
            raise UserError(f"bad batch size {self.batch_size!r}: expected a positive integer")

    def targets(self, inputs: np.ndarray) -> np.ndarray:
        """[..., 2] inputs (any float dtype) -> [..., 4] targets in float64."""
        x, y = inputs[..., 0].astype(np.float64), inputs[..., 1].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.sqrt(inputs[..., self.sqrt_input].astype(np.float64))
            return np.stack([x + y, x * y, x / y, root], axis=-1)

    def sample(self, generator: np.random.Generator, shape: tuple) -> np.ndarray:
        """float32 inputs [*shape, 2]: uniforms drawn in float64, scaled, then cast."""
        u = generator.random((*shape, 2))
        low = np.array([self.x_range[0], self.y_range[0]], dtype=np.float64)
        width = np.array([self.x_range[1] - self.x_range[0], self.y_range[1] - self.y_range[0]])
        return (u * width + low).astype(np.float32)


@dataclass(frozen=True)
class Run:
    """One run of a block: its seed and its group (the model label: its directory)."""

    seed: int
    group: str


class PowerTaskBlock:
    """The task bound to the runs of a block (`nalm.core.protocol.BlockTask`)."""

    metrics = METRICS
    selection_metric = "train_mse"

    def __init__(self, task: PowerTask, runs: list):
        self.task, self.runs = task, list(runs)
        self.streams = [run_generator(run.seed, DATA_STREAM) for run in self.runs]
        self._inputs = self._targets = None
        self._position = CHUNK
        sample = task.sample(np.random.default_rng(TRAIN_SAMPLE_SEED), (TRAIN_SAMPLES,))
        self.train_sample = self._tensors(sample)
        val, root, train = (julia_range(*grid) for grid in (VAL_GRID, SQRT_VAL_GRID, TRAIN_GRID))
        self.grids = {
            "val": self._tensors(grid_points(val, val)),
            "sqrt_val": self._tensors(grid_points(root, root)),
            "trn": self._tensors(grid_points(train, train)),
        }

    def _tensors(self, inputs: np.ndarray) -> tuple:
        return torch.from_numpy(inputs), torch.from_numpy(self.task.targets(inputs).astype(np.float32))

    def to(self, device) -> None:
        self.train_sample = tuple(t.to(device) for t in self.train_sample)
        self.grids = {name: tuple(t.to(device) for t in pair) for name, pair in self.grids.items()}

    def _refill(self) -> None:
        inputs = np.stack([self.task.sample(stream, (CHUNK, self.task.batch_size)) for stream in self.streams])
        self._inputs = torch.from_numpy(inputs)  # [R, C, B, 2]
        self._targets = torch.from_numpy(self.task.targets(inputs).astype(np.float32))  # [R, C, B, 4]
        self._position = 0

    def next_batch(self):
        """Inputs [R, B, 2] and targets [R, B, 4] of the next iteration."""
        if self._position == CHUNK:
            self._refill()
        k = self._position
        self._position += 1
        return self._inputs[:, k], self._targets[:, k]

    def loss(self, output, targets):
        """Flux.mse: the mean over the batch and the four outputs, per run."""
        return (output - targets).square().mean(dim=(1, 2))

    def _outputs(self, network, inputs):
        runs = len(self.runs)
        # an explicit [R, N, 2] view: the same kernels for every run whatever R
        return network(inputs.unsqueeze(0).expand(runs, -1, -1))

    @torch.no_grad()
    def evaluate(self, network) -> dict:
        inputs, targets = self.train_sample
        metrics = {"train_mse": (self._outputs(network, inputs) - targets).double().square().mean(dim=(1, 2))}
        for suffix, grid in (("val", "val"), ("trn", "trn")):
            inputs, targets = self.grids[grid]
            error = (self._outputs(network, inputs) - targets).double().abs().mean(dim=1)  # [R, 4]
            for k, output in enumerate(OUTPUTS):
                metrics[f"{output}_{suffix}"] = error[:, k]
        inputs, targets = self.grids["sqrt_val"]
        metrics["sqrt_val"] = (self._outputs(network, inputs)[..., 3] - targets[:, 3]).double().abs().mean(dim=1)
        metrics["val"] = sum(metrics[f"{output}_val"] for output in OUTPUTS)
        return metrics  # float64; the engine logs them as float32


@torch.no_grad()
def absolute_errors(network, task: PowerTask, output: str, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """|t̂ - t| of one output over the grid xs × ys for every run of `network`: `[R, len(ys), len(xs)]`.

    Row j, column i is (x_i, y_j), as Plots.jl's `contour(x, y, f)` lays out f(x_i, y_j).
    """
    points = grid_points(xs, ys)
    k = OUTPUTS.index(output)
    runs = network.runs
    predicted = network(torch.from_numpy(points).unsqueeze(0).expand(runs, -1, -1))[..., k].double().numpy()
    target = task.targets(points)[:, k]
    return np.abs(predicted - target).reshape(runs, len(ys), len(xs))
