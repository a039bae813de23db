"""Simple function learning, the static task: y = f(a, b) of two subset sums of a 100-d input.

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018 (arXiv 1808.00508), §4.1, Table 1,
with the data rules of the PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units`
(`src/simple_function_learning.py`):

* x ∈ ℝ^100, x_i ~ U(0, 0.5) i.i.d.; a = Σ x[0:10], b = Σ x[60:100];
  f ∈ {a + b, a − b, a·b, a/b, a², √a} (a² and √a ignore b).
* Training set: N samples (the reproduction: 50,000), all of them every step (full batch), MSE.
  a_max, b_max, y_max: their maxima over the training set.
* Interpolation test set (5,000): batches of 5,000 drawn as the training data, keeping the
  samples with a < a_max and b < b_max and y < y_max, until 5,000 are kept.
* Extrapolation test set (5,000): drawn with x_i ~ U(0, 2.5) (5 × the training bound), keeping
  the samples with a ≥ a_max or b ≥ b_max or y ≥ y_max.
* Score of a test set: 100 · RMSE_model / RMSE_random, where RMSE_random is the mean RMSE of
  20 untrained ReLU MLPs input → 2 → 1 with PyTorch's default initialisation
  (`random_baseline`): 0 is perfect, 100 as bad as a random network.
* Everything the networks see is float32; data are drawn and combined in float64 (numpy), then
  cast, as the reproduction does.

Input: setting `reproduction` feeds the networks the pair (a, b) — the reproduction's departure:
its models never see x; setting `paper` feeds the 100-d x, leaving the subset sums to the
network.

Every run (function, seed) draws its training and test data and its baseline networks from its
own stream, keyed by seed and function, so the four models of one seed and function see the
same data and baseline, as the reproduction's four models of one function do. The
reproduction trains fresh models for the interpolation and for the extrapolation column; a
table's cell is a distribution over seeds, which is the same whether the two columns come from
one run or from two, so here each run is evaluated on both test sets.

Mapping onto the engine: one iteration is one full-batch step; the reproduction's 100,000 steps
followed by its test are the metrics logged at t = 100,000.

Affine models (`affine: true` in `settings.yaml`: the linear MLP and the NACs, whose output is
A·x + c) train on *moment points* instead of the N samples: 2(d + 1) points z_j = μ ± √(d+1)·√λ_j·v_j
of the joint vector z = (input, target), where μ is its mean over the training set and
Σ = Σ_j λ_j v_j v_jᵀ its covariance (population, float64). The points have exactly the training
set's mean and covariance, and the mean squared error of an affine map depends on the data only
through them: (uᵀμ + c)² + uᵀΣu with u = (A, −1). The full-batch loss, hence every gradient and
every step, is the same function of the parameters as on the N samples (up to float32 rounding),
at a cost independent of N.
"""

from dataclasses import dataclass

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric
from nalm.networks.mlp import RunsMLP

#: stream id of a static-task run's data (with the seed and the function's index)
STATIC_STREAM = 11
#: samples per evaluation chunk; fixed so that the summation order never depends on the block
EVALUATION_CHUNK = 1000
INPUTS = ("pair", "vector")

FUNCTIONS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "square": lambda a, b: a**2,
    "sqrt": lambda a, b: np.sqrt(a),
}

METRICS = (
    Metric("train_mse"),
    Metric("interpolation_rmse"),
    Metric("extrapolation_rmse"),
    Metric("interpolation_score"),
    Metric("extrapolation_score"),
)


@dataclass(frozen=True)
class StaticConstants:
    """The reproduction's data rules (`nalm/papers/nalu/experiments.yaml`, section `static`)."""

    vector_size: int
    a: tuple
    b: tuple
    train_bound: float
    extrapolation_factor: float
    test_samples: int
    baseline_models: int
    hidden_size: int

    @classmethod
    def from_paper(cls) -> "StaticConstants":
        from nalm.papers import read_yaml

        static = read_yaml("nalu", "experiments.yaml")["static"]
        return cls(
            vector_size=static["vector_size"], a=tuple(static["a"]), b=tuple(static["b"]),
            train_bound=static["train_bound"], extrapolation_factor=static["extrapolation_factor"],
            test_samples=static["test_samples"], baseline_models=static["baseline_models"],
            hidden_size=static["hidden_size"],
        )  # fmt: skip


@dataclass(frozen=True)
class StaticRun:
    """One run of a block: its function (the run's group) and seed."""

    function: str
    seed: int

    @property
    def group(self) -> str:
        return self.function


