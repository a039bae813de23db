"""Neural Power Unit (NPU, complex weights) and Real NPU.

Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681 (NPU, Real NPU); the
Real NPU variants from Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural
Division Modules", TMLR 2022 (earlier version arXiv 2110.05177). Settings from
`stable_nalu/layer/npu.py` and `npu_real.py` in `bmistry4/nalm-benchmark` and
`bmistry4/nalm-division`, the division repository's regularisers
(`stable_nalu/functional/regualizer.py`) and its `--npu-clip` options
(`experiments/single_layer.py`).

    ĝ = clamp(g, 0, 1)                     (per input; no gradient outside [0, 1])
    r = ĝ ⊙ (|x| + ε) + (1 - ĝ),  ε = float32 eps = 2⁻²³
    k = ĝ ⊙ max(-sign(x), 0)·π             (π where x < 0; x = 0 gives 0)
    NPU:      y = exp(log r · W_re - k · W_im) ⊙ cos(k · W_re + log r · W_im)
    Real NPU: y = exp(log r · W_re) ⊙ cos(k · W_re)

* W_re (and W_im) ∈ ℝ^{I×O}, g ∈ ℝ^{I}. W_im = 0, g = 0.5. W_re by `init`:
  `xavier-uniform` U(±√(6/(I+O))) (±1.41421 for I = 2; the benchmark and the Real NPU
  baseline) or `xavier-uniform-constrained` U(±min(0.5, √3·√(2/(I+O)))) (the NAU's; modified
  Real NPU).
* `clip`, the in-place clamp after each step: `none`; `w`: W_re to [-1, 1]; `g`: g to [0, 1];
  `wg`: both; `wig` (NPU only): W_re and W_im to [-1, 1], g to [0, 1].
* Regularisers (raw terms; the engine weights them by λ_npuW·(β or s) and λ_gate·(β or s), both
  λ 0 in the benchmark and 1 in the modified Real NPU; the L1 term over every parameter is the
  engine's):
  `W_npu`: mean(|1 - |W_re||), minima at ±1; with `clip="wig"` plus Σ|W_im| (a sum). The Real NPU
  option `w_regularizer="bias"` uses mean(min(|W_re|, |1 - |W_re||)) instead, minima at -1, 0, 1.
  `gate`: mean(min(|g|, |1 - g|)) on the raw g.
* Logged: `npu/{W_real,W_im,gate}/sparsity_error` and `real_npu/{W_real,gate}/sparsity_error`,
  W on the raw (unclamped) values, the gate on ĝ.
* `sparsity_error()`: Real NPU SE(W_re); NPU (SE(W_re) + SE(W_im))/2, as the benchmark's
  export (`stable_nalu/reader/tensorboard_metric_reader.py`). The division repository's export
  adds the two instead (twice this value).

Options for the layers of `nmheim/NeuralArithmetic.jl` (`src/npu.jl`) and of the NPU paper's own
scripts (`nmheim/NeuralPowerUnits`): `gate_gradient="straight-through"` passes the gradient to g
as if ĝ were not clamped (NeuralArithmetic.jl's `gateclip` rule; the default `clamp` gives 0
outside [0, 1], as the paper's code, NeuralArithmetic.jl v0.3.0), `gate_init` the initial g
(0.5; 1 for the NPU of the paper's 100-input task) and `init="rand/10"` W_re from U[0, 0.1)
(`scripts/arithmetic/`, Julia's `rand(Float32, ·)/10`).
"""

import torch
from torch import nn

from nalm.modules import register
from nalm.modules.base import (
    LAYER_SCOPE,
    ArithmeticModule,
    linear,
    nau_sparsity_regularizer,
    negative_phase,
    nmu_sparsity_regularizer,
    sparsity_error,
    uniform_,
    xavier_uniform_bound,
)
from nalm.modules.nau import nau_init_bound

EPS = torch.finfo(torch.float32).eps
INITS = ("xavier-uniform", "xavier-uniform-constrained", "rand/10")
W_REGULARIZERS = ("W", "bias")
GATE_GRADIENTS = ("clamp", "straight-through")


class _StraightThroughClamp(torch.autograd.Function):
    """clamp(g, 0, 1) forward, identity backward (NeuralArithmetic.jl's `gateclip` rrule)."""

    @staticmethod
    def forward(ctx, g):
        return g.clamp(0.0, 1.0)

    @staticmethod
    def backward(ctx, grad):
        return grad


