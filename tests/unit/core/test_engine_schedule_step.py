"""The engine's regulariser ramp counts the task's `schedule_step(t)` when it has one
(nalm/core/engine.py; an epoch-based task such as nalm/tasks/arithmetic_mnist.py)."""

import torch
from torch import nn

from nalm.core.engine import Block
from nalm.core.hyperparameters import Hyperparameters
from nalm.core.protocol import Metric


class Constant(nn.Module):
    """One parameter per run; its regulariser term `W` is 1, so the logged regulariser is λ·s."""

    def __init__(self, runs):
        super().__init__()
        self.runs, self.w = runs, nn.Parameter(torch.zeros(runs, 1))

    def reset_parameters(self, generators, runs=None):
        pass

    def forward(self, x, log=None):
        return x * self.w

    def regularizers(self):
        return {"W": torch.ones(self.runs) + 0 * self.w[:, 0]}

    def project_(self):
        pass


class Task:
    metrics = (Metric("zero", "zero"),)
    selection_metric = "zero"

    def __init__(self, epoch_length=None):
        self.runs = [type("Run", (), {"seed": 0, "group": "g"})()]
        if epoch_length is not None:
            self.schedule_step = lambda t: t // epoch_length

    def next_batch(self):
        return torch.ones(1, 2, 1), torch.zeros(1, 2)

    def loss(self, output, targets):
        return (output[..., 0] - targets).square().mean(dim=1)

    def evaluate(self, network):
        return {"zero": torch.zeros(1)}

    def to(self, device):
        pass


def logged_regularizer(task):
    hyper = Hyperparameters(preset="test", regularizer=1.0, regularizer_ramp=(2, 4))
    logs = Block(hyper, task, Constant(1), iterations=11, log_interval=1).train()
    return [value for _, tag, value in logs[0].scalars if tag == "loss/train/regualizer"]


def test_the_ramp_counts_iterations_by_default():
    assert logged_regularizer(Task()) == [0, 0, 0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1]


def test_the_ramp_counts_the_tasks_schedule_step():
    # epochs of 3 iterations: epoch 2 (t = 6..8) has s = 0, epoch 3 has 0.5, epoch 4 has 1
    assert logged_regularizer(Task(epoch_length=3)) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5]
