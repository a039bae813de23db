"""The identity task (nalm/tasks/identity_extrapolation.py) as `nkarasovd/Neural_Arithmetic_Logic_Units`
`src/train_mlp.py` runs it: train on torch.arange(-5, 6), test on torch.arange(-20, 21), full
batch, F.mse_loss; the test reports |f(x) − x| per input (`src/utils.py` `test`)."""

import torch

from nalm.tasks.identity_extrapolation import IdentityBlock, IdentityRun, error_metric


class Shift(torch.nn.Module):
    """f(x) = x + run index: a network with a known error."""

    def forward(self, x, log=None):
        return x + torch.arange(x.shape[0], dtype=x.dtype).view(-1, 1, 1)


def test_training_batch_is_every_integer_of_the_training_range():
    task = IdentityBlock([IdentityRun("ReLU6", 0), IdentityRun("ReLU6", 1)], (-5, 5), (-20, 20))
    x, y = task.next_batch()
    assert x.shape == (2, 11, 1) and torch.equal(x[1, :, 0], torch.arange(-5.0, 6.0))
    assert torch.equal(y, x[..., 0])
    assert task.test_points == list(range(-20, 21))


def test_loss_and_metrics_are_the_mean_squared_error_and_the_absolute_errors():
    task = IdentityBlock([IdentityRun("Tanh", 0), IdentityRun("Tanh", 1), IdentityRun("Tanh", 2)], (-5, 5), (-20, 20))
    x, y = task.next_batch()
    assert torch.equal(task.loss(Shift()(x), y), torch.tensor([0.0, 1.0, 4.0]))
    metrics = task.evaluate(Shift())
    assert torch.equal(metrics[error_metric(-20)], torch.tensor([0.0, 1.0, 2.0]))
    assert [m.name for m in task.metrics][:2] == ["train_mse", "abs_error_at_-20"]
    assert len(task.metrics) == 1 + 41
