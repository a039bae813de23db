"""A stack of runs-dimension modules (nalm/networks/stack.py), trained by the engine."""

import pytest
import torch

from nalm import modules
from nalm.core.random import init_generator
from nalm.networks.stack import Stack


def npu_nau(runs):
    return Stack(modules.build("NPU", 2, 6, runs), modules.build("NAU", 6, 4, runs))


def test_stack_is_the_composition_of_its_layers():
    stack = npu_nau(3)
    stack.reset_parameters([init_generator(s) for s in range(3)])
    x = torch.rand(3, 5, 2) + 0.5
    first, second = stack.layers
    assert torch.equal(stack(x), second(first(x)))
    assert stack(x).shape == (3, 5, 4)


def test_each_run_draws_from_its_own_generator():
    alone, block = npu_nau(1), npu_nau(3)
    alone.reset_parameters([init_generator(7)])
    block.reset_parameters([init_generator(s) for s in (5, 7, 9)])
    for p_alone, p_block in zip(alone.parameters(), block.parameters()):
        assert torch.equal(p_alone[0], p_block[1])


def test_logs_are_scoped_per_layer_and_regularizers_summed():
    stack = Stack(modules.build("NAU", 2, 3, 2), modules.build("NAU", 3, 1, 2))
    stack.reset_parameters([init_generator(0), init_generator(1)])
    log = {}
    stack(torch.rand(2, 4, 2), log)
    assert set(log) == {"network/layer_1/nac/W/sparsity_error", "network/layer_2/nac/W/sparsity_error"}
    first, second = stack.layers
    assert torch.equal(stack.regularizers()["W"], first.regularizers()["W"] + second.regularizers()["W"])
    with torch.no_grad():
        first.W.fill_(3.0)
    stack.project_()
    assert first.W.max() == 1.0  # the NAU's clamp reached the inner layer


def test_mismatched_layers_are_refused():
    with pytest.raises(ValueError, match="outputs 6 but the next layer takes 5"):
        Stack(modules.build("NPU", 2, 6, 1), modules.build("NAU", 5, 1, 1))
    with pytest.raises(ValueError, match="different numbers of runs"):
        Stack(modules.build("NPU", 2, 6, 1), modules.build("NAU", 6, 1, 2))
