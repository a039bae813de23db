"""Ordinary torch models as R copies in one program (nalm/networks/vectorised.py)."""

import torch
from torch import nn

from nalm.core.random import init_generator
from nalm.networks.vectorised import Vectorised


def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


def model_of_run(seed):
    """What run `seed`'s copy must be: `mlp()` built under the seed its generator gives."""
    generator = init_generator(seed)
    torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
    return mlp()


def test_each_copy_is_its_runs_model():
    network = Vectorised(mlp, 3)
    network.reset_parameters([init_generator(s) for s in (0, 1, 2)])
    x = torch.randn(3, 5, 4)
    y = network(x)
    assert y.shape == (3, 5, 1)
    for r in range(3):
        assert torch.allclose(y[r], model_of_run(r)(x[r]), atol=1e-6)


def test_gradients_stay_in_their_run_and_a_run_alone_matches_the_block():
    block, alone = Vectorised(mlp, 3), Vectorised(mlp, 1)
    block.reset_parameters([init_generator(s) for s in (0, 1, 2)])
    alone.reset_parameters([init_generator(1)])
    x = torch.randn(3, 5, 4)
    block(x)[0].sum().backward()  # only run 0's output
    gradient = block.stacked["0__weight"].grad
    assert gradient[0].abs().sum() > 0 and gradient[1:].abs().sum() == 0
    assert torch.equal(alone(x[1:2])[0], block(x)[1])


def test_a_shared_input_is_broadcast_to_every_run():
    network = Vectorised(mlp, 2)
    network.reset_parameters([init_generator(0), init_generator(1)])
    x = torch.randn(1, 5, 4)
    assert torch.equal(network(x), network(x.expand(2, -1, -1)))


def test_only_the_stacked_copies_are_trained():
    network = Vectorised(mlp, 2)
    shapes = sorted(tuple(p.shape) for p in network.parameters())
    assert shapes == [(2, 1), (2, 1, 8), (2, 8), (2, 8, 4)]
