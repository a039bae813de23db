"""A dense (affine) layer with a runs dimension: Flux's `Dense`, the baseline of the NPU paper.

    y = act(x · Wᵀ + b),   W ∈ ℝ^{O×I}, b ∈ ℝ^{O},   act ∈ {identity, σ}

As `Dense(in, out, σ)` of Flux 0.10 (the version `nmheim/NeuralPowerUnits` pins in its
`Manifest.toml`): W from Glorot's U(±√(6/(I+O))) and b = 0. The "Dense" model of *Neural Power
Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681; `scripts/simple/run.jl`) is
Dense(2,50,σ) → Dense(50,50,σ) → Dense(50,4), a `nalm.networks.stack.Stack` of three of these.

The layer follows the arithmetic modules' protocol (`nalm.modules.base`): `[R, B, I] -> [R, B, O]`,
every parameter with a leading runs dimension, run r initialised from its own generator; no
regulariser and no clamp. Its matrix product is a batched matmul per run, so a run's bits do not
depend on its block (the element-wise σ too, once the batch is padded as `nalm.networks.chain`
does; tests/unit/networks/test_npu_chain.py).
"""

import torch
from torch import nn

from nalm.modules.base import sparsity_error, uniform_, xavier_uniform_bound

ACTIVATIONS = ("identity", "sigmoid")


class Dense(nn.Module):
    """R independent affine layers, each followed by `activation`."""

    def __init__(self, input_size: int, output_size: int, runs: int = 1, activation: str = "identity"):
        super().__init__()
        if input_size < 1 or output_size < 1 or runs < 1:
            raise ValueError("input_size, output_size and runs must be positive")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}")
        self.input_size, self.output_size, self.runs = input_size, output_size, runs
        self.activation = activation
        self.W = nn.Parameter(torch.zeros(runs, output_size, input_size))
        self.b = nn.Parameter(torch.zeros(runs, output_size))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = list(range(self.runs)) if runs is None else [int(run) for run in runs]
        bound = xavier_uniform_bound(self.input_size, self.output_size)
        uniform_(self.W, runs, generators, -bound, bound)
        self.b[runs] = 0.0

    def forward(self, x, log=None):
        y = torch.matmul(x, self.W.transpose(1, 2)) + self.b.unsqueeze(1)
        return torch.sigmoid(y) if self.activation == "sigmoid" else y

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp."""

    @torch.no_grad()
    def sparsity_error(self) -> torch.Tensor:
        return sparsity_error(self.W)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, output_size={self.output_size}, runs={self.runs}, activation={self.activation}"
