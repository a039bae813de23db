"""Neural Addition Unit (NAU).

Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016; benchmark settings
from `bmistry4/nalm-benchmark`, `stable_nalu/layer/re_regualized_linear_nac.py`
(`--layer-type ReRegualizedLinearNAC`).

    y = x · clamp(W, -1, 1)ᵀ

* W ∈ ℝ^{O×I}, initialised U(-r, r) with r = min(0.5, √3·√(2/(I+O))) (0.5 for I = 2 and 10,
  0.243733 for I = 100).
* Sparsity regulariser (shape `linear`): R_W = mean(min(|W|, |1 - |W||)) on the raw W,
  weighted by λ·s(t) in the loss.
* After every optimiser step W is clamped in place to [-1, 1] (`--oob-mode clip`).
* Logged: `nac/W/sparsity_error` = SE(clamp(W)).

Options for NeuralArithmetic.jl's NAU (`nmheim/NeuralArithmetic.jl`, `src/nau.jl`, the layer of
Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681), which has neither
clamp nor regulariser: `clamp=False` (y = x·Wᵀ on the raw W, no projection) and `init`:
`nau` (the default above), `glorot-uniform` (Flux's U(±√(6/(I+O)))) or `rand/10`
(U[0, 0.1), `rand(Float32, ·)/10` of `nmheim/NeuralPowerUnits`, `scripts/arithmetic/`).
"""

import math

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    linear,
    nau_sparsity_regularizer,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)

#: initialisations of W: this module's own, and those of NeuralArithmetic.jl's NAU
INITS = ("nau", "glorot-uniform", "rand/10")


def nau_init_bound(input_size: int, output_size: int) -> float:
    return min(0.5, math.sqrt(3.0) * math.sqrt(2.0 / (input_size + output_size)))


@register("NAU")
class NAU(ArithmeticModule):
    TAG = f"{LAYER_SCOPE}/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, init: str = "nau",
                 clamp: bool = True):
        super().__init__(input_size, output_size, runs)
        if init not in INITS or not isinstance(clamp, bool):
            raise ValueError(f"init must be one of {INITS} and clamp true or false")
        self.init, self.clamp = init, clamp
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        if self.init == "rand/10":
            uniform_(self.W, self._runs(runs), generators, 0.0, 0.1)
            return
        if self.init == "glorot-uniform":
            r = xavier_uniform_bound(self.input_size, self.output_size)
        else:
            r = nau_init_bound(self.input_size, self.output_size)
        uniform_(self.W, self._runs(runs), generators, -r, r)

    def forward(self, x, log=None):
        W = self.W.clamp(-1.0, 1.0) if self.clamp else self.W
        if log is not None:
            log[self.TAG] = sparsity_error(W.detach())
        return linear(x, W.transpose(1, 2))

    def regularizers(self):
        return {"W": nau_sparsity_regularizer(self.W)}

    @torch.no_grad()
    def project_(self):
        if self.clamp:
            self.W.clamp_(-1.0, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W.clamp(-1.0, 1.0) if self.clamp else self.W)
