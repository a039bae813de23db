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

Options for NeuralArithmetic.jl's NMU (`nmheim/NeuralArithmetic.jl`, `src/nmu.jl`, the layer of
Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681): `clamp="forward"`
computes y with Ŵ = min(max(W, 0), 1) (so the gradient is 0 outside [0, 1]) and never projects W;
`init`: `nmu` (the default above), `rand` (U[0, 1), Julia's `rand`) or `rand/10` (U[0, 0.1),
`nmheim/NeuralPowerUnits`, `scripts/arithmetic/`).
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

    #: (low, high) of each initialisation; `nmu` is U(0.5 - r, 0.5 + r), r = min(0.25, √3·0.5)
    INITS = {"nmu": (0.25, 0.75), "rand": (0.0, 1.0), "rand/10": (0.0, 0.1)}
    CLAMPS = ("project", "forward")

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, epsilon: float = 0.0,
                 init: str = "nmu", clamp: str = "project"):
        super().__init__(input_size, output_size, runs)
        if init not in self.INITS or clamp not in self.CLAMPS:
            raise ValueError(f"init must be one of {tuple(self.INITS)} and clamp one of {self.CLAMPS}")
        self.epsilon, self.init, self.clamp = epsilon, init, clamp
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        low, high = self.INITS[self.init]
        uniform_(self.W, self._runs(runs), generators, low, high)

    def forward(self, x, log=None):
        W = self.W.clamp(0.0, 1.0) if self.clamp == "forward" else self.W
        if log is not None:
            log[self.TAG] = sparsity_error(W.detach())
        # [R, B, 1, I] * [R, 1, O, I] -> product over I -> [R, B, O]
        factors = x.unsqueeze(2) * W.unsqueeze(1) + (1 - W.unsqueeze(1))
        return factors.prod(dim=-1)

    def regularizers(self):
        return {"W": nmu_sparsity_regularizer(self.W)}

    @torch.no_grad()
    def project_(self):
        if self.clamp == "project":
            self.W.clamp_(self.epsilon, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W)
