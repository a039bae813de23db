"""Improved NALU (iNALU): separate weights, input-independent gate, sign retrieval.

Schlör, Ring & Hotho, "iNALU: Improved Neural Arithmetic Logic Unit", Frontiers in AI 2020
(doi:10.3389/frai.2020.00071); benchmark settings from `bmistry4/nalm-benchmark`:
`stable_nalu/layer/inalu.py`, the regulariser `Regualizer._inalu_bias_linear`
(`stable_nalu/functional/regualizer.py`) and its gating in `experiments/single_layer_benchmark.py`.

    W_a = tanh(Ŵ_a) ⊙ σ(M̂_a),  W_m = tanh(Ŵ_m) ⊙ σ(M̂_m)
    a   = x · W_a
    m   = exp(min(log(max(|x|, 1e-7)) · W_m, ω)),  ω = 20   (|x| is clipped at eps, not shifted)
    s_o = Π_i (sign(x_i)·|W_m,io| + 1 - |W_m,io|)            (the NMU product on sign(x))
    γ   = σ(g)                                               (one gate per output, no input)
    y   = γ ⊙ a + (1 - γ) ⊙ m ⊙ s

* Ŵ_a, M̂_a, Ŵ_m, M̂_m ∈ ℝ^{I×O}, g ∈ ℝ^{O}; drawn in that order from N(0.88, 0.2²) for Ŵ,
  N(0.5, 0.2²) for M̂ and N(0, 0.2²) for g.
* Regulariser `inalu` = Σ_{p ∈ {Ŵ_a, M̂_a, Ŵ_m, M̂_m, g}} mean(max(20 - |p|, 0)), which pushes the
  raw parameters to saturation; the engine adds 0.05·R only when the last logged validation MSE
  is < 1 and t > 10000. Gradient clipping (0.1) and re-initialisation are the engine's.
* No clamp.
* Logged: `inalu/W_a/sparsity_error`, `inalu/W_m/sparsity_error`, `inalu/W/sparsity_error`
  = (SE(W_a) + SE(W_m))/2 and `inalu/gate/sparsity_error` = SE(γ).
  `sparsity_error()` is the `W` value (the gate is not included: the export's reader,
  `stable_nalu/reader/tensorboard_metric_reader.py`, reads only `W/sparsity_error`).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_sigmoid,
    linear,
    normal_,
    sparsity_error,
)
from nalm.modules.nac import nac_weight

EPS = 1e-7
OMEGA = 20.0
SATURATION = 20.0


@register("iNALU")
class INALU(ArithmeticModule):
    TAGS = {name: f"{LAYER_SCOPE}/inalu/{name}/sparsity_error" for name in ("W_a", "W_m", "W", "gate")}

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W_a_hat = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.M_a_hat = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.W_m_hat = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.M_m_hat = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.g = nn.Parameter(torch.zeros(runs, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        normal_(self.W_a_hat, runs, generators, 0.88, 0.2)
        normal_(self.M_a_hat, runs, generators, 0.5, 0.2)
        normal_(self.W_m_hat, runs, generators, 0.88, 0.2)
        normal_(self.M_m_hat, runs, generators, 0.5, 0.2)
        normal_(self.g, runs, generators, 0.0, 0.2)

    def forward(self, x, log=None):
        W_a = nac_weight(self.W_a_hat, self.M_a_hat)  # [R, I, O]
        W_m = nac_weight(self.W_m_hat, self.M_m_hat)
        gate = exact_sigmoid(self.g).unsqueeze(1)  # [R, 1, O]
        if log is not None:
            error_a, error_m = sparsity_error(W_a.detach()), sparsity_error(W_m.detach())
            log[self.TAGS["W_a"]] = error_a
            log[self.TAGS["W_m"]] = error_m
            log[self.TAGS["W"]] = (error_a + error_m) / 2
            log[self.TAGS["gate"]] = sparsity_error(gate.detach())
        additive = linear(x, W_a)
        log_magnitude = linear(torch.log(torch.clamp(x.abs(), min=EPS)), W_m)
        multiplicative = torch.exp(torch.clamp(log_magnitude, max=OMEGA))
        # [R, B, I, 1] against [R, 1, I, O], product over I
        W_m_abs = W_m.abs().unsqueeze(1)
        sign = (x.sign().unsqueeze(-1) * W_m_abs + 1 - W_m_abs).prod(dim=2)
        return gate * additive + (1 - gate) * multiplicative * sign

    def regularizers(self):
        parameters = (self.W_a_hat, self.M_a_hat, self.W_m_hat, self.M_m_hat, self.g)
        terms = [torch.relu(SATURATION - p.abs()).reshape(self.runs, -1).mean(dim=1) for p in parameters]
        # summed term by term, in order: a stacked sum over a [5, R] tensor rounds differently
        # for R = 1 (one contiguous reduction) than for R > 1, and a run must not see its block
        return {"inalu": sum(terms)}

    @torch.no_grad()
    def sparsity_error(self):
        W_a = nac_weight(self.W_a_hat, self.M_a_hat)
        W_m = nac_weight(self.W_m_hat, self.M_m_hat)
        return (sparsity_error(W_a) + sparsity_error(W_m)) / 2
