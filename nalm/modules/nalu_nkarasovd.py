"""The NAC and NALU of the PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` as its
code behaves (registry names `NAC-nkarasovd`, `NALU-nkarasovd`), not as the paper defines them.

Paper: Trask, Hill, Reed, Rae, Dyer & Blunsom, "Neural Arithmetic Logic Units", NeurIPS 2018
(arXiv 1808.00508). Code: `src/models/nac.py` (`NACCell`) and `src/models/nalu.py` (`NALUCell`)
of the reproduction at HEAD 86d5bfc.

    NAC-nkarasovd:   y = x · Wᵀ                      (W ∈ ℝ^{O×I}, trained directly, no bias)
    NALU-nkarasovd:  g = σ(x · Gᵀ)                   (no gate bias)
                     y = g ⊙ (x · W_aᵀ) + (1 − g) ⊙ exp(log(|x| + 1e-10) · W_mᵀ)

The reproduction's departures from the paper, kept here on purpose (each changes results):

* **Unconstrained NAC weight.** `NACCell` registers Ŵ and M̂ but its forward pass multiplies by
  a third parameter W, made once at construction as tanh(Ŵ)·σ(M̂). W is then trained as a plain
  linear layer (no tanh·σ constraint, weights may leave [−1, 1]); Ŵ and M̂ get no gradient.
* **Initial W from uninitialised memory.** W is made from Ŵ, M̂ *before* they are Xavier-
  initialised, i.e. from whatever the freshly allocated memory held (zeros, pointer bit patterns,
  stale values, sometimes NaN). `reset_parameters` draws what the code evidently meant,
  W = tanh(U) ⊙ σ(V) with U, V Xavier-uniform U(±√(6/(I+O))); the networks of the NALU paper's
  experiments (`nalm.networks.measured_init`) can instead assign initial weights measured in
  the reproduction's own processes (`nalm/papers/nalu/initial_nac_weights.tsv`).
* **Untied NACs in the NALU.** `NALUCell` holds two independent `NACCell`s, one per path, where
  the paper shares one weight between the additive and the multiplicative path.
* ε = 1e-10 inside the logarithm.

G is Xavier-uniform with gain 1 (`xavier_uniform_(self.G)` in `NALUCell` at HEAD). Draw order
per run: NAC: U, V; NALU: U_a, V_a, U_m, V_m, then G (the order of the reproduction's
`NALUCell.__init__`).

Transcendental functions of batch-sized tensors (log, exp, σ) are evaluated on padded copies
(`nalm.modules.base`), so a run's numbers do not depend on the block it is trained in. The
multiplicative path's log(|x| + ε) of an input that needs no gradient is kept and reused while
the same, unmodified tensor comes again (full-batch training feeds one tensor every step).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    _padded,
    exact_exp,
    exact_sigmoid,
    exact_tanh,
    linear,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)

#: ε of `NALUCell` (`self.eps = 1e-10`, `src/models/nalu.py`)
NKARASOVD_EPS = 1e-10


class _ExactLog(torch.autograd.Function):
    """log(x) evaluated on a padded copy (bits independent of the block); d/dx = 1/x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _padded(torch.log, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


def exact_log(x: torch.Tensor) -> torch.Tensor:
    """log for any tensor, bit-identical whatever the number of runs."""
    return _ExactLog.apply(x)


class LogInputCache:
    """log(|x| + ε) of the last input without gradient, reused while that same tensor is unchanged."""

    def __init__(self, eps: float):
        self.eps, self.entry = eps, None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if x.requires_grad:
            return exact_log(x.abs() + self.eps)
        entry = self.entry
        if entry is not None and entry[0] is x and entry[1] == x._version:
            return entry[2]
        value = exact_log(x.abs() + self.eps)
        self.entry = (x, x._version, value)
        return value


def tanh_sigmoid_weight(shape, runs, generators) -> torch.Tensor:
    """tanh(U) ⊙ σ(V), U then V drawn Xavier-uniform from each run's generator: `[len(runs), *shape]`."""
    output_size, input_size = shape
    bound = xavier_uniform_bound(input_size, output_size)
    U = torch.zeros(len(runs), *shape)
    V = torch.zeros(len(runs), *shape)
    for k, generator in enumerate(generators):
        uniform_(U, [k], [generator], -bound, bound)
        uniform_(V, [k], [generator], -bound, bound)
    return exact_tanh(U) * exact_sigmoid(V)


@register("NAC-nkarasovd")
class UnconstrainedNAC(ArithmeticModule):
    """The reproduction's NAC: a bias-free linear layer y = x·Wᵀ whose W is trained directly."""

    TAG = f"{LAYER_SCOPE}/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        self.W[runs] = tanh_sigmoid_weight(self.W.shape[1:], runs, generators)

    def forward(self, x, log=None):
        if log is not None:
            log[self.TAG] = sparsity_error(self.W.detach())
        return linear(x, self.W.transpose(1, 2))

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W)


@register("NALU-nkarasovd")
class UntiedNALU(ArithmeticModule):
    """The reproduction's NALU: gated mix of two independent unconstrained NACs, ε = 1e-10."""

    GATE_TAG = f"{LAYER_SCOPE}/nalu/gate/mean"
    W_TAG = f"{LAYER_SCOPE}/nalu/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W_a = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.W_m = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.G = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.log_input = LogInputCache(NKARASOVD_EPS)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        # one generator per run, used in the reproduction's order: W_a's U, V, W_m's U, V, then G
        for run, generator in zip(runs, generators):
            self.W_a[run] = tanh_sigmoid_weight(self.W_a.shape[1:], [run], [generator])[0]
            self.W_m[run] = tanh_sigmoid_weight(self.W_m.shape[1:], [run], [generator])[0]
        uniform_(self.G, runs, generators, *self.gate_bounds())

    def gate_bounds(self):
        bound = xavier_uniform_bound(self.input_size, self.output_size)
        return -bound, bound

    def forward(self, x, log=None):
        g = exact_sigmoid(linear(x, self.G.transpose(1, 2)))
        if log is not None:
            log[self.GATE_TAG] = g.detach().mean(dim=(1, 2))
            log[self.W_TAG] = self.sparsity_error()
        additive = linear(x, self.W_a.transpose(1, 2))
        multiplicative = exact_exp(linear(self.log_input(x), self.W_m.transpose(1, 2)))
        return g * additive + (1 - g) * multiplicative

    @torch.no_grad()
    def sparsity_error(self):
        return torch.maximum(sparsity_error(self.W_a), sparsity_error(self.W_m))
