"""The arithmetic MNIST network: the shared digit encoder, then a head on the two digit estimates.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177), `bmistry4/nalm-division`, `experiments/two_digit_mnist.py` (`Net`):

    z = encoder(image)                 [R, B, 2]: soft-argmax estimates of the left and right digit
    y = head(z)                        [R, B]

Heads (`nalm/papers/division/mnist.yaml`):

* `div`: the fixed quotient y = z₀ / z₁ (`Labels2Out` without learning), no parameters;
* `mlp`: Linear(2→256) → ReLU → Linear(256→256) → ReLU → Linear(256→1) (`MLPRegression`), with
  the script's Adam weight decay (coupled, 1e-3, on the MLP's parameters only) as a gradient hook;
* a registered arithmetic module with two inputs and one output (`RealNPU`, `NRU`, `NMRU`,
  nalm/modules/): its own initialisation, clamp and regulariser terms.

The network follows the engine's protocol (`nalm.core.protocol.Network`): the encoder is
initialised first, then the head, each run from its own generator; dropout masks come from each
run's dropout generator (`set_dropout_generators`).
"""

import torch
from torch import nn

from nalm.networks.mnist_encoder import VectorisedDigitEncoder
from nalm.networks.vectorised import Vectorised

HEAD_NETWORKS = ("div", "mlp", "module")


class DivisionHead(nn.Module):
    """y = z₀ / z₁ for every run; nothing to train."""

    def __init__(self, runs: int):
        super().__init__()
        self.runs = runs

    def reset_parameters(self, generators, runs=None) -> None:
        """No parameters."""

    def forward(self, z, log=None):
        return (z[..., 0] / z[..., 1]).unsqueeze(-1)

    def regularizers(self) -> dict:
        return {}

    def project_(self) -> None:
        """No clamp."""


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1))


class MLPHead(Vectorised):
    """R copies of the script's MLP, with Adam's coupled weight decay on its parameters only.

    The script gives the MLP its own Adam parameter group with `weight_decay`; torch's Adam then
    adds weight_decay·p to the gradient before its moments. A gradient hook on each stacked
    parameter adds the same term here, so one optimiser serves encoder and head alike.
    """

    def __init__(self, runs: int, weight_decay: float = 0.0):
        super().__init__(_mlp, runs)
        self.weight_decay = float(weight_decay)
        if self.weight_decay:
            for parameter in self.stacked.values():
                parameter.register_hook(lambda grad, p=parameter: grad.add(p.detach(), alpha=self.weight_decay))

    def forward(self, z, log=None):
        return super().forward(z)


def build_head(network: str, runs: int, module: str | None = None, module_options: dict | None = None):
    """The head of `network` kind (`div`, `mlp`, or `module` with a registered module name)."""
    if network == "div":
        return DivisionHead(runs)
    if network == "mlp":
        return MLPHead(runs, **(module_options or {}))
    if network == "module":
        from nalm import modules

        return modules.build(module, 2, 1, runs, **(module_options or {}))
    raise ValueError(f"head network must be one of {HEAD_NETWORKS}, not {network!r}")


class DigitArithmeticNetwork(nn.Module):
    """encoder → head for R runs: [R, B, 1, 28, 56] images → [R, B, 1] outputs."""

    def __init__(self, head, runs: int, execution: str = "loop"):
        super().__init__()
        self.runs = runs
        self.encoder = VectorisedDigitEncoder(runs, execution)
        self.head = head
        self.dropout_generators = None

    def set_dropout_generators(self, generators) -> None:
        """One torch generator per run for the training forward's dropout masks."""
        self.dropout_generators = list(generators)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        self.encoder.reset_parameters(generators, runs)
        self.head.reset_parameters(generators, runs)

    def digits(self, images) -> torch.Tensor:
        """The encoder's digit estimates [R, B, 2] (dropout only in training mode)."""
        return self.encoder(images, self.dropout_generators if self.training else None)

    def head_output(self, z, log=None) -> torch.Tensor:
        return self.head(z, log)

    def forward(self, images, log=None):
        return self.head_output(self.digits(images), log)

    def regularizers(self) -> dict:
        return self.head.regularizers()

    @torch.no_grad()
    def project_(self) -> None:
        self.head.project_()
