"""The single-module arithmetic task of the Primer's benchmark (Mistry, Farrahi & Hare, "A Primer
for Neural Arithmetic Logic Modules", JMLR 2022, arXiv 2101.09530, figures 14-20;
`bmistry4/nalm-benchmark`, `stable_nalu/dataset/simple_function_static.py` and
`_simple_function_abstact.py`, driven by `experiments/single_layer_benchmark.py`).

An input x ∈ ℝ^I holds two operand subsets; a = Σ x[subset 0], b = Σ x[subset 1] and the
target is a ∘ b for ∘ ∈ {+, −, ×, ÷}. Subset size S = floor(s·I), overlap V = floor(o·S);
subset 0 is [0, S), subset 1 is [S − V, 2S − V), both shifted by a per-seed offset drawn
from the original's `RandomState(seed).randint(0, I − used + 1)` (`SimpleFunctionDataset`), so
every seed puts its operands where the original put them.

Validation (interpolation) and test (extrapolation) sets are fixed: 10,000 samples drawn with
the original's fixed numpy seeds 43953907 and 8689336 (`dataset.fork(..., seed=...)` in
`experiments/single_layer_benchmark.py`), so their inputs are bit-identical to the original's
and shared by every seed. Targets are computed in float64 and cast to float32 (torch's default
dtype, as `SimpleFunctionDatasetFork.__getitem__`).

The training stream is this project's own: every run draws its batches from its own
PCG64DXSM stream keyed by its seed (see `TrainingStream`).

`SingleModuleTask` is the task's definition (op, input size, subsets); `SingleModuleBlock` binds
it to the runs of a block (one `RunSpec` per run: range pair and seed) and is what the engine
trains against (`nalm.core.protocol.BlockTask`): MSE loss, the interpolation/extrapolation
MSE and the sparsity error as metrics, under the original's TensorBoard tags.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric
from nalm.core.random import DATA_STREAM, SIDE_STREAM, UNIFORM_BITS, run_generator, uniform_mantissas
from nalm.core.ranges import UniformRange
from nalm.tasks.distributions import UNIFORM, Distribution, draw, original_inputs
from nalm.runs.names import LAYER_OF_MODULE, format_run_name

OPS = ("add", "sub", "mul", "div", "reciprocal")
#: the training criteria (`train_criterion`): the Primer's MSE, and the division-module paper's
#: appendix losses (Mistry, Farrahi & Hare, TMLR 2022; `bmistry4/nalm-division`,
#: `experiments/single_layer.py`, `--train-criterion`)
CRITERIA = ("mse", "pcc", "mape")
#: float32 machine epsilon, the PCC loss's guard (`torch.finfo().eps` in the original)
FLOAT32_EPS = float(np.finfo(np.float32).eps)
VALIDATION_SEED = 43953907
TEST_SEED = 8689336
EVALUATION_SAMPLES = 10_000

#: subset ratio for each benchmark input size (`--subset-ratio` in
#: `lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh`; 0.5 is the default)
BENCHMARK_SUBSET_RATIO = {2: 0.5, 10: 0.1, 100: 0.01}
#: samples per evaluation chunk; fixed so that the summation order never depends on the block
EVALUATION_CHUNK = 1000
#: how the validation and test MSE are computed (`SingleModuleTask.evaluation`, `EvaluationSet.mse`):
#: `float64-chunks`, this project's: squared errors of chunks of EVALUATION_CHUNK samples summed in
#: float64 (the Primer's figures); `float32`, the original code's: `torch.nn.MSELoss`, a float32
#: mean over the whole 10,000-sample set at once (`test_model` in `experiments/single_layer.py`
#: of `bmistry4/nalm-division`), needed where a success threshold is the float32 MSE of the gold
#: weights with no headroom (the division paper's division by small numbers)
EVALUATIONS = ("float64-chunks", "float32")

TAG_INTERPOLATION = "metric/valid/interpolation"
TAG_EXTRAPOLATION = "metric/test/extrapolation"
METRICS = (
    Metric("interpolation_mse", TAG_INTERPOLATION),
    Metric("extrapolation_mse", TAG_EXTRAPOLATION),
    # the value the original export calls `sparse.error.max`; the network logs its own tags
    Metric("sparsity_error"),
)


def apply_op(op: str, a, b=None):
    """a ∘ b; `reciprocal` is 1/a (the division-module paper's division-by-small-numbers task)."""
    if op == "reciprocal":
        return 1 / a
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
class RunSpec:
    """One run of a block: its range pair (with an id, the run's group), its seed, and the
    distribution its inputs follow on those ranges (`nalm.tasks.distributions`; uniform by default)."""

    interpolation: UniformRange
    extrapolation: UniformRange
    range_id: str
    seed: int
    distribution: Distribution = UNIFORM

    @property
    def group(self) -> str:
        return self.range_id


@dataclass(frozen=True)
class SingleModuleTask:
    op: str
    input_size: int = 2
    subset_ratio: float | None = None
    overlap_ratio: float = 0.0
    num_subsets: int = 2
    #: the training loss: `mse`, `pcc` (1 − Pearson r) or `mape` (see `SingleModuleBlock.loss`)
    criterion: str = "mse"
    #: how the validation/test MSE is computed: one of EVALUATIONS
    evaluation: str = "float64-chunks"

    def __post_init__(self):
        if self.op not in OPS:
            raise UserError(f"unknown op {self.op!r}: expected one of {', '.join(OPS)}")
        if self.criterion not in CRITERIA:
            raise UserError(f"unknown train criterion {self.criterion!r}: expected one of {', '.join(CRITERIA)}")
        if self.evaluation not in EVALUATIONS:
            raise UserError(f"unknown evaluation {self.evaluation!r}: expected one of {', '.join(EVALUATIONS)}")
        if not isinstance(self.input_size, int) or self.input_size < 1:
            raise UserError(f"bad input size {self.input_size!r}: expected an integer >= 1")
        if not isinstance(self.num_subsets, int) or self.num_subsets < self.operand_count:
            raise UserError(
                f"bad number of subsets {self.num_subsets!r} for op {self.op}: expected at least {self.operand_count}"
            )
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
    def operand_count(self) -> int:
        """How many operand subsets the op reads: 1 for `reciprocal`, else 2."""
        return 1 if self.op == "reciprocal" else 2

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
        """The original's per-seed offset (`SimpleFunctionDataset`); `randint(0, 1)` is 0 for I = 2."""
        return int(np.random.RandomState(seed).randint(0, self.input_size - self.used_size + 1))

    def subsets(self, offset: int) -> list:
        """[(start, end), ...] of every operand subset, shifted by `offset`."""
        step = self.subset_size - self.overlap_size
        return [(offset + k * step, offset + k * step + self.subset_size) for k in range(self.num_subsets)]

    def targets_float64(self, x: np.ndarray, offset: int) -> np.ndarray:
        """a ∘ b in float64 for inputs `x` [N, I] (as the original's `ARITHMETIC_FUNCTIONS`)."""
        operands = [x[:, start:end].sum(axis=1) for start, end in self.subsets(offset)[: self.operand_count]]
        return apply_op(self.op, *operands)

    def targets(self, x: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """a ∘ b for float32 inputs `x` [R, ..., I] with per-run `offsets` [R] -> [R, ...]."""
        if bool((offsets == offsets[0]).all()):
            # one offset for the whole block (always for I = 2): plain slices, no gather
            operands = [
                x[..., start] if end - start == 1 else x[..., start:end].sum(dim=-1)
                for start, end in self.subsets(int(offsets[0]))[: self.operand_count]
            ]
            return apply_op(self.op, *operands)
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)
        operands = []
        for start, end in self.subsets(0)[: self.operand_count]:
            index = offsets.view(shape) + torch.arange(start, end)
            operands.append(x.gather(-1, index.expand(*x.shape[:-1], end - start)).sum(dim=-1))
        return apply_op(self.op, *operands)


def evaluation_inputs(sample_range: UniformRange, input_size: int, fixed_seed: int,
                      distribution: Distribution = UNIFORM, extrapolation: bool = False) -> np.ndarray:
    """The original's fixed 10,000-sample set for one range, float64 (`dataset.fork(seed=...)`).

    A non-uniform distribution or a halves range is drawn as the division-module paper's code
    draws it (`nalm.tasks.distributions.original_inputs`); `extrapolation` picks the truncated
    normal's test parameters.
    """
    rng, shape = np.random.RandomState(fixed_seed), (EVALUATION_SAMPLES, input_size)
    if distribution.family == "uniform" and not sample_range.halves:
        return sample_range.sample(rng, shape)
    return original_inputs(sample_range, distribution, rng, shape, extrapolation)


class TrainingStream:
    """Fresh batches of B inputs and targets per iteration for R runs, made in chunks of iterations.

    For division, as the original (`SimpleFunctionDatasetFork`): inputs are drawn in float64,
    targets computed in float64 from them, and both are then cast to float32. Drawing float32
    directly would put exact zeros and 2⁻²²-coarse values near 0 into ranges such as U[-2,2),
    whose quotients then overflow or lose their heavy tail (near-zero denominators are part of
    the benchmark). For add, sub and mul that grid changes nothing that matters, and float32
    draws cost half as much (it counts at I = 100).

    Run r draws its uniforms from its own stream in iteration order, so its batches do not
    depend on the chunk size or on the other runs of the block. A mirrored range draws its
    side choices from a second stream of the same run (each element from either side with
    probability 1/2). Targets are computed for a whole chunk at once. The uniforms are those of
    `Generator.random`, drawn as integer mantissas from the raw stream
    (`nalm.core.random.uniform_mantissas`: the same bits at about half the cost in a 225-run block).

    Batches are stored I-major (memory [R, I, B], seen as [R, B, I]): the modules' sums over
    the inputs then run over whole rows of B values (see `nalm.modules.base.linear`).
    """

    #: elements drawn per chunk, across all runs
    CHUNK_ELEMENTS = 1 << 22

    def __init__(self, task: SingleModuleTask, ranges: list, seeds: list, offsets: torch.Tensor, batch_size: int,
                 distributions: list | None = None):
        self.task, self.ranges, self.offsets = task, ranges, offsets
        self.batch_size, self.input_size = batch_size, task.input_size
        self.distributions = list(distributions or [UNIFORM] * len(ranges))
        self.uniforms = [run_generator(seed, DATA_STREAM) for seed in seeds]
        self.sides = [run_generator(seed, SIDE_STREAM) if r.mirrored else None for r, seed in zip(ranges, seeds)]
        runs = len(ranges)
        # runs whose inputs are not plain or mirrored uniforms: drawn whole by
        # `nalm.tasks.distributions.draw` (their affine map below is the identity)
        self.drawn_whole = {
            i for i, (r, d) in enumerate(zip(ranges, self.distributions)) if r.halves or d.family != "uniform"
        }
        wide = task.op in ("div", "reciprocal")
        self.dtype = np.float64 if wide else np.float32
        dtype = torch.float64 if wide else torch.float32
        self.low = torch.tensor(
            [0.0 if i in self.drawn_whole else r.parts[0][0] for i, r in enumerate(ranges)], dtype=dtype
        ).view(runs, 1, 1, 1)
        # the plain runs' buffers hold k-bit integer mantissas m (`uniform_mantissas`), whose
        # uniform is m·2⁻ᵏ: (m·2⁻ᵏ)·w and m·(w·2⁻ᵏ) are the same real number (a power-of-two
        # scale is exact), so folding the scale into the width rounds exactly as drawing floats did
        scale = 2.0 ** -UNIFORM_BITS[np.dtype(self.dtype)]
        self.width = torch.tensor(
            [1.0 if i in self.drawn_whole else r.width for i, r in enumerate(ranges)], dtype=dtype
        ).view(runs, 1, 1, 1)
        plain = torch.tensor([i not in self.drawn_whole for i in range(runs)]).view(runs, 1, 1, 1)
        self.width = torch.where(plain, self.width * scale, self.width)
        self.mirrored = [i for i, r in enumerate(ranges) if r.mirrored and i not in self.drawn_whole]
        self.chunk = max(1, min(1000, self.CHUNK_ELEMENTS // (runs * batch_size * self.input_size)))
        shape = (runs, self.chunk, self.input_size, batch_size)
        self._uniform = np.empty(shape, dtype=self.dtype)
        self._drawn = torch.from_numpy(self._uniform).transpose(2, 3)  # [R, C, B, I] views, refilled in place
        self._x = self._drawn if dtype == torch.float32 else torch.empty(shape, dtype=torch.float32).transpose(2, 3)
        self._targets = None
        self._position = self.chunk

    def _refill(self) -> None:
        for run, generator in enumerate(self.uniforms):
            if run in self.drawn_whole:
                shape = (self.chunk, self.batch_size, self.input_size)
                values = draw(self.ranges[run], self.distributions[run], generator, self.sides[run], shape)
                self._uniform[run] = values.transpose(0, 2, 1)  # the buffer is I-major
            else:
                uniform_mantissas(generator, self._uniform[run])
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


class EvaluationSet:
    """The fixed validation or test inputs of every distinct range of the block, with per-run targets."""

    def __init__(self, task: SingleModuleTask, ranges: list, offsets: list, fixed_seed: int,
                 distributions: list | None = None, extrapolation: bool = False):
        distributions = list(distributions or [UNIFORM] * len(ranges))
        # a set is keyed by its range and distribution (a uniform range keeps its plain text key)
        keys = [r.text if d.family == "uniform" else f"{r.text} {d.text}" for r, d in zip(ranges, distributions)]
        distinct = sorted({key: (r, d) for key, r, d in zip(keys, ranges, distributions)}.items())
        index = {key: k for k, (key, _) in enumerate(distinct)}
        inputs = [evaluation_inputs(r, task.input_size, fixed_seed, d, extrapolation) for _, (r, d) in distinct]
        # [K, N, I] stored I-major, like the training batches
        self.inputs = torch.from_numpy(np.stack(inputs).astype(np.float32).transpose(0, 2, 1).copy()).transpose(1, 2)
        self.range_index = torch.tensor([index[key] for key in keys])
        self.shared = len(distinct) == 1
        targets = [task.targets_float64(inputs[index[key]], offset) for key, offset in zip(keys, offsets)]
        self.targets = torch.from_numpy(np.stack(targets).astype(np.float32))  # [R, N]
        self.evaluation = task.evaluation

    def to(self, device) -> None:
        self.inputs = self.inputs.transpose(1, 2).to(device).transpose(1, 2)
        self.targets = self.targets.to(device)
        self.range_index = self.range_index.to(device)

    def _inputs(self, begin: int, end: int) -> torch.Tensor:
        """Samples begin..end of every run's set, [R, n, I]."""
        if self.shared:
            # an explicit [R, n, I] view: a [1, n, I] batch would let matmul fold the runs
            # into one gemm whose rounding depends on R
            return self.inputs[:, begin:end].expand(self.targets.shape[0], -1, -1)
        return self.inputs[self.range_index, begin:end]

    @torch.no_grad()
    def mse(self, module) -> torch.Tensor:
        """Per-run MSE over the whole set [R], as `evaluation` says (EVALUATIONS)."""
        runs, samples = self.targets.shape
        if self.evaluation == "float32":
            # the original's MSELoss: one float32 mean per run over the whole set (each row is
            # reduced alone, in the order a 1-D tensor of the same values would be)
            return (module(self._inputs(0, samples))[..., 0] - self.targets).square().mean(dim=1)
        total = torch.zeros(runs, dtype=torch.float64, device=self.targets.device)
        for begin in range(0, samples, EVALUATION_CHUNK):
            end = min(begin + EVALUATION_CHUNK, samples)
            error = module(self._inputs(begin, end))[..., 0] - self.targets[:, begin:end]
            total += error.double().square().sum(dim=1)
        return (total / samples).float()


class SingleModuleBlock:
    """The single-module task bound to the runs of a block (`nalm.core.protocol.BlockTask`)."""

    metrics = METRICS
    selection_metric = "interpolation_mse"

    def __init__(self, task: SingleModuleTask, runs: list, batch_size: int):
        self.task, self.runs = task, list(runs)
        seeds = [run.seed for run in self.runs]
        self.offsets_list = [task.operand_offset(seed) for seed in seeds]
        offsets = torch.tensor(self.offsets_list)
        distributions = [run.distribution for run in self.runs]
        self.stream = TrainingStream(task, [r.interpolation for r in self.runs], seeds, offsets, batch_size, distributions)
        self.validation = EvaluationSet(
            task, [r.interpolation for r in self.runs], self.offsets_list, VALIDATION_SEED, distributions
        )
        self.test = EvaluationSet(
            task, [r.extrapolation for r in self.runs], self.offsets_list, TEST_SEED, distributions, extrapolation=True
        )

    def to(self, device) -> None:
        self.validation.to(device)
        self.test.to(device)

    def next_batch(self):
        return self.stream.next()

    def loss(self, output, targets):
        """The per-run training criterion of the module's single output over the batch [R, B].

        `mse`: mean((ŷ − y)²). `pcc`: 1 − r with population statistics and the original's
        ε guards, r = Σ(v_ŷ/(s_ŷ + ε)·v_y/(s_y + ε))/n, v = value − mean, s = √max(Σv²/n, ε).
        `mape`: mean(|(y − ŷ)/y|). (`experiments/single_layer.py` of `bmistry4/nalm-division`.)
        """
        prediction = output[..., 0]
        criterion = self.task.criterion
        if criterion == "mse":
            return (prediction - targets).square().mean(dim=1)
        if criterion == "mape":
            return ((targets - prediction) / targets).abs().mean(dim=1)
        n = targets.shape[1]
        vx = prediction - prediction.mean(dim=1, keepdim=True)
        vy = targets - targets.mean(dim=1, keepdim=True)
        sx = torch.sqrt((vx.square().sum(dim=1, keepdim=True) / n).clamp(min=FLOAT32_EPS))
        sy = torch.sqrt((vy.square().sum(dim=1, keepdim=True) / n).clamp(min=FLOAT32_EPS))
        r = ((vx / (sx + FLOAT32_EPS)) * (vy / (sy + FLOAT32_EPS))).sum(dim=1) / n
        return 1 - r

    def evaluate(self, network) -> dict:
        return {
            "interpolation_mse": self.validation.mse(network),
            "extrapolation_mse": self.test.mse(network),
            "sparsity_error": network.sparsity_error(),
        }

    def run_details(self, r: int) -> dict:
        return {"operand_offset": self.offsets_list[r]}


def build_module(hyper, task: SingleModuleTask, runs: int):
    """The preset's arithmetic module with one output and `runs` runs (not yet initialised)."""
    from nalm import modules

    return modules.build(hyper.module, task.input_size, 1, runs, **hyper.module_options)


def _integral(value):
    """`10.0` → `10`: the original's int defaults print without a decimal point (the
    original's run-name f-string renders them with `str()`)."""
    return int(value) if float(value).is_integer() else value


def original_run_name(hyper, task: SingleModuleTask, spec: RunSpec) -> str:
    """The long name `experiments/single_layer_benchmark.py` would give this run (or, for the
    division-module paper's presets, `original.name_format: division`, the name its
    `experiments/single_layer.py` would give: `nalm.runs.division_names`)."""
    original = hyper.original
    if original.get("name_format") == "division":
        from nalm.runs.division_names import division_run_name

        return division_run_name(hyper, task, spec)
    fields = dict(
        op=task.op,
        regualizer_shape=original.get("regualizer_shape", "linear"),
        mnac_epsilon=hyper.module_options.get("epsilon", 0),
        regualizer_scaling_start=hyper.regularizer_ramp[0],
        regualizer_scaling_end=hyper.regularizer_ramp[1],
        regualizer=hyper.regularizer,
        interpolation_range=spec.interpolation,
        extrapolation_range=spec.extrapolation,
        input_size=task.input_size,
        subset_ratio=task.subset_ratio,
        overlap_ratio=float(task.overlap_ratio),
        batch_size=hyper.batch_size,
        seed=spec.seed,
        learning_rate=hyper.learning_rate,
        regualizer_l1=hyper.l1,
        regualizer_beta_start=hyper.beta[0],
        regualizer_beta_end=hyper.beta[1],
        regualizer_beta_step=hyper.beta_step,
        regualizer_beta_growth=_integral(hyper.beta_growth),
        # 0 is the original's int default; a value given on its command line is a float
        regualizer_npu_w=hyper.regularizer_npu_w or 0,
        regualizer_gate=hyper.regularizer_gate or 0,
        reg_scale_type=hyper.reg_scale_type,
        clip_grad_norm=hyper.clip_grad_norm,
        clip_grad_value=hyper.clip_grad_value,
        reinit=hyper.reinit is not None,
    )
    if "id" in original:
        fields["id"] = original["id"]
    if hyper.reinit is not None:
        fields["reinit_epoch_interval"] = hyper.reinit["interval"]
        fields["reinit_max_stored_losses"] = hyper.reinit["max_stored_losses"]
    if hyper.module in LAYER_OF_MODULE:
        return format_run_name(module=hyper.module, **fields)
    # modules the benchmark's script does not know: field 1 is the layer type, lower-cased
    return format_run_name(layer=str(original.get("layer_type", hyper.module)).lower(), **fields)


def run_config(hyper, task: SingleModuleTask, log, iterations: int, log_interval: int) -> dict:
    """The run.json of a single-module run (docs/run-format.md)."""
    spec = log.run
    return {
        "module": hyper.module,
        "preset": hyper.preset,
        "op": task.op,
        "input_size": task.input_size,
        "subset_ratio": task.subset_ratio,
        "overlap_ratio": task.overlap_ratio,
        "interpolation_range": spec.interpolation.text,
        "extrapolation_range": spec.extrapolation.text,
        "range_id": spec.range_id,
        "seed": spec.seed,
        "iterations": iterations,
        "log_interval": log_interval,
        "batch_size": hyper.batch_size,
        "operand_offset": log.details["operand_offset"],
        "reinitialisations": log.reinits,
        "hyperparameters": hyper.as_dict(),
        "original_run_name": original_run_name(hyper, task, spec),
        # the division-module paper's task options, written only where they differ from the Primer's
        **({"num_subsets": task.num_subsets} if task.num_subsets != 2 else {}),
        **({"train_criterion": task.criterion} if task.criterion != "mse" else {}),
        **({"evaluation": task.evaluation} if task.evaluation != "float64-chunks" else {}),
        **({"distribution": spec.distribution.text} if spec.distribution.family != "uniform" else {}),
    }


def make_block(hyper, task: SingleModuleTask, runs: list, iterations: int, log_interval: int = 1000,
               device: str = "cpu"):
    """An engine block that trains the preset's module on this task for `runs` (`RunSpec`s)."""
    from nalm.core.engine import Block

    bound = SingleModuleBlock(task, runs, hyper.batch_size)
    return Block(hyper, bound, build_module(hyper, task, len(bound.runs)), iterations, log_interval, device)
