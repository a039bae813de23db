"""Neural Reciprocal Unit (NRU).

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules",
TMLR 2022 (earlier version arXiv 2110.05177); `ReciprocalNMULayer` in `bmistry4/nalm-division`,
`stable_nalu/layer/reciprocal_nmu.py`, with the settings of its batch scripts
`lfs_batch_jobs/single_layer_task/neurips_2021/sltr-in2.sh` and `sltr-in10.sh`.

    training (`self.training`):  a_oi = tanh(1000·W_oi)²      (a smooth |W|)
    evaluation:                  a_oi = |W_oi|
    y_o = Π_i (sign(x_i)·|x_i|^{W_oi}·a_oi + 1 - a_oi)

W_oi = 1 selects x_i, -1 selects 1/x_i, 0 ignores it. There is no ε: a zero input under a
negative weight gives inf or NaN, as in the original. `div_mode="div-sepSign"` (appendix
"NRU - separate signs") computes the magnitude Π_i(|x_i|^{W_oi}·a_oi + 1 - a_oi) and multiplies
it by the sign Π_i sign(x_i)^{round(W_oi)}.

* W ∈ ℝ^{O×I}, initialised as the NAU: U(-r, r), r = min(0.5, √3·√(2/(I+O))) (0.5 for I = 2, 10).
* Regulariser `W` = mean(min(|W|, |1 - |W||)) on the raw W (minima -1, 0, 1), weighted by
  λ·s(t) (λ = 10).
* After every optimiser step W is clamped in place to [-1, 1]; the forward pass uses the raw W.
* Logged: `nru/W/sparsity_error` = SE(W).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_tanh,
    nau_sparsity_regularizer,
    sparsity_error,
    uniform_,
)
from nalm.modules.nau import nau_init_bound

DIV_MODES = ("div", "div-sepSign")


@register("NRU")
class NRU(ArithmeticModule):
    TAG = f"{LAYER_SCOPE}/nru/W/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1, div_mode: str = "div"):
        super().__init__(input_size, output_size, runs)
        if div_mode not in DIV_MODES:
            raise ValueError(f"div_mode must be one of {DIV_MODES}")
        self.div_mode = div_mode
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        r = nau_init_bound(self.input_size, self.output_size)
        uniform_(self.W, self._runs(runs), generators, -r, r)

    def forward(self, x, log=None):
        W = self.W.unsqueeze(1)  # [R, 1, O, I]
        if log is not None:
            log[self.TAG] = sparsity_error(self.W.detach())
        selected = exact_tanh(1000 * W) ** 2 if self.training else W.abs()
        x = x.unsqueeze(2)  # [R, B, 1, I]
        power = x.abs() ** W
        # (1 - a) is added as one term, as the original's `smooth_zero_fire`: a selected input
        # (a = 1) then passes unchanged instead of through (x + 1) - 1, which loses its low
        # bits when |x| is small (`stable_nalu/functional/mnac.py`, modes div and div-sepSign)
        if self.div_mode == "div":
            return (x.sign() * power * selected + (1 - selected)).prod(dim=-1)
        magnitude = (power * selected + (1 - selected)).prod(dim=-1)
        return magnitude * (x.sign() ** W.round()).prod(dim=-1)

    def regularizers(self):
        return {"W": nau_sparsity_regularizer(self.W)}

    @torch.no_grad()
    def project_(self):
        self.W.clamp_(-1.0, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W)
