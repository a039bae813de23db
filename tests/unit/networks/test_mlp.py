"""R MLPs with batched weights (nalm/networks/mlp.py): the reproduction's MLP of
`nkarasovd/Neural_Arithmetic_Logic_Units` (`src/models/model.py` `GeneralModel.build_model`,
`src/models/mlp.py` `MLP.layer`) per run, every activation of `src/utils.py` `ACTIVATIONS`, and a
run alone = the same run inside any block, bit for bit."""

import pytest
import torch
from torch import nn

from nalm.core.engine import Block
from nalm.core.hyperparameters import Hyperparameters
from nalm.core.random import init_generator
from nalm.networks.mlp import ACTIVATIONS, RunsMLP, template
from nalm.tasks.identity_extrapolation import IdentityBlock, IdentityRun

REPRODUCTION_ACTIVATIONS = ["Hardtanh", "Sigmoid", "ReLU6", "Tanh", "Tanhshrink", "Hardshrink", "LeakyReLU",
                            "Softshrink", "Softsign", "ReLU", "PReLU", "Softplus", "ELU", "SELU"]


def test_template_is_the_reproductions_general_model():
    model = template(1, 8, 3, 1, "ReLU6")  # MLP(1, 1, num_hidden_layers=3, hidden_dim=8) of train_mlp.py
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU6", "Linear", "ReLU6", "Linear", "ReLU6", "Linear"]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)] == [(1, 8), (8, 8), (8, 8), (8, 1)]
    linear = template(2, 2, 1, 1, "none")  # activation 'none': Linear(2, 2) -> Linear(2, 1)
    assert [type(m).__name__ for m in linear] == ["Linear", "Linear"]


def test_every_activation_of_the_reproduction_is_known():
    assert {name.lower() for name in REPRODUCTION_ACTIVATIONS} | {"none"} == set(ACTIVATIONS)


@pytest.mark.parametrize("activation", REPRODUCTION_ACTIVATIONS)
def test_each_run_is_its_torch_model(activation):
    network = RunsMLP(1, 8, 3, 1, activation, runs=3)
    network.reset_parameters([init_generator(s) for s in (0, 1, 2)])
    x = torch.linspace(-20, 20, 41).view(1, -1, 1).repeat(3, 1, 1)
    for r in range(3):
        generator = init_generator(r)
        torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
        model = template(1, 8, 3, 1, activation)
        assert torch.allclose(network(x)[r], model(x[r]), atol=1e-5), activation


def test_prelu_slopes_start_at_a_quarter_and_are_learnt_per_layer():
    network = RunsMLP(1, 8, 3, 1, "PReLU", runs=2)
    network.reset_parameters([init_generator(0), init_generator(1)])
    assert len(network.slopes) == 3 and all(torch.all(s == 0.25) for s in network.slopes)
    network(-torch.ones(2, 4, 1)).sum().backward()
    assert network.slopes[0].grad is not None


def _train(runs, iterations=30):
    task = IdentityBlock(runs, (-5, 5), (-20, 20))
    network = RunsMLP(1, 8, 3, 1, [run.activation for run in runs], len(runs))
    block = Block(Hyperparameters(preset="test", learning_rate=0.01), task, network, iterations, iterations)
    return block.train(), network


def test_a_run_alone_gives_the_bits_of_the_run_in_a_mixed_block():
    activations = ["Sigmoid", "SELU", "PReLU", "Softplus"]
    block_logs, block_network = _train([IdentityRun(a, seed) for a in activations for seed in (0, 1, 2)])
    alone_logs, alone_network = _train([IdentityRun("Softplus", 1)])
    assert block_logs[10].metrics == alone_logs[0].metrics
    assert torch.equal(block_network.weights[1][10], alone_network.weights[1][0])


def test_activation_runs_must_be_contiguous():
    with pytest.raises(ValueError, match="not contiguous"):
        RunsMLP(1, 8, 1, 1, ["Tanh", "ReLU", "Tanh"], 3)
    with pytest.raises(ValueError, match="unknown activation 'Swish'"):
        RunsMLP(1, 8, 1, 1, "Swish", 1)
