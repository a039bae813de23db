"""Numerical extrapolation failures of MLPs: learning the identity on [−5, 5], tested on [−20, 20].

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018 (arXiv 1808.00508), §1.1 and Figure 1,
as the PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` runs it (`src/train_mlp.py`,
`src/utils.py`): an MLP 1 → 8 → 8 → 8 → 1 (`nalm.networks.mlp`) is trained to output its input
on the integers −5 … 5, all eleven every step (full batch), with the mean squared error

    L = (1/11) Σ_{x=−5}^{5} (f(x) − x)²,

then evaluated by the absolute error |f(x) − x| at every integer x = −20 … 20. The figure averages
that error over the models of each activation.

Mapping onto the engine (`nalm.core.engine`): one iteration is one full-batch step; the
reproduction's 10,000 steps followed by its test are the metrics logged at t = 10,000 (the
parameters after 10,000 updates). Every run sees the same points; only initial weights differ.
"""

from dataclasses import dataclass

import torch

from nalm.core.protocol import Metric


@dataclass(frozen=True)
class IdentityRun:
    """One MLP of a block: its activation (the run's group) and seed."""

    activation: str
    seed: int

    @property
    def group(self) -> str:
        return self.activation


def error_metric(x: int) -> str:
    """The metric holding |f(x) − x| at test input x."""
    return f"abs_error_at_{x}"


class IdentityBlock:
    """The identity task bound to a block of MLPs (`nalm.core.protocol.BlockTask`)."""

    selection_metric = "train_mse"

    def __init__(self, runs: list, train_integers: tuple, test_integers: tuple):
        self.runs = list(runs)
        (train_low, train_high), (test_low, test_high) = train_integers, test_integers
        self.test_points = list(range(test_low, test_high + 1))
        self.metrics = (Metric("train_mse"), *(Metric(error_metric(x)) for x in self.test_points))
        R = len(self.runs)
        # explicit [R, n, 1] copies: per-run products, whatever R is
        self.train_x = torch.arange(train_low, train_high + 1, dtype=torch.float32).view(1, -1, 1).repeat(R, 1, 1)
        self.test_x = torch.tensor(self.test_points, dtype=torch.float32).view(1, -1, 1).repeat(R, 1, 1)

    def to(self, device) -> None:
        self.train_x = self.train_x.to(device)
        self.test_x = self.test_x.to(device)

    def next_batch(self):
        return self.train_x, self.train_x[..., 0]

    def loss(self, output, targets):
        return (output[..., 0] - targets).square().mean(dim=1)

    def evaluate(self, network) -> dict:
        train = (network(self.train_x)[..., 0] - self.train_x[..., 0]).square().mean(dim=1)
        errors = (network(self.test_x)[..., 0] - self.test_x[..., 0]).abs()
        return {"train_mse": train, **{error_metric(x): errors[:, k] for k, x in enumerate(self.test_points)}}

    def run_details(self, r: int) -> dict:
        return {"activation": self.runs[r].activation}