def check_function(name: str) -> str:
    if name not in FUNCTIONS:
        raise UserError(f"unknown function {name!r}: expected one of {', '.join(FUNCTIONS)}")
    return name


def data_generator(seed: int, function: str) -> np.random.Generator:
    """A run's own data stream: depends on its seed and function only, never on the block."""
    key = list(FUNCTIONS).index(check_function(function))
    return np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([seed, STATIC_STREAM, key])))


class RunData:
    """One run's training set, test sets and random baseline (float64 draws, float32 tensors)."""

    def __init__(self, constants: StaticConstants, function: str, seed: int, train_samples: int, input_kind: str,
                 moments: bool = False):
        if input_kind not in INPUTS:
            raise UserError(f"unknown input {input_kind!r}: expected one of {', '.join(INPUTS)}")
        self.constants, self.function, self.input_kind = constants, check_function(function), input_kind
        rng = data_generator(seed, function)
        x, a, b, y = self._draw(rng, constants.train_bound, train_samples)
        self.maxima = (a.max(), b.max(), y.max())
        if moments:
            inputs, targets = moment_points(self._inputs(x, a, b), y)
            self.train_inputs = torch.from_numpy(inputs.astype(np.float32))
            self.train_targets = torch.from_numpy(targets.astype(np.float32))
        else:
            self.train_inputs, self.train_targets = self._tensors(x, a, b, y)
        self.interpolation = self._test_set(rng, constants.train_bound, inside=True)
        self.extrapolation = self._test_set(rng, constants.train_bound * constants.extrapolation_factor, inside=False)
        self.baseline_seeds = [int(s) for s in rng.integers(0, 2**62, size=constants.baseline_models)]

    def _draw(self, rng, bound: float, samples: int):
        x = rng.uniform(0.0, bound, size=(samples, self.constants.vector_size))
        (a0, a1), (b0, b1) = self.constants.a, self.constants.b
        a, b = x[:, a0:a1].sum(axis=1), x[:, b0:b1].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = FUNCTIONS[self.function](a, b)
        return x, a, b, y

    def _inputs(self, x, a, b):
        return np.stack([a, b], axis=1) if self.input_kind == "pair" else x

    def _tensors(self, x, a, b, y):
        return torch.from_numpy(self._inputs(x, a, b).astype(np.float32)), torch.from_numpy(y.astype(np.float32))

    def _test_set(self, rng, bound: float, inside: bool):
        a_max, b_max, y_max = self.maxima
        kept, count, size = [], 0, self.constants.test_samples
        while count < size:
            x, a, b, y = self._draw(rng, bound, size)
            in_range = (a < a_max) & (b < b_max) & (y < y_max)
            keep = in_range if inside else ~in_range
            kept.append((x[keep], a[keep], b[keep], y[keep]))
            count += int(keep.sum())
        x, a, b, y = (np.concatenate(parts)[:size] for parts in zip(*kept))
        return self._tensors(x, a, b, y)


