"""Neural Accumulator (NAC+) and its multiplicative form NAC•.

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018, arXiv 1808.00508; benchmark settings
from `bmistry4/nalm-benchmark`: `stable_nalu/layer/nac.py` (NAC+) and, for NAC• (`--layer-type
MNAC`), `stable_nalu/network/single_layer.py`, which wraps the NAC+ layer in log/exp.

    W = tanh(Ŵ) ⊙ σ(M̂)
    NAC+:  y = x · Wᵀ
    NAC•:  y = exp(log(|x| + 1e-7) · Wᵀ)

* Ŵ, M̂ ∈ ℝ^{O×I}, drawn in that order from U(-r, r). r solves fan·Var(r) = 2 by bisection
  on [0, 10], with fan = max(I + O, 5) and Var(r) = (1 - tanh(r)/r)·(r - tanh(r/2))/(2r), the
  variance of tanh(u)·σ(v) for u, v ~ U(-r, r): r ≈ 9.47141 (I=2), 2.26047 (I=10),
  0.506593 (I=100). For I = 2 the weights start saturated.
* No regulariser (the z-regulariser is off in the benchmark), no clamp.
* Logged: `nac/W/sparsity_error` = SE(W). NAC• logs the same tag, because the original builds it
  from the NAC+ layer and applies log/exp in the network around it.
"""

import functools
import math

import scipy.optimize
import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_sigmoid,
    exact_tanh,
    linear,
    sparsity_error,
    uniform_,
)

#: the network-level eps of the original's multiplicative paths (NAC•, NALU)
LOG_EPS = 1e-7


def nac_weight_variance(r: float) -> float:
    """Variance of tanh(u)·σ(v) for u, v ~ U(-r, r)."""
    if r == 0:
        return 0.0
    return (1 - math.tanh(r) / r) * (r - math.tanh(r / 2)) / (2 * r)


@functools.lru_cache(maxsize=None)
def nac_init_bound(input_size: int, output_size: int) -> float:
    fan = max(input_size + output_size, 5)
    return scipy.optimize.bisect(lambda r: fan * nac_weight_variance(r) - 2, 0, 10)


def nac_weight(W_hat: torch.Tensor, M_hat: torch.Tensor) -> torch.Tensor:
    """W = tanh(Ŵ) ⊙ σ(M̂), with bits independent of the block (`exact_tanh`, `exact_sigmoid`)."""
    return exact_tanh(W_hat) * exact_sigmoid(M_hat)


@register("NAC+")
class NAC(ArithmeticModule):
    """NAC+: y = x·Wᵀ with W = tanh(Ŵ) ⊙ σ(M̂)."""

    TAG = f"{LAYER_SCOPE}/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.M_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        r = nac_init_bound(self.input_size, self.output_size)
        runs = self._runs(runs)
        uniform_(self.W_hat, runs, generators, -r, r)
        uniform_(self.M_hat, runs, generators, -r, r)

    def forward(self, x, log=None):
        W = nac_weight(self.W_hat, self.M_hat)
        if log is not None:
            log[self.TAG] = sparsity_error(W.detach())
        return linear(x, W.transpose(1, 2))

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(nac_weight(self.W_hat, self.M_hat))


@register("NAC*", "NAC•")
class MultiplicativeNAC(NAC):
    """NAC•: y = exp(log(|x| + 1e-7)·Wᵀ) with the NAC+ weight."""

    def forward(self, x, log=None):
        return torch.exp(super().forward(torch.log(x.abs() + LOG_EPS), log))
