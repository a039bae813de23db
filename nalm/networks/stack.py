"""Arithmetic modules applied one after another, all R runs at once.

    Stack(NPU(2, 6, runs=R), NAU(6, 4, runs=R)):  y = NAU(NPU(x))

as `Chain(NPU(2, 6), NAU(6, 4))` in NeuralArithmetic.jl (`nmheim/NeuralArithmetic.jl`, the
layer API that *Neural Power Units*, Heim, Pevný & Šmídl, NeurIPS 2020, builds on). Every
layer keeps its own parameters, initialisation, clamp and regulariser terms; the stack sums
terms of the same name over its layers (each is weighted by the same schedule) and logs each
layer's values under its own scope `network/layer_<k>/…`, as the original TensorBoard
namespaces number them.
"""

import torch
from torch import nn

from nalm.modules.base import LAYER_SCOPE


def _layer_scope(k: int) -> str:
    return f"network/layer_{k + 1}"


class Stack(nn.Module):
    """Runs-dimension layers applied in order (each `[R, B, I_k] -> [R, B, I_{k+1}]`)."""

    def __init__(self, *layers):
        super().__init__()
        if not layers:
            raise ValueError("a stack needs at least one layer")
        runs = {layer.runs for layer in layers}
        if len(runs) != 1:
            raise ValueError(f"the layers hold different numbers of runs: {sorted(runs)}")
        for before, after in zip(layers, layers[1:]):
            if before.output_size != after.input_size:
                raise ValueError(
                    f"layer outputs {before.output_size} but the next layer takes {after.input_size} inputs"
                )
        self.layers = nn.ModuleList(layers)
        self.runs = layers[0].runs
        self.input_size, self.output_size = layers[0].input_size, layers[-1].output_size

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        # run r draws every layer's weights from its own generator, layer by layer
        for layer in self.layers:
            layer.reset_parameters(generators, runs)

    def forward(self, x, log=None):
        for k, layer in enumerate(self.layers):
            layer_log = {} if log is not None else None
            x = layer(x, layer_log)
            if log is not None:
                for tag, value in layer_log.items():
                    log[tag.replace(LAYER_SCOPE, _layer_scope(k), 1)] = value
        return x

    def regularizers(self) -> dict:
        terms = {}
        for layer in self.layers:
            for name, term in layer.regularizers().items():
                terms[name] = terms[name] + term if name in terms else term
        return terms

    @torch.no_grad()
    def project_(self) -> None:
        for layer in self.layers:
            layer.project_()

    @torch.no_grad()
    def sparsity_error(self) -> torch.Tensor:
        """The largest sparsity error of any layer, per run."""
        return torch.stack([layer.sparsity_error() for layer in self.layers]).amax(dim=0)
