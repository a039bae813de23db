"""The protocol every arithmetic module follows, vectorised over independent runs.

A module holds R independent runs of one layer: every parameter carries a leading *runs*
dimension, so that one forward/backward/optimiser step trains all R runs at once while
no run ever reads another run's numbers (block independence, see `nalm/engine.py`).

Shapes: inputs `x` are `[R, B, I]` (or `[1, B, I]`, broadcast to every run), outputs
`[R, B, O]`; regularisers, sparsity errors and logged values are `[R]`.

The protocol:

* `reset_parameters(generators, runs=None)`: (re)initialise the runs listed in `runs`
  (all when None); run `runs[k]` draws from `generators[k]` only, so its initial weights
  do not depend on which block it is trained in.
* `forward(x, log=None)`: the layer. When `log` is a dict, the module adds the values the
  original logs during the training forward pass at log steps (sparsity errors, gate
  means), keyed by the original TensorBoard tag.
* `regularizers()`: raw regulariser terms by name, each `[R]`; the engine weights them with
  the preset's schedules (`W`: sparsity regulariser under λ·s(t); `inalu`: iNALU's
  saturation term; `gate`, `W_npu`: NPU-style terms under λ·(β or s)). The L1 term
  over every parameter is the engine's, not the module's.
* `project_()`: the in-place clamp after every optimiser step (NAU, NMU, ...).
* `sparsity_error()`: the value the original export calls `sparse.error.max` (`bmistry4/nalm-benchmark`,
  `stable_nalu/reader/tensorboard_metric_reader.py`, read by `export/simple_function_static.py`).
"""

import math

import torch
from torch import nn

#: The original's TensorBoard namespace of the single layer (`bmistry4/nalm-benchmark`,
#: `stable_nalu/network/single_layer.py`; tensorboardX drops the leading `/`).
LAYER_SCOPE = "network/layer_1"


def sparsity_error(weights: torch.Tensor) -> torch.Tensor:
    """SE(T) = max over elements of min(|T|, |1 - |T||), per run: `[R, ...] -> [R]`.

    As `stable_nalu/functional/sparsity_error.py` (`AndreasMadsen/stable-nalu`, kept in
    `bmistry4/nalm-benchmark`).
    """
    magnitude = weights.abs()
    distance = torch.minimum(magnitude, (1 - magnitude).abs())
    return distance.reshape(weights.shape[0], -1).amax(dim=1)


def nau_sparsity_regularizer(weights: torch.Tensor) -> torch.Tensor:
    """mean(min(|T|, |1 - |T||)) per run: the NAU-style sparsity term, minima at -1, 0 and 1."""
    magnitude = weights.abs()
    return torch.minimum(magnitude, (1 - magnitude).abs()).reshape(weights.shape[0], -1).mean(dim=1)


def nmu_sparsity_regularizer(weights: torch.Tensor) -> torch.Tensor:
    """mean(min(|T|, |1 - T|)) per run: the NMU-style sparsity term, minima at 0 and 1."""
    return torch.minimum(weights.abs(), (1 - weights).abs()).reshape(weights.shape[0], -1).mean(dim=1)


def negative_phase(x: torch.Tensor) -> torch.Tensor:
    """π where x < 0, else 0, as the NPU computes it: max(-sign(x), 0)·π, so x = 0 gives 0."""
    return torch.clamp(-torch.sign(x), min=0.0) * math.pi


def linear(x: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """x [R|1, B, I] · W [R, I, O] -> [R, B, O], for the tiny matrices of these tasks.

    With O = 1 it is an element-wise product summed over I: several times faster than a
    batched matmul of 128×I by I×1 matrices, and fastest when x is stored I-major, as the
    engine stores its batches (`nalm.tasks.single_module.TrainingStream`).
    """
    if W.shape[-1] == 1:
        return (x * W.transpose(1, 2)).sum(dim=-1, keepdim=True)
    return torch.matmul(x, W)


#: elements per padded evaluation; a multiple of every SIMD loop step of torch's CPU kernels
_LANES = 64


def _padded(function, x: torch.Tensor) -> torch.Tensor:
    """`function(x)` computed on a copy padded to a multiple of `_LANES` elements."""
    flat = x.reshape(-1)
    padding = -flat.numel() % _LANES
    if padding:
        flat = torch.cat([flat, flat.new_zeros(padding)])
    return function(flat)[: x.numel()].view(x.shape)


class _ExactUnary(torch.autograd.Function):
    """A transcendental function of a parameter-sized tensor whose bits do not depend on R.

    torch's element-wise CPU kernels run whole SIMD vectors and finish a tensor's last few
    elements with scalar code, whose transcendental functions round differently. On `[R, ...]`
    parameter tensors of a few elements per run, which run falls in that tail depends on R, so
    a run's numbers would depend on its block. The forward pass is evaluated on a padded copy
    (every element in the vector path); the backward pass is the derivative written in terms
    of the output with single arithmetic operations, which round the same on either path.
    """

    FUNCTIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "exp": torch.exp}

    @staticmethod
    def forward(ctx, name, x):
        y = _padded(_ExactUnary.FUNCTIONS[name], x)
        ctx.name = name
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        if ctx.name == "tanh":
            derivative = 1 - y * y
        elif ctx.name == "sigmoid":
            derivative = y * (1 - y)
        else:
            derivative = y
        return None, grad * derivative


def exact_tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh for parameter-sized tensors, bit-identical whatever the number of runs."""
    return _ExactUnary.apply("tanh", x)


def exact_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """σ for parameter-sized tensors, bit-identical whatever the number of runs."""
    return _ExactUnary.apply("sigmoid", x)


def exact_exp(x: torch.Tensor) -> torch.Tensor:
    """exp for parameter-sized tensors, bit-identical whatever the number of runs."""
    return _ExactUnary.apply("exp", x)


def uniform_(parameter: torch.Tensor, runs, generators, low: float, high: float) -> None:
    """Fill `parameter[run]` from U(low, high) with that run's own generator."""
    for run, generator in zip(runs, generators):
        sample = torch.rand(parameter.shape[1:], generator=generator, dtype=parameter.dtype)
        parameter[run] = low + (high - low) * sample


def normal_(parameter: torch.Tensor, runs, generators, mean: float, std: float) -> None:
    """Fill `parameter[run]` from N(mean, std²) with that run's own generator."""
    for run, generator in zip(runs, generators):
        sample = torch.randn(parameter.shape[1:], generator=generator, dtype=parameter.dtype)
        parameter[run] = mean + std * sample


def xavier_uniform_bound(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Glorot/Xavier uniform bound gain·√(6/(fan_in + fan_out))."""
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


class ArithmeticModule(nn.Module):
    """Base class: holds the sizes and the default (empty) protocol methods."""

    #: registry names this class answers to (filled by `nalm.modules.register`)
    names: tuple = ()

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__()
        if input_size < 1 or output_size < 1 or runs < 1:
            raise ValueError("input_size, output_size and runs must be positive")
        self.input_size = input_size
        self.output_size = output_size
        self.runs = runs

    def _runs(self, runs):
        return list(range(self.runs)) if runs is None else [int(run) for run in runs]

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        raise NotImplementedError

    def forward(self, x: torch.Tensor, log: dict | None = None) -> torch.Tensor:
        raise NotImplementedError

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp by default."""

    @torch.no_grad()
    def sparsity_error(self) -> torch.Tensor:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, output_size={self.output_size}, runs={self.runs}"
