"""Neural Multiplication Unit (NMU).

Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016; benchmark settings
from `bmistry4/nalm-benchmark`, `stable_nalu/layer/re_regualized_linear_mnac.py`
(`--layer-type ReRegualizedLinearMNAC`) and `stable_nalu/functional/mnac.py`.

    y_o = Π_i (W_oi · x_i + 1 - W_oi)

* W ∈ ℝ^{O×I}, initialised U(0.5 - r, 0.5 + r) with r = min(0.25, √3·0.5), i.e. U(0.25, 0.75).
* The forward pass uses the raw W (no clamp, as the original in `clip` mode); after every
  optimiser step W is clamped in place to [ε, 1] with ε = `mnac_epsilon` (0 in the benchmark).
* Sparsity regulariser: R_W = mean(min(|W|, |1 - W|)), weighted by λ·s(t) (λ = 10).
* Logged: `nac/W/sparsity_error` = SE(W).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    nmu_sparsity_regularizer,
    sparsity_error,
    uniform_,
)


@register("NMU")
class NMU(ArithmeticModule):
    TAG = f"{LAYER_SCOPE}/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, epsilon: float = 0.0):
        super().__init__(input_size, output_size, runs)
        self.epsilon = epsilon
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        r = min(0.25, 3**0.5 * 0.5)
        uniform_(self.W, self._runs(runs), generators, 0.5 - r, 0.5 + r)

    def forward(self, x, log=None):
        W = self.W
        if log is not None:
            log[self.TAG] = sparsity_error(W.detach())
        # [R, B, 1, I] * [R, 1, O, I] -> product over I -> [R, B, O]
        factors = x.unsqueeze(2) * W.unsqueeze(1) + (1 - W.unsqueeze(1))
        return factors.prod(dim=-1)

    def regularizers(self):
        return {"W": nmu_sparsity_regularizer(self.W)}

    @torch.no_grad()
    def project_(self):
        self.W.clamp_(self.epsilon, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W)
