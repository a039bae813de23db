"""Neural Arithmetic Logic Unit (NALU) and the golden-ratio NALU (G-NALU).

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018, arXiv 1808.00508; G-NALU from Mistry
et al., "A Primer for Neural Arithmetic Logic Modules", JMLR 2022, arXiv 2101.09530. Benchmark
settings from `bmistry4/nalm-benchmark`: `stable_nalu/layer/_abstract_nalu.py` and `nalu.py` (NALU),
`stable_nalu/functional/golden_ratio_base.py` (G-NALU).

    W = tanh(Ŵ) ⊙ σ(M̂)                   (one NAC weight, shared by both paths)
    g = σ(x · Gᵀ)                         (no gate bias)
    y = g ⊙ (x · Wᵀ) + (1 - g) ⊙ exp(log(|x| + 1e-7) · Wᵀ)

* Ŵ, M̂ ∈ ℝ^{O×I} as the NAC+ (`nac.py`, U(-r, r), r ≈ 9.47141 for I = 2), then G ∈ ℝ^{O×I}
  Xavier-uniform with gain 1: U(±√(6/(I+O))), ±1.41421 for I = 2. Draw order Ŵ, M̂, G.
* G-NALU replaces σ and tanh with their base-φ versions (φ the golden ratio), in the weight
  and in the gate: σ_φ(z) = 1/(1 + φ^{-z}), tanh_φ(z) = (φ^{2z} - 1)/(φ^{2z} + 1), written as
  these powers so that their rounding (and their overflow to NaN for z ≳ 92) is the original's.
  Its multiplicative path φ^{(log(|x|+1e-7)·Wᵀ)/ln φ} equals exp(log(|x|+1e-7)·Wᵀ) and is
  computed as such. Its init is the NALU's (r still from the natural-base variance).
* No regulariser, no clamp.
* Logged: `nalu/gate/mean` (mean of g over batch and outputs) and `nalu/nac/W/sparsity_error`
  = SE(W). The original logs the latter twice per step with identical values; once here.
"""

import math

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_exp,
    exact_sigmoid,
    exact_tanh,
    linear,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)
from nalm.modules.nac import LOG_EPS, nac_init_bound

GOLDEN_RATIO = (1 + math.sqrt(5)) / 2
LOG_GOLDEN_RATIO = math.log(GOLDEN_RATIO)


@register("NALU")
class NALU(ArithmeticModule):
    """NALU: a gated mix of a NAC+ and a log-space NAC sharing one weight."""

    GATE_TAG = f"{LAYER_SCOPE}/nalu/gate/mean"
    W_TAG = f"{LAYER_SCOPE}/nalu/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.M_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.G = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @staticmethod
    def _gate(z):
        """σ on the batch-sized gate pre-activation."""
        return torch.sigmoid(z)

    @staticmethod
    def _weight(W_hat, M_hat):
        """tanh(Ŵ) ⊙ σ(M̂) on parameter-sized tensors, bit-identical whatever the block."""
        return exact_tanh(W_hat) * exact_sigmoid(M_hat)

    def weight(self):
        return self._weight(self.W_hat, self.M_hat)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        r = nac_init_bound(self.input_size, self.output_size)
        uniform_(self.W_hat, runs, generators, -r, r)
        uniform_(self.M_hat, runs, generators, -r, r)
        bound = xavier_uniform_bound(self.input_size, self.output_size)
        uniform_(self.G, runs, generators, -bound, bound)

    def forward(self, x, log=None):
        g = self._gate(linear(x, self.G.transpose(1, 2)))
        W = self.weight()
        if log is not None:
            log[self.GATE_TAG] = g.detach().mean(dim=(1, 2))
            log[self.W_TAG] = sparsity_error(W.detach())
        additive = linear(x, W.transpose(1, 2))
        multiplicative = torch.exp(linear(torch.log(x.abs() + LOG_EPS), W.transpose(1, 2)))
        return g * additive + (1 - g) * multiplicative

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.weight())


@register("G-NALU")
class GoldenRatioNALU(NALU):
    """G-NALU: the NALU with base-φ sigmoid and tanh in its weight and gate."""

    @staticmethod
    def _gate(z):
        """σ_φ(z) = 1 / (1 + φ^{-z})."""
        return 1 / (1 + torch.pow(GOLDEN_RATIO, -z))

    @staticmethod
    def _weight(W_hat, M_hat):
        """tanh_φ(Ŵ) ⊙ σ_φ(M̂), with φ^z = exp(z·ln φ) evaluated bit-identically whatever the block."""
        power = exact_exp(2 * LOG_GOLDEN_RATIO * W_hat)
        return (power - 1) / (power + 1) * (1 / (1 + exact_exp(-LOG_GOLDEN_RATIO * M_hat)))
