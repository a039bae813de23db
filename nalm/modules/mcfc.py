"""Mass-conserving fully connected layers: MCFC, MulMCFC and its two sign-retrieving variants.

Hoedt et al., "MC-LSTM: Mass-Conserving LSTM", ICML 2021, arXiv 2101.05186 (MCFC, MulMCFC); the
sign variants are the nalm-benchmark repository's. Settings from `bmistry4/nalm-benchmark`,
`stable_nalu/layer/mcfc.py` (junction and gate from `mclstm.py`) and
`lfs_batch_jobs/single_layer_task/benchmarking/marc_single_layer.sh`
(added after the Primer, not in its figures 14-20).

    j = softmax(r) over the output axis          (r ∈ ℝ^{I×O}; ≡ 1 when O = 1)
    o = σ(w·1 + b)                               (out gate on a constant auxiliary input 1)
    MCFC:                y = o ⊙ (x · j)
    MulMCFC:             y = exp(MCFC(log x) + c)              (NaN for negative inputs)
    MulMCFCSignINALU:    y = exp(MCFC(log |x|) + c) ⊙ Π_i (sign(x_i)·|j_i| + 1 - |j_i|)
    MulMCFCSignRealNPU:  y = exp(MCFC(log |x|) + c) ⊙ cos(k · j),  k = clamp(g, 0, 1)·π·[x < 0]

* r ∈ ℝ^{I×O} and w ∈ ℝ^{O×1} orthogonal (for O = 1 a random unit column; ±1 for w), drawn
  w first; b ∈ ℝ^{O} = 0, the MulMCFC bias c ∈ ℝ^{O} = 0, the sign gate g ∈ ℝ^{I} = 0.5.
* Regulariser `W` = -(mean(r²) + mean(w²) + mean(b²)), weighted by λ·s(t). It is negative as
  in the original, so it rewards large parameters and the loss is unbounded below.
  MulMCFCSignRealNPU adds `gate` = mean(min(|g|, |1 - g|)), weighted by λ_gate·s(t).
* No clamp (g is clamped only in the forward pass).
* Logged, in the original's order: `MulMCFC/mulmcfc_bias/sparsity_error`,
  `MulMCFC/mulmcfcsignrealnpu_g_hat/sparsity_error`, `MCFC/mcfc_junction/sparsity_error`,
  `MCFC/mcfc_out_gate/sparsity_error` (the MCFC tags stay under `MCFC/` inside MulMCFC).
* `sparsity_error()` is what the original export actually computes
  (`stable_nalu/reader/tensorboard_metric_reader.py`): (SE(j) + SE(o))/2
  for every member. For the MulMCFC variants the export meant to average in the bias and ĝ, but
  they are logged before the junction and dropped, so this keeps the actual behaviour.
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    exact_sigmoid,
    linear,
    negative_phase,
    nmu_sparsity_regularizer,
    sparsity_error,
)


def orthogonal_(parameter: torch.Tensor, runs, generators) -> None:
    """Fill `parameter[run]` with a (semi-)orthogonal matrix drawn from that run's generator."""
    for run, generator in zip(runs, generators):
        nn.init.orthogonal_(parameter[run], generator=generator)


@register("MCFC")
class MCFC(ArithmeticModule):
    """MCFC: y = σ(w + b) ⊙ (x · softmax(r)), mass-conserving addition."""

    JUNCTION_TAG = f"{LAYER_SCOPE}/MCFC/mcfc_junction/sparsity_error"
    OUT_GATE_TAG = f"{LAYER_SCOPE}/MCFC/mcfc_out_gate/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.junction = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.out_gate_weight = nn.Parameter(torch.zeros(runs, output_size, 1))
        self.out_gate_bias = nn.Parameter(torch.zeros(runs, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        orthogonal_(self.out_gate_weight, runs, generators)
        self.out_gate_bias[runs] = 0.0
        orthogonal_(self.junction, runs, generators)

    def _junction_and_gate(self):
        junction = torch.softmax(self.junction, dim=-1)  # [R, I, O]
        out_gate = exact_sigmoid(self.out_gate_weight.squeeze(-1) + self.out_gate_bias)  # [R, O]
        return junction, out_gate

    def _mcfc(self, x, log):
        junction, out_gate = self._junction_and_gate()
        if log is not None:
            log[self.JUNCTION_TAG] = sparsity_error(junction.detach())
            log[self.OUT_GATE_TAG] = sparsity_error(out_gate.detach())
        return out_gate.unsqueeze(1) * linear(x, junction)

    def forward(self, x, log=None):
        return self._mcfc(x, log)

    def regularizers(self):
        squares = [p.square().reshape(self.runs, -1).mean(dim=1)
                   for p in (self.junction, self.out_gate_weight, self.out_gate_bias)]
        return {"W": -torch.stack(squares).sum(dim=0)}

    @torch.no_grad()
    def sparsity_error(self):
        junction, out_gate = self._junction_and_gate()
        return (sparsity_error(junction) + sparsity_error(out_gate)) / 2


@register("MulMCFC")
class MulMCFC(MCFC):
    """MulMCFC: y = exp(MCFC(log x) + c), positive inputs only."""

    BIAS_TAG = f"{LAYER_SCOPE}/MulMCFC/mulmcfc_bias/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.bias = nn.Parameter(torch.zeros(runs, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        super().reset_parameters(generators, runs)
        self.bias[self._runs(runs)] = 0.0

    def _magnitude(self, x):
        return x

    def _sign(self, x, log):
        return 1.0

    def forward(self, x, log=None):
        if log is not None:
            log[self.BIAS_TAG] = sparsity_error(self.bias.detach())
        sign = self._sign(x, log)
        log_sum = self._mcfc(torch.log(self._magnitude(x)), log)
        return torch.exp(log_sum + self.bias.unsqueeze(1)) * sign


@register("MulMCFCSignINALU")
class MulMCFCSignINALU(MulMCFC):
    """MulMCFC on |x| with the iNALU-style sign product."""

    def _magnitude(self, x):
        return x.abs()

    def _sign(self, x, log):
        weights = torch.softmax(self.junction, dim=-1).abs().unsqueeze(1)  # [R, 1, I, O]
        return (x.sign().unsqueeze(-1) * weights + 1 - weights).prod(dim=2)


@register("MulMCFCSignRealNPU")
class MulMCFCSignRealNPU(MulMCFC):
    """MulMCFC on |x| with the Real-NPU-style sign cos(k·s) and a learned gate g."""

    GATE_TAG = f"{LAYER_SCOPE}/MulMCFC/mulmcfcsignrealnpu_g_hat/sparsity_error"

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1):
        super().__init__(input_size, output_size, runs)
        self.g = nn.Parameter(torch.zeros(runs, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        super().reset_parameters(generators, runs)
        self.g[self._runs(runs)] = 0.5

    def _magnitude(self, x):
        return x.abs()

    def _sign(self, x, log):
        g_hat = self.g.clamp(0.0, 1.0)
        if log is not None:
            log[self.GATE_TAG] = sparsity_error(g_hat.detach())
        phase = g_hat.unsqueeze(1) * negative_phase(x)  # [R, B, I]
        return torch.cos(linear(phase, torch.softmax(self.junction, dim=-1)))

    def regularizers(self):
        return {**super().regularizers(), "gate": nmu_sparsity_regularizer(self.g)}
