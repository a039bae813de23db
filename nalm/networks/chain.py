"""NeuralArithmetic.jl's `Chain` with the loss terms the NPU paper's scripts add, all R runs at once.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681) trains its models as
Flux `Chain`s of layers (`nmheim/NeuralArithmetic.jl`, `examples/npu.jl`; `nmheim/NeuralPowerUnits`,
`scripts/simple/run.jl`, `scripts/arithmetic/*_l1_runs.jl`) with a loss written in user code:

    L = MSE(model(x), y) + β(t)·norm(ps, 1)          (ps = params(model))

Julia's `norm(ps, 1)` over a collection of arrays is `LinearAlgebra.generic_norm1`: the sum of
each array's **2-norm** (Frobenius), Σ_A ‖A‖_F, a group-lasso term, not the element-wise
Σ|p| its comments suggest. `l1` chooses:

* `frobenius-sum`: Σ_A ‖A‖_F per run, what the original code computes (its gradient A/‖A‖_F,
  0 for an all-zero array, as ChainRules' `norm` rule). Returned as the term `W_npu`, which the
  engine (`nalm.core.engine`) weights by `regularizer_npu_w`·β(t) under `reg_scale_type: heim`:
  with `regularizer_npu_w = 1` that is exactly β(t)·norm(ps, 1).
* `elementwise`: Σ|p|, the paper's ‖θ‖₁; this is the engine's own L1 (`l1: true`), so the
  network adds nothing.
* `none`: no term.

`saturation=True` keeps the layers' `inalu` terms (the iNALU saturation penalty that
`scripts/simple/run.jl` adds for the second half of training; the engine's `inalu_regularizer`
weighs and gates it). Every other term of the layers (NAU/NMU sparsity, NPU W and gate terms)
is dropped: the originals' losses have none of them.

Block independence: the batch is padded to a multiple of 64 rows (with ones) before the layers
and cut after, so every element-wise kernel sees a whole number of SIMD blocks per run and no
run lands in a kernel's scalar tail, whatever R (`docs/architecture.md`, "Decisions").
"""

import torch

from nalm.networks.stack import Stack

L1_NORMS = ("frobenius-sum", "elementwise", "none")
#: rows per padding block: a multiple of every SIMD loop step of torch's CPU kernels
PAD_ROWS = 64


def frobenius_sum(parameters, runs: int) -> torch.Tensor:
    """Σ_A ‖A_r‖_F per run r: Julia's `norm(params(model), 1)`, `[R]`."""
    return sum(torch.linalg.vector_norm(p.reshape(runs, -1), dim=1) for p in parameters)


class Chain(Stack):
    """Layers in sequence (`Stack`), with the NPU paper's loss terms instead of the layers' own."""

    def __init__(self, *layers, l1: str = "none", saturation: bool = False):
        super().__init__(*layers)
        if l1 not in L1_NORMS:
            raise ValueError(f"l1 must be one of {L1_NORMS}")
        self.l1, self.saturation = l1, bool(saturation)

    def forward(self, x, log=None):
        rows = x.shape[-2]
        padding = -rows % PAD_ROWS
        if padding:
            x = torch.cat([x, x.new_ones(*x.shape[:-2], padding, x.shape[-1])], dim=-2)
        return super().forward(x, log)[..., :rows, :]

    def regularizers(self) -> dict:
        terms = {}
        if self.l1 == "frobenius-sum":
            terms["W_npu"] = frobenius_sum([p for p in self.parameters() if p.requires_grad], self.runs)
        if self.saturation:
            inalu = [layer.regularizers().get("inalu") for layer in self.layers]
            inalu = [term for term in inalu if term is not None]
            if inalu:
                terms["inalu"] = sum(inalu)
        return terms