@register("RealNPU")
class RealNPU(ArithmeticModule):
    """Real NPU: y = exp(log r·W_re) ⊙ cos(k·W_re), gated magnitude r and phase k."""

    SCOPE = f"{LAYER_SCOPE}/real_npu"
    CLIPS = ("none", "w", "g", "wg")

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1,
                 init: str = "xavier-uniform", clip: str = "none", w_regularizer: str = "W",
                 gate_init: float = 0.5, gate_gradient: str = "clamp"):
        super().__init__(input_size, output_size, runs)
        if init not in INITS or clip not in self.CLIPS or w_regularizer not in W_REGULARIZERS \
                or gate_gradient not in GATE_GRADIENTS:
            raise ValueError(f"init must be one of {INITS}, clip one of {self.CLIPS}, "
                             f"w_regularizer one of {W_REGULARIZERS}, gate_gradient one of {GATE_GRADIENTS}")
        self.init, self.clip, self.w_regularizer = init, clip, w_regularizer
        self.gate_init, self.gate_gradient = float(gate_init), gate_gradient
        self.W_real = nn.Parameter(torch.zeros(runs, input_size, output_size))
        self.g = nn.Parameter(torch.zeros(runs, input_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        if self.init == "rand/10":
            uniform_(self.W_real, runs, generators, 0.0, 0.1)
        else:
            if self.init == "xavier-uniform":
                r = xavier_uniform_bound(self.input_size, self.output_size)
            else:
                r = nau_init_bound(self.input_size, self.output_size)
            uniform_(self.W_real, runs, generators, -r, r)
        self.g[runs] = self.gate_init

    def _log_magnitude_and_phase(self, x):
        if self.gate_gradient == "straight-through":
            g_hat = _StraightThroughClamp.apply(self.g).unsqueeze(1)
        else:
            g_hat = self.g.clamp(0.0, 1.0).unsqueeze(1)  # [R, 1, I]
        log_r = torch.log(g_hat * (x.abs() + EPS) + (1 - g_hat))
        return log_r, g_hat * negative_phase(x), g_hat.squeeze(1)

    def forward(self, x, log=None):
        log_r, k, g_hat = self._log_magnitude_and_phase(x)
        if log is not None:
            log[f"{self.SCOPE}/W_real/sparsity_error"] = sparsity_error(self.W_real.detach())
            log[f"{self.SCOPE}/gate/sparsity_error"] = sparsity_error(g_hat.detach())
        return torch.exp(linear(log_r, self.W_real)) * torch.cos(linear(k, self.W_real))

    def regularizers(self):
        if self.w_regularizer == "bias":
            w_term = nau_sparsity_regularizer(self.W_real)
        else:
            w_term = (1 - self.W_real.abs()).abs().mean(dim=(1, 2))
        return {"W_npu": w_term, "gate": nmu_sparsity_regularizer(self.g)}

    @torch.no_grad()
    def project_(self):
        if self.clip in ("w", "wg", "wig"):
            self.W_real.clamp_(-1.0, 1.0)
        if self.clip in ("g", "wg", "wig"):
            self.g.clamp_(0.0, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return sparsity_error(self.W_real)


@register("NPU")
class NPU(RealNPU):
    """NPU: the real part of exp((W_re + i·W_im)·log x), gated as the Real NPU."""

    SCOPE = f"{LAYER_SCOPE}/npu"
    CLIPS = ("none", "w", "g", "wg", "wig")

    def __init__(self, input_size: int, output_size: int = 1, runs: int = 1,
                 init: str = "xavier-uniform", clip: str = "none", gate_init: float = 0.5,
                 gate_gradient: str = "clamp"):
        super().__init__(input_size, output_size, runs, init=init, clip=clip, gate_init=gate_init,
                         gate_gradient=gate_gradient)
        self.W_im = nn.Parameter(torch.zeros(runs, input_size, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        super().reset_parameters(generators, runs)
        self.W_im[self._runs(runs)] = 0.0

    def forward(self, x, log=None):
        log_r, k, g_hat = self._log_magnitude_and_phase(x)
        if log is not None:
            log[f"{self.SCOPE}/W_real/sparsity_error"] = sparsity_error(self.W_real.detach())
            log[f"{self.SCOPE}/W_im/sparsity_error"] = sparsity_error(self.W_im.detach())
            log[f"{self.SCOPE}/gate/sparsity_error"] = sparsity_error(g_hat.detach())
        magnitude = linear(log_r, self.W_real) - linear(k, self.W_im)
        phase = linear(k, self.W_real) + linear(log_r, self.W_im)
        return torch.exp(magnitude) * torch.cos(phase)

    def regularizers(self):
        terms = super().regularizers()
        if self.clip == "wig":
            terms["W_npu"] = terms["W_npu"] + self.W_im.abs().sum(dim=(1, 2))
        return terms

    @torch.no_grad()
    def project_(self):
        super().project_()
        if self.clip == "wig":
            self.W_im.clamp_(-1.0, 1.0)

    @torch.no_grad()
    def sparsity_error(self):
        return (sparsity_error(self.W_real) + sparsity_error(self.W_im)) / 2