def rmse(network, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-run RMSE over `inputs` [R, N, d], accumulated in float64 over fixed-size chunks."""
    runs, samples = targets.shape
    total = torch.zeros(runs, dtype=torch.float64, device=targets.device)
    for begin in range(0, samples, EVALUATION_CHUNK):
        end = min(begin + EVALUATION_CHUNK, samples)
        error = network(inputs[:, begin:end])[..., 0] - targets[:, begin:end]
        total += error.double().square().sum(dim=1)
    return (total / samples).sqrt().float()


@torch.no_grad()
def random_baseline(data: RunData) -> tuple:
    """Mean RMSE of the run's untrained ReLU MLPs on (interpolation, extrapolation)."""
    constants = data.constants
    count = constants.baseline_models
    width = data.train_inputs.shape[1]
    network = RunsMLP(width, constants.hidden_size, 1, 1, "relu", count)
    network.reset_parameters([torch.Generator().manual_seed(seed) for seed in data.baseline_seeds])
    values = []
    for inputs, targets in (data.interpolation, data.extrapolation):
        shared_inputs = inputs.unsqueeze(0).expand(count, -1, -1)
        shared_targets = targets.unsqueeze(0).expand(count, -1)
        values.append(float(rmse(network, shared_inputs, shared_targets).double().mean()))
    return tuple(values)


def moment_points(inputs: np.ndarray, targets: np.ndarray) -> tuple:
    """2(d+1) points whose inputs and targets have the mean and covariance of (`inputs`, `targets`).

    For any affine f, the mean of (f(x) − y)² over the points equals that over the samples.
    """
    z = np.concatenate([inputs, targets[:, None]], axis=1).astype(np.float64)
    mean = z.mean(axis=0)
    centred = z - mean
    covariance = centred.T @ centred / len(z)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    spread = np.sqrt(len(mean) * np.clip(eigenvalues, 0.0, None)) * eigenvectors  # column j: √(n λ_j) v_j
    points = np.concatenate([mean + spread.T, mean - spread.T])
    return points[:, :-1], points[:, -1]


class StaticBlock:
    """The static task bound to the runs of a block (`nalm.core.protocol.BlockTask`).

    `affine`: the network is affine in its input; train on the training set's moment points.
    """

    metrics = METRICS
    selection_metric = "train_mse"

    def __init__(self, runs: list, train_samples: int, input_kind: str, constants: StaticConstants | None = None,
                 affine: bool = False):
        if train_samples < 1:
            raise UserError(f"bad training set size {train_samples}: expected a positive number of samples")
        self.runs = list(runs)
        self.constants = constants or StaticConstants.from_paper()
        data = [RunData(self.constants, run.function, run.seed, train_samples, input_kind, affine) for run in self.runs]
        self.baselines = [random_baseline(d) for d in data]
        self.train_inputs = torch.stack([d.train_inputs for d in data])
        self.train_targets = torch.stack([d.train_targets for d in data])
        self.tests = {
            "interpolation": (torch.stack([d.interpolation[0] for d in data]), torch.stack([d.interpolation[1] for d in data])),
            "extrapolation": (torch.stack([d.extrapolation[0] for d in data]), torch.stack([d.extrapolation[1] for d in data])),
        }
        self.baseline_rmse = {
            name: torch.tensor([baseline[k] for baseline in self.baselines], dtype=torch.float64)
            for k, name in enumerate(("interpolation", "extrapolation"))
        }

    @property
    def input_size(self) -> int:
        return self.train_inputs.shape[-1]

    def to(self, device) -> None:
        self.train_inputs = self.train_inputs.to(device)
        self.train_targets = self.train_targets.to(device)
        self.tests = {name: (x.to(device), y.to(device)) for name, (x, y) in self.tests.items()}
        self.baseline_rmse = {name: value.to(device) for name, value in self.baseline_rmse.items()}

    def next_batch(self):
        return self.train_inputs, self.train_targets

    def loss(self, output, targets):
        return (output[..., 0] - targets).square().mean(dim=1)

    def evaluate(self, network) -> dict:
        values = {"train_mse": rmse(network, self.train_inputs, self.train_targets).double().square().float()}
        for name, (inputs, targets) in self.tests.items():
            value = rmse(network, inputs, targets)
            values[f"{name}_rmse"] = value
            values[f"{name}_score"] = (100 * value.double() / self.baseline_rmse[name]).float()
        return values

    def run_details(self, r: int) -> dict:
        interpolation, extrapolation = self.baselines[r]
        return {"baseline_interpolation_rmse": interpolation, "baseline_extrapolation_rmse": extrapolation}


NAC_INITIALISATIONS = ("measured", "intended")


def build_network(model_id: str, model: dict, input_size: int, hidden_size: int, runs: int,
                  nac_initialisation: str = "measured"):
    """A static-task model of a setting (`nalm/papers/nalu/settings.yaml`): input → hidden → 1.

    Models marked `measured_init` (the reproduction's NACs) start from initial NAC weights
    measured in the reproduction's own processes (`nalm.networks.measured_init`) unless
    `nac_initialisation` is `intended` (tanh(U)·σ(V) of Xavier-uniform U, V: what its code meant).
    """
    if nac_initialisation not in NAC_INITIALISATIONS:
        raise UserError(f"unknown NAC initialisation {nac_initialisation!r}: expected one of {', '.join(NAC_INITIALISATIONS)}")
    if model["network"] == "mlp":
        return RunsMLP(input_size, hidden_size, 1, 1, model["activation"], runs)
    from nalm import modules
    from nalm.networks.measured_init import MeasuredPool, WithMeasuredInit
    from nalm.networks.stack import Stack

    network = Stack(
        modules.build(model["module"], input_size, hidden_size, runs),
        modules.build(model["module"], hidden_size, 1, runs),
    )
    if model.get("measured_init") and nac_initialisation == "measured":
        network = WithMeasuredInit(network, MeasuredPool.load("static", model_id))
    return network
