"""NAC and NALU as the NALU paper defines them, with Xavier-uniform initialisation and ε = 1e-10
(registry names `NAC-xavier`, `NALU-xavier`).

Paper: Trask, Hill, Reed, Rae, Dyer & Blunsom, "Neural Arithmetic Logic Units", NeurIPS 2018
(arXiv 1808.00508), §2:

    W = tanh(Ŵ) ⊙ σ(M̂)                    (recomputed at every forward pass)
    NAC-xavier:   y = x · Wᵀ
    NALU-xavier:  g = σ(x · Gᵀ)
                  y = g ⊙ (x · Wᵀ) + (1 − g) ⊙ exp(log(|x| + ε) · Wᵀ)   (one W, both paths)

The paper gives neither an initialisation nor ε. These are the values of the PyTorch
reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` (`src/models/nac.py`: Ŵ, M̂ Xavier-
uniform; `src/models/nalu.py`: G Xavier-uniform, ε = 1e-10), so that this module and the
reproduction's own (`nalm.modules.nalu_nkarasovd`) differ only where the reproduction departs
from the paper: the constrained weight recomputed every step, and one weight shared by the two
paths. Every matrix is U(±√(6/(I+O))) (gain 1); draw order per run Ŵ, M̂, then G.

They also differ from the benchmark's `NAC+`/`NALU` (`nalm.modules.nac`, `nalm.modules.nalu`:
stable-nalu's initialisation and ε = 1e-7). Transcendental functions of batch-sized tensors are
evaluated on padded copies, so a run's numbers do not depend on its block; log(|x| + ε) of an
input without gradient is reused while the same tensor comes again (`LogInputCache`).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_exp,
    exact_sigmoid,
    linear,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)
from nalm.modules.nac import nac_weight
from nalm.modules.nalu_nkarasovd import NKARASOVD_EPS, LogInputCache


class _XavierNACWeight(ArithmeticModule):
    """Ŵ, M̂ ∈ ℝ^{O×I}, Xavier-uniform, and W = tanh(Ŵ) ⊙ σ(M̂)."""

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.M_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))

    def bound(self) -> float:
        return xavier_uniform_bound(self.input_size, self.output_size)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        uniform_(self.W_hat, runs, generators, -self.bound(), self.bound())
        uniform_(self.M_hat, runs, generators, -self.bound(), self.bound())

    def weight(self) -> torch.Tensor:
        return nac_weight(self.W_hat, self.M_hat)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.weight())


@register("NAC-xavier")
class XavierNAC(_XavierNACWeight):
    """The paper's NAC: y = x·Wᵀ, W = tanh(Ŵ) ⊙ σ(M̂), Xavier-uniform Ŵ, M̂."""

    TAG = f"{LAYER_SCOPE}/nac/W/sparsity_error"

    def forward(self, x, log=None):
        W = self.weight()
        if log is not None:
            log[self.TAG] = sparsity_error(W.detach())
        return linear(x, W.transpose(1, 2))


@register("NALU-xavier")
class XavierNALU(_XavierNACWeight):
    """The paper's NALU: one NAC weight shared by the additive and the log-space path, ε = 1e-10."""

    GATE_TAG = f"{LAYER_SCOPE}/nalu/gate/mean"
    W_TAG = f"{LAYER_SCOPE}/nalu/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.G = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.log_input = LogInputCache(NKARASOVD_EPS)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        super().reset_parameters(generators, runs)
        uniform_(self.G, runs, generators, -self.bound(), self.bound())

    def forward(self, x, log=None):
        g = exact_sigmoid(linear(x, self.G.transpose(1, 2)))
        W = self.weight()
        if log is not None:
            log[self.GATE_TAG] = g.detach().mean(dim=(1, 2))
            log[self.W_TAG] = sparsity_error(W.detach())
        additive = linear(x, W.transpose(1, 2))
        multiplicative = exact_exp(linear(self.log_input(x), W.transpose(1, 2)))
        return g * additive + (1 - g) * multiplicative
