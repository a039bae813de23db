"""NALU and iNALU as NeuralArithmetic.jl defines them (registry names `NALU-jl`, `iNALU-jl`).

The layers that *Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681)
compares against, from `nmheim/NeuralArithmetic.jl` (`src/nac.jl`, `src/nalu.jl`, `src/inalu.jl`;
identical in v0.3.0, the version the paper's repository `nmheim/NeuralPowerUnits` pins). They
differ from the benchmark's NALU and iNALU (`nalm.modules.nalu`, `nalm.modules.inalu`): Glorot
initialisation, a gate bias for the NALU, an input-dependent gate for the iNALU, no
regulariser, clamp or re-initialisation inside the layer.

    NAC:    W = tanh(Ŵ) ⊙ σ(M̂),  Ŵ, M̂ ∈ ℝ^{O×I}
    NALU:   a = x·Wᵀ,  m = exp(log(|x| + 1e-8)·Wᵀ),  g = σ(x·Gᵀ + b)
            y = g ⊙ a + (1 - g) ⊙ m                       (one NAC shared by both paths)
    iNALU:  a = x·W_aᵀ,  m = exp(min(log(max(|x|, 1e-7))·W_mᵀ, 20))
            s_o = Π_i (sign(x_i)·|W_m,oi| + 1 - |W_m,oi|),  g = σ(x·Gᵀ)   (no bias)
            y = g ⊙ a + (1 - g) ⊙ m ⊙ s                   (two NACs)

* `init="glorot-uniform"` (the library's default): every matrix U(±√(6/(I+O))); the NALU bias
  U(±√(6/(1+O))) (Flux's `glorot_uniform(out)` treats a vector as an O×1 matrix). Draw order
  Ŵ, M̂, (Ŵ_m, M̂_m,) G, b.
* `init="rand/10"` (the paper's 100-input task, `scripts/arithmetic/` with `src/arithmetic_models.jl`):
  every matrix U[0, 0.1), the NALU bias 0 (`initb=Flux.zeros`).
* Regulariser `inalu` (iNALU only; what the paper's `scripts/simple/run.jl` adds in its loss as
  `inalu_reg`): Σ_{p ∈ {Ŵ_a, M̂_a, Ŵ_m, M̂_m, G}} Σ max(t - |p|, 0) / t, with t = `saturation`.
  The script reads t from a config key it never sets; 20 is the iNALU paper's value
  (Schlör, Ring & Hotho, 2020) and the default here.
* Logged: `nalu/gate/mean` and `nalu/nac/W/sparsity_error`; `inalu/W/sparsity_error`
  = (SE(W_a) + SE(W_m))/2, which is also `sparsity_error()`.
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    linear,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)
from nalm.modules.nac import nac_weight

INITS = ("glorot-uniform", "rand/10")
NALU_EPS = 1e-8
INALU_EPS = 1e-7
INALU_OMEGA = 20.0
#: t of the iNALU saturation term (Schlör, Ring & Hotho 2020); missing from the NPU paper's config
INALU_SATURATION = 20.0


def _check_init(init):
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}")


def _fill_matrices(matrices, init, runs, generators, input_size, output_size):
    """Each matrix of `matrices`, in order, from its run's generator."""
    if init == "rand/10":
        low, high = 0.0, 0.1
    else:
        high = xavier_uniform_bound(input_size, output_size)
        low = -high
    for matrix in matrices:
        uniform_(matrix, runs, generators, low, high)


