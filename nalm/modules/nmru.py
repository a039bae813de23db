"""Neural Multiplicative Reciprocal Unit: NMRU (with sign retrieval) and plain NMRU.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules",
TMLR 2022 (earlier version arXiv 2110.05177); `bmistry4/nalm-division`,
`stable_nalu/layer/concat_reciprocal_nmu_sign_retrieval.py` and `concat_reciprocal_nmu.py`, with
the settings of `lfs_batch_jobs/single_layer_task/neurips_2021/sltr-in2.sh` and `sltr-in10.sh`.

    x̃ = [x, 1/(x + ε)] in training (`self.training`), [x, 1/x] in evaluation; ε = float32 eps
    NMRU:        y_o = Π_j (W_oj·|x̃_j| + 1 - W_oj) · cos(Σ_j k_j·W_oj),  k = π·[x̃ < 0]
    NMRU-plain:  y_o = Π_j (W_oj·x̃_j + 1 - W_oj)

Names: `NMRU` (alias `SignNMRU`, the original's layer type) is the sign-retrieval module
(`ConcatReciprocalNMUSignRetrievalLayer`) that the paper calls "NMRU" in all its main results.
`NMRU-plain` is the original's layer type `NMRU` (`ConcatReciprocalNMULayer`), used only in the
NMRU ablation. For a/b with x = [a, b] the solution is W = [1, 0, 0, 1].

* W ∈ ℝ^{O×2I} (the first I columns weigh x, the last I its reciprocal), initialised as the NMU:
  U(0.25, 0.75).
* Regulariser `W` = mean(min(|W|, |1 - W|)) on the raw W (minima 0, 1), weighted by λ·s(t) (λ = 10).
* After every optimiser step W is clamped in place to [0, 1]; the forward pass uses the raw W.
  Gradient-norm clipping (1.0 in the paper) is the engine's.
* Logged: `nmru-sign/W/sparsity_error` (NMRU) or `nmru/W/sparsity_error` (NMRU-plain) = SE(W).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    linear,
    negative_phase,
    nmu_sparsity_regularizer,
    sparsity_error,
    uniform_,
)

EPS = torch.finfo(torch.float32).eps


@register("NMRU-plain")
class PlainNMRU(ArithmeticModule):
    """Plain NMRU: an NMU over [x, 1/x] (the original's layer type `NMRU`)."""

    TAG = f"{LAYER_SCOPE}/nmru/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.W = nn.Parameter(torch.zeros(runs, output_size, 2 * input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        uniform_(self.W, self._runs(runs), generators, 0.25, 0.75)

    def _with_reciprocal(self, x, log):
        if log is not None:
            log[self.TAG] = sparsity_error(self.W.detach())
        reciprocal = (x + EPS).reciprocal() if self.training else x.reciprocal()
        return torch.cat((x, reciprocal), dim=-1)

    def _nmu(self, x):
        # [R, B, 1, 2I] against [R, 1, O, 2I], product over 2I
        W = self.W.unsqueeze(1)
        return (x.unsqueeze(2) * W + 1 - W).prod(dim=-1)

    def forward(self, x, log=None):
        return self._nmu(self._with_reciprocal(x, log))

    def regularizers(self):
        return {"W": nmu_sparsity_regularizer(self.W)}

    @torch.no_grad()
    def project_(self):
        self.W.clamp_(0.0, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W)


@register("NMRU", "SignNMRU")
class NMRU(PlainNMRU):
    """NMRU: an NMU over [|x|, |1/x|] with the sign retrieved as cos(π·[x̃ < 0]·Wᵀ)."""

    TAG = f"{LAYER_SCOPE}/nmru-sign/W/sparsity_error"

    def forward(self, x, log=None):
        x = self._with_reciprocal(x, log)
        sign = torch.cos(linear(negative_phase(x), self.W.transpose(1, 2)))
        return self._nmu(x.abs()) * sign


@register("NMRU-gated", "GatedSignNMRU")
class GatedNMRU(PlainNMRU):
    """Gated NMRU (the NMRU ablation's "gnc+sign+gating"; `concat_reciprocal_nmu_gated_sign_retrieval.py`):

        x̃ = [x, 1/(x + ε)] ⊙ g (training; [x, 1/x] ⊙ g in evaluation),  g ∈ ℝ^{2I}, initialised to 0.5
        y_o = Π_j (W_oj·|x̃_j| + 1 - W_oj) · cos(Σ_j k_j·W_oj),  k = π·[x̃ < 0]

    The raw gate multiplies the inputs (no clamp in the forward pass); after every step W and g
    are clamped to [0, 1]. Regularisers: `W` as the NMRU's, and `gate` = mean(min(|g|, |1 - g|)),
    weighted by λ_gate·s(t) (λ_gate = 1 and the linear ramp in the ablation). Logged:
    `gated-nmru-sign/{W,gate}/sparsity_error`; the export reads SE(W).
    """

    TAG = f"{LAYER_SCOPE}/gated-nmru-sign/W/sparsity_error"
    GATE_TAG = f"{LAYER_SCOPE}/gated-nmru-sign/gate/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.g = nn.Parameter(torch.zeros(runs, 2 * input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        super().reset_parameters(generators, runs)
        self.g[self._runs(runs)] = 0.5

    def forward(self, x, log=None):
        if log is not None:
            log[self.GATE_TAG] = sparsity_error(self.g.detach())
        x = self._with_reciprocal(x, log) * self.g.unsqueeze(1)
        sign = torch.cos(linear(negative_phase(x), self.W.transpose(1, 2)))
        return self._nmu(x.abs()) * sign

    def regularizers(self):
        return {"W": nmu_sparsity_regularizer(self.W), "gate": nmu_sparsity_regularizer(self.g)}

    @torch.no_grad()
    def project_(self):
        self.W.clamp_(0.0, 1.0)
        self.g.clamp_(0.0, 1.0)
