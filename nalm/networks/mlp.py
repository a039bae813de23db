"""R independent multilayer perceptrons with batched weights: the MLPs of the NALU paper's
experiments (Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018, arXiv 1808.00508, §1.1
and §4.1) as the PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` builds them
(`src/models/model.py` `GeneralModel.build_model`, `src/models/mlp.py` `MLP.layer`):

    h_1 = φ(x W_1ᵀ + b_1),  h_k = φ(h_{k−1} W_kᵀ + b_k) for k = 2..L,  y = h_L W_outᵀ + b_out

L hidden layers of one width, the activation φ after every hidden layer and none after the
output layer; activation `none` gives a purely linear network. With `PReLU`, every hidden layer
has its own learnable slope (the reproduction calls `self.activation()` once per layer).

The activation may differ from run to run (one name per run, equal names contiguous): the 100
models of each of the 14 activations of the extrapolation-failure figure then train as one
program, whose per-step cost barely grows with the number of runs.

Weights are `[R, O, I]` tensors applied with batched matrix products; run r's initial weights are
those of the torch model built under a seed drawn from run r's own generator, so they follow
PyTorch's default initialisation (`nn.Linear`: kaiming-uniform weights and U(±1/√I) biases;
`nn.PReLU`: 0.25), in the model's construction order.

Block independence: batched products, additions and the optimiser are per run; activations with
transcendental functions (σ, tanh, softplus, ELU, SELU) are evaluated on padded copies
(`nalm.modules.base`), whose every element takes the same SIMD path whatever R is. A run alone
therefore gives the same bits as inside any block (tests/unit/networks/test_mlp.py).
"""

import torch
import torch.nn.functional as F
from torch import nn

from nalm.modules.base import _padded

#: activation name -> (torch module class name, its element-wise function with PyTorch defaults)
ACTIVATIONS = {
    "hardtanh": ("Hardtanh", F.hardtanh),
    "sigmoid": ("Sigmoid", torch.sigmoid),
    "relu6": ("ReLU6", F.relu6),
    "tanh": ("Tanh", torch.tanh),
    "tanhshrink": ("Tanhshrink", F.tanhshrink),
    "hardshrink": ("Hardshrink", F.hardshrink),
    "leakyrelu": ("LeakyReLU", F.leaky_relu),
    "softshrink": ("Softshrink", F.softshrink),
    "softsign": ("Softsign", F.softsign),
    "relu": ("ReLU", F.relu),
    "prelu": ("PReLU", None),
    "softplus": ("Softplus", F.softplus),
    "elu": ("ELU", F.elu),
    "selu": ("SELU", F.selu),
    "none": (None, None),
}
#: activations whose kernels round differently in the SIMD tail: evaluated on padded copies
TRANSCENDENTAL = {"sigmoid", "tanh", "tanhshrink", "softplus", "elu", "selu"}


def activation_key(name: str) -> str:
    """`ReLU6` → `relu6`; ValueError naming the choices for an unknown activation."""
    key = str(name).lower()
    if key not in ACTIVATIONS:
        choices = ", ".join(cls or "none" for cls, _ in ACTIVATIONS.values())
        raise ValueError(f"unknown activation {name!r}: expected one of {choices}")
    return key


def template(input_size: int, hidden_size: int, hidden_layers: int, output_size: int, activation: str) -> nn.Sequential:
    """The reproduction's torch MLP (one run): what a run's initial weights are drawn as."""
    key = activation_key(activation)
    module_name = ACTIVATIONS[key][0]
    sizes = [input_size] + [hidden_size] * hidden_layers
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers.append(nn.Linear(fan_in, fan_out))
        if module_name is not None:
            layers.append(getattr(nn, module_name)())
    layers.append(nn.Linear(sizes[-1], output_size))
    return nn.Sequential(*layers)


def _groups(activations: list) -> list:
    """[(activation, first run, end run)] of contiguous runs with one activation."""
    groups = []
    for run, name in enumerate(activations):
        if groups and groups[-1][0] == name:
            groups[-1][2] = run + 1
        elif any(group[0] == name for group in groups):
            raise ValueError(f"the runs of activation {name!r} are not contiguous")
        else:
            groups.append([name, run, run + 1])
    return [tuple(group) for group in groups]


class RunsMLP(nn.Module):
    """R MLPs `[R, B, I] → [R, B, O]` (a `[1, B, I]` input is shared by every run).

    `activation`: one name for every run, or a list of R names (equal names contiguous).
    """

    def __init__(self, input_size: int, hidden_size: int, hidden_layers: int, output_size: int,
                 activation, runs: int):
        super().__init__()
        if min(input_size, hidden_size, hidden_layers, output_size, runs) < 1:
            raise ValueError("sizes, hidden layers and runs must be positive")
        names = [activation] * runs if isinstance(activation, str) else list(activation)
        if len(names) != runs:
            raise ValueError(f"{len(names)} activations for {runs} runs")
        self.activations = [activation_key(name) for name in names]
        self.groups = _groups(self.activations)
        self.sizes = (input_size, hidden_size, hidden_layers, output_size)
        self.input_size, self.output_size, self.runs = input_size, output_size, runs
        widths = [input_size] + [hidden_size] * hidden_layers + [output_size]
        self.weights = nn.ParameterList(nn.Parameter(torch.zeros(runs, o, i)) for i, o in zip(widths, widths[1:]))
        self.biases = nn.ParameterList(nn.Parameter(torch.zeros(runs, o)) for o in widths[1:])
        # PReLU slopes [R, 1] per hidden layer; runs of other activations never use (or move) theirs
        self.slopes = nn.ParameterList(
            nn.Parameter(torch.zeros(runs, 1)) for _ in range(hidden_layers if "prelu" in self.activations else 0)
        )

    def template(self, run: int = 0) -> nn.Sequential:
        return template(*self.sizes, self.activations[run])

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = list(range(self.runs)) if runs is None else [int(run) for run in runs]
        for run, generator in zip(runs, generators):
            seed = int(torch.randint(0, 2**62, (1,), generator=generator))
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                model = self.template(run)
            linears = [m for m in model if isinstance(m, nn.Linear)]
            for k, linear in enumerate(linears):
                self.weights[k][run] = linear.weight
                self.biases[k][run] = linear.bias
            for k, prelu in enumerate(m for m in model if isinstance(m, nn.PReLU)):
                self.slopes[k][run] = prelu.weight

    def _activate_group(self, h: torch.Tensor, name: str, k: int, first: int, end: int) -> torch.Tensor:
        if name == "none":
            return h
        if name == "prelu":
            return torch.where(h >= 0, h, self.slopes[k][first:end].unsqueeze(1) * h)
        function = ACTIVATIONS[name][1]
        return _padded(function, h) if name in TRANSCENDENTAL else function(h)

    def _activate(self, h: torch.Tensor, k: int) -> torch.Tensor:
        if len(self.groups) == 1:
            return self._activate_group(h, self.groups[0][0], k, 0, self.runs)
        return torch.cat([self._activate_group(h[first:end], name, k, first, end) for name, first, end in self.groups])

    def forward(self, x, log=None):
        if x.shape[0] != self.runs:
            # an explicit [R, B, I] view: per-run products, never one gemm folded over the runs
            x = x.expand(self.runs, *x.shape[1:])
        h = x
        last = len(self.weights) - 1
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.matmul(h, W.transpose(1, 2)) + b.unsqueeze(1)
            if k < last:
                h = self._activate(h, k)
        return h

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp."""