@register("NALU-jl")
class FluxNALU(ArithmeticModule):
    """NeuralArithmetic.jl's NALU: one shared NAC, gate σ(x·Gᵀ + b), ε = 1e-8."""

    GATE_TAG = f"{LAYER_SCOPE}/nalu/gate/mean"
    W_TAG = f"{LAYER_SCOPE}/nalu/nac/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, init: str = "glorot-uniform"):
        super().__init__(input_size, output_size, runs)
        _check_init(init)
        self.init = init
        self.W_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.M_hat = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.G = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.b = nn.Parameter(torch.zeros(runs, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        _fill_matrices((self.W_hat, self.M_hat, self.G), self.init, runs, generators,
                       self.input_size, self.output_size)
        if self.init == "rand/10":
            self.b[runs] = 0.0
        else:
            bound = xavier_uniform_bound(1, self.output_size)
            uniform_(self.b, runs, generators, -bound, bound)

    def forward(self, x, log=None):
        W = nac_weight(self.W_hat, self.M_hat).transpose(1, 2)  # [R, I, O]
        g = torch.sigmoid(linear(x, self.G.transpose(1, 2)) + self.b.unsqueeze(1))
        if log is not None:
            log[self.GATE_TAG] = g.detach().mean(dim=(1, 2))
            log[self.W_TAG] = sparsity_error(W.detach())
        additive = linear(x, W)
        multiplicative = torch.exp(linear(torch.log(x.abs() + NALU_EPS), W))
        return g * additive + (1 - g) * multiplicative

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(nac_weight(self.W_hat, self.M_hat))


@register("iNALU-jl")
class FluxINALU(ArithmeticModule):
    """NeuralArithmetic.jl's iNALU: two NACs, sign recovery, gate σ(x·Gᵀ) without bias."""

    TAGS = {name: f"{LAYER_SCOPE}/inalu/{name}/sparsity_error" for name in ("W_a", "W_m", "W")}

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, init: str = "glorot-uniform",
                 saturation: float = INALU_SATURATION):
        super().__init__(input_size, output_size, runs)
        _check_init(init)
        if not saturation > 0:
            raise ValueError("saturation must be positive")
        self.init, self.saturation = init, float(saturation)
        shape = (runs, output_size, input_size)
        self.W_a_hat, self.M_a_hat = nn.Parameter(torch.zeros(shape)), nn.Parameter(torch.zeros(shape))
        self.W_m_hat, self.M_m_hat = nn.Parameter(torch.zeros(shape)), nn.Parameter(torch.zeros(shape))
        self.G = nn.Parameter(torch.zeros(shape))

    def _matrices(self):
        return (self.W_a_hat, self.M_a_hat, self.W_m_hat, self.M_m_hat, self.G)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        _fill_matrices(self._matrices(), self.init, self._runs(runs), generators,
                       self.input_size, self.output_size)

    def forward(self, x, log=None):
        W_a = nac_weight(self.W_a_hat, self.M_a_hat)  # [R, O, I]
        W_m = nac_weight(self.W_m_hat, self.M_m_hat)
        if log is not None:
            error_a, error_m = sparsity_error(W_a.detach()), sparsity_error(W_m.detach())
            log[self.TAGS["W_a"]], log[self.TAGS["W_m"]] = error_a, error_m
            log[self.TAGS["W"]] = (error_a + error_m) / 2
        additive = linear(x, W_a.transpose(1, 2))
        log_magnitude = linear(torch.log(torch.clamp(x.abs(), min=INALU_EPS)), W_m.transpose(1, 2))
        multiplicative = torch.exp(torch.clamp(log_magnitude, max=INALU_OMEGA))
        # [R, B, 1, I] against [R, 1, O, I], product over I -> [R, B, O]
        W_m_abs = W_m.abs().unsqueeze(1)
        sign = (x.sign().unsqueeze(2) * W_m_abs + 1 - W_m_abs).prod(dim=-1)
        g = torch.sigmoid(linear(x, self.G.transpose(1, 2)))
        return g * additive + (1 - g) * multiplicative * sign

    def regularizers(self):
        t = self.saturation
        terms = [torch.relu(t - p.abs()).reshape(self.runs, -1).sum(dim=1) / t for p in self._matrices()]
        return {"inalu": torch.stack(terms).sum(dim=0)}

    @torch.no_grad()
    def sparsity_error(self):
        W_a = nac_weight(self.W_a_hat, self.M_a_hat)
        W_m = nac_weight(self.W_m_hat, self.M_m_hat)
        return (sparsity_error(W_a) + sparsity_error(W_m)) / 2
