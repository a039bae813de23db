"""Naive NPU and Real naive NPU: the Neural Power Unit without its relevance gate.

Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681 (the "NaiveNPU" of
its large-scale arithmetic task); layers `NaiveNPU` and `RealNaiveNPU` of `nmheim/NeuralArithmetic.jl`
(`src/npu.jl`), `NPUX` in the paper's repository `nmheim/NeuralPowerUnits` (`src/npu.jl`).

    r = |x| + ε,  ε = float32 eps = 2⁻²³
    k = max(-sign(x), 0)·π                 (π where x < 0; x = 0 gives 0)
    NaiveNPU:      y = exp(log r · W_re - k · W_im) ⊙ cos(k · W_re + log r · W_im)
    RealNaiveNPU:  y = exp(log r · W_re) ⊙ cos(k · W_re)

* W_re (and W_im) ∈ ℝ^{I×O}; W_im = 0. W_re by `init`: `xavier-uniform` (Flux's Glorot
  U(±√(6/(I+O))), the library default) or `rand/10` (U[0, 0.1), the paper's 100-input task,
  `scripts/arithmetic/` with `arithmetic_models.jl`'s `initf("rand")`).
* No clamp, no regulariser (the paper's scripts add an L1 term in their loss: `nalm.networks.chain`).
  Without the gate an irrelevant input still enters as |x|^w: the zero-gradient plateau the
  paper's gate removes.
* Logged: `naive_npu/W_real/sparsity_error` (and `W_im`); `sparsity_error()` is SE(W_re), or
  (SE(W_re) + SE(W_im))/2 for the complex one, as the gated NPU's (`nalm.modules.npu`).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    linear,
    negative_phase,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)

EPS = torch.finfo(torch.float32).eps
INITS = ("xavier-uniform", "rand/10")


@register("RealNaiveNPU")
class RealNaiveNPU(ArithmeticModule):
    """y = exp(log(|x| + ε)·W_re) ⊙ cos(k·W_re): the Real NPU without its gate."""

    SCOPE = f"{LAYER_SCOPE}/naive_npu"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, init: str = "xavier-uniform"):
        super().__init__(input_size, output_size, runs)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}")
        self.init = init
        self.W_real = nn.Parameter(torch.zeros(runs, input_size, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        if self.init == "rand/10":
            uniform_(self.W_real, self._runs(runs), generators, 0.0, 0.1)
        else:
            r = xavier_uniform_bound(self.input_size, self.output_size)
            uniform_(self.W_real, self._runs(runs), generators, -r, r)

    @staticmethod
    def _log_magnitude_and_phase(x):
        return torch.log(x.abs() + EPS), negative_phase(x)

    def forward(self, x, log=None):
        log_r, k = self._log_magnitude_and_phase(x)
        if log is not None:
            log[f"{self.SCOPE}/W_real/sparsity_error"] = sparsity_error(self.W_real.detach())
        return torch.exp(linear(log_r, self.W_real)) * torch.cos(linear(k, self.W_real))

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W_real)


@register("NaiveNPU")
class NaiveNPU(RealNaiveNPU):
    """The real part of exp((W_re + i·W_im)·log x) without the gate."""

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, init: str = "xavier-uniform"):
        super().__init__(input_size, output_size, runs, init=init)
        self.W_im = nn.Parameter(torch.zeros(runs, input_size, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        super().reset_parameters(generators, runs)
        self.W_im[self._runs(runs)] = 0.0

    def forward(self, x, log=None):
        log_r, k = self._log_magnitude_and_phase(x)
        if log is not None:
            log[f"{self.SCOPE}/W_real/sparsity_error"] = sparsity_error(self.W_real.detach())
            log[f"{self.SCOPE}/W_im/sparsity_error"] = sparsity_error(self.W_im.detach())
        magnitude = linear(log_r, self.W_real) - linear(k, self.W_im)
        phase = linear(k, self.W_real) + linear(log_r, self.W_im)
        return torch.exp(magnitude) * torch.cos(phase)

    @torch.no_grad()
    def sparsity_error(self):
        return (sparsity_error(self.W_real) + sparsity_error(self.W_im)) / 2
