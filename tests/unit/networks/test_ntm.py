"""The NTM with a runs dimension (nalm/networks/ntm/): sizes, initialisation, runs, variants,
gradients and checkpoints. The repository's trained models are in test_ntm_original.py."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from nalm.core.random import init_generator
from nalm.networks.ntm import NTM, VARIANTS, NTMConfig, NTMInput
from nalm.networks.ntm.checkpoint import (
    checkpoint_bytes,
    load_checkpoints,
    save_checkpoint,
)
from nalm.networks.ntm.original import (
    load_original_weights,
    never_trained_count,
    original_parameter_count,
    original_weights,
)
from nalm.networks.ntm.shared_weight import SharedWeight
from nalm.tasks.ntm_tasks import TASKS, model_config, task_facts

SMALL = NTMConfig(5, 3, controller_size=7, memory_units=6, memory_unit_size=4, heads=2)


def small(runs=3, **changes):
    network = NTM(dataclasses.replace(SMALL, **changes), runs)
    network.reset_parameters([init_generator(seed) for seed in range(runs)])
    return network


def batch(runs, sequences=2, steps=5, config=SMALL, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.rand(runs, sequences, steps, config.input_size, generator=generator)
    reads = torch.rand(runs, sequences, config.heads, config.memory_unit_size, generator=generator) - 0.5
    return NTMInput(inputs, reads)


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    "task, count", [("copy", 68_580), ("repeatcopy", 68_701), ("associative", 67_538), ("prioritysort", 349_588)]
)
def test_parameter_counts_of_the_repositorys_models(task, count):
    """len(parameters) of kdexd/ntm-pytorch's models (its saved_models/*.pt, README's four tasks)."""
    config = model_config(task)
    assert task_facts(task)["parameters"] == count
    assert original_parameter_count(config) == count
    # ours holds every number that trains: the rest never changes in the repository either
    assert NTM(config, 1).parameter_count() == count - never_trained_count(config)


def test_task_sizes_follow_train_pys_docstring():
    sizes = {task: (model_config(task).input_size, model_config(task).output_size) for task in TASKS}
    assert sizes == {"copy": (10, 8), "repeatcopy": (10, 9), "associative": (8, 6), "prioritysort": (9, 8)}
    assert (model_config("prioritysort").controller_size, model_config("prioritysort").heads) == (200, 5)
    for task in ("copy", "repeatcopy", "associative"):
        config = model_config(task)
        assert (config.controller_size, config.memory_units, config.memory_unit_size, config.heads) == (100, 128, 20, 1)


def test_bad_config_is_one_clear_error():
    with pytest.raises(ValueError, match="bad NTM write 'erase'"):
        NTMConfig(3, 2, write="erase")
    with pytest.raises(ValueError, match="bad NTM heads 0"):
        NTMConfig(3, 2, heads=0)


# ---------------------------------------------------------------- initialisation


def test_initialisation_bounds_are_the_repositorys():
    network = small(runs=1, controller_size=50, memory_unit_size=10)
    C, M = 50, 10
    assert network.lstm_weight_hh.abs().max() <= 1 / math.sqrt(C)  # LSTMCell default
    fan_in = C + 2 * M
    assert network.output_weight.abs().max() <= math.sqrt(6 / fan_in)  # kaiming_uniform_ (head.py: out_net)
    assert network.output_weight.abs().max() > 0.8 * math.sqrt(6 / fan_in)
    assert network.memory_bias.abs().max() <= 1 and network.initial_hidden.abs().max() <= 1  # Linear(1, ·) bias
    keys = network.read_head_weight[0, :, :M]
    assert keys.abs().max() <= 1 / math.sqrt(C)  # key_fc: Linear default
    gate = network.read_head_weight[0, :, M + 1]
    assert gate.abs().max() <= 1.4 * math.sqrt(6 / (C + 1)) and gate.abs().max() > 1 / math.sqrt(C)  # xavier, gain 1.4
    assert network.write_head_bias.std() < 0.03  # N(0, 0.01²)


def test_each_run_draws_from_its_own_generator():
    block = NTM(SMALL, 3)
    block.reset_parameters([init_generator(seed) for seed in (4, 5, 6)])
    alone = NTM(SMALL, 1)
    alone.reset_parameters([init_generator(5)])
    for (name, p), q in zip(block.named_parameters(), alone.parameters()):
        assert torch.equal(p[1], q[0]), name


# ---------------------------------------------------------------- forward


def test_runs_are_independent_programs():
    network = small(runs=3)
    x = batch(3)
    with torch.no_grad():
        together = network(x)
        for r in range(3):
            alone = NTM(network.config, 1)
            for p, q in zip(alone.parameters(), network.parameters()):
                p.copy_(q[r : r + 1])
            single = alone(NTMInput(x.inputs[r : r + 1], x.initial_reads[r : r + 1]))
            assert torch.allclose(single[0], together[r], atol=1e-6)


def test_shared_inputs_broadcast_to_every_run():
    network = small(runs=2)
    x = batch(1)
    with torch.no_grad():
        shared = network(x)
        explicit = network(NTMInput(x.inputs.expand(2, -1, -1, -1), x.initial_reads.expand(2, -1, -1, -1)))
    assert shared.shape == (2, 2, 5, 3)
    assert torch.equal(shared, explicit)


def test_outputs_do_not_depend_on_later_steps():
    """Padding after a sequence's last target never changes its outputs (the protocol pads batches)."""
    network = small(runs=2)
    x = batch(2, steps=8)
    with torch.no_grad():
        full = network(x)
        short = network(NTMInput(x.inputs[:, :, :5], x.initial_reads))
    assert torch.allclose(full[:, :, :5], short, atol=1e-6)


def test_sequences_of_a_batch_are_independent():
    network = small(runs=2)
    x = batch(2, sequences=3)
    with torch.no_grad():
        together = network(x)
        one = network(NTMInput(x.inputs[:, 1:2], x.initial_reads[:, 1:2]))
    assert torch.allclose(together[:, 1:2], one, atol=1e-6)


def test_random_initial_reads_must_be_given():
    with pytest.raises(ValueError, match="give NTMInput.initial_reads"):
        small(runs=1)(torch.rand(1, 1, 3, 5))


def test_learned_initial_reads_need_none():
    network = small(runs=2, initial_reads="learned")
    assert network.initial_read.shape == (2, 2, 4)
    assert network.initial_read.abs().max() <= math.sqrt(6 / 4)
    assert network(torch.rand(2, 1, 3, 5)).shape == (2, 1, 3, 3)


def test_variants():
    assert VARIANTS["repository"] == {"head_input": "cell", "write": "full_erase", "initial_reads": "random"}
    assert VARIANTS["paper"]["head_input"] == "hidden" and VARIANTS["paper"]["write"] == "erase_add"
    paper = small(runs=1, head_input="hidden", write="erase_add")
    assert paper.write_head_weight.shape[2] == 4 + 6 + 4 + 4  # key, 6 scalars, add, erase
    assert paper(batch(1)).shape == (1, 2, 5, 3)


def test_heads_follow_the_chosen_controller_state():
    """Changing only c₀ changes the first step's heads through c₁ in both variants, but
    the two variants read different states, so they disagree."""
    cell, hidden = small(runs=1), small(runs=1, head_input="hidden")
    x = batch(1)
    with torch.no_grad():
        assert not torch.allclose(cell(x), hidden(x))


def test_trace_records_every_heads_weighting():
    network = small(runs=1)
    trace = {}
    with torch.no_grad():
        network(batch(1, sequences=1), trace=trace)
    weights = torch.stack(trace["head_weights"])
    assert weights.shape == (5, 1, 1, 4, 6)  # steps, runs, sequences, heads r1 w1 r2 w2, rows
    assert torch.allclose(weights.sum(-1), torch.ones(5, 1, 1, 4, dtype=weights.dtype), atol=1e-5)


# ---------------------------------------------------------------- gradients


def test_shared_weight_gradient_equals_plain_autograd():
    torch.manual_seed(0)
    weight = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    start = torch.randn(2, 5, 4, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)

    def unroll(shared):
        x, total = start, 0
        product = SharedWeight(weight) if shared else None
        for _ in range(6):
            y = torch.tanh(product.product(x, bias) if shared else torch.baddbmm(bias, x, weight))
            x = torch.cat([y, y[..., :1]], dim=-1)
            total = total + y.square().sum()
        return total

    plain = torch.autograd.grad(unroll(False), [weight, start, bias])
    shared = torch.autograd.grad(unroll(True), [weight, start, bias])
    for a, b in zip(plain, shared):
        assert torch.allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("variant", ["repository", "paper"])
def test_ntm_gradients_match_finite_differences(variant):
    config = dataclasses.replace(SMALL, controller_size=3, memory_units=5, memory_unit_size=2, heads=1, **VARIANTS[variant])
    network = NTM(config, 2).double()
    network.reset_parameters([init_generator(s) for s in (0, 1)])
    x = batch(2, sequences=1, steps=3, config=config)
    x = NTMInput(x.inputs.double(), x.initial_reads.double())
    names = [name for name, _ in network.named_parameters()]

    def loss(*values):
        return torch.func.functional_call(network, dict(zip(names, values)), (x,)).square().sum()

    assert torch.autograd.gradcheck(loss, tuple(p.detach().requires_grad_() for p in network.parameters()),
                                    eps=1e-6, atol=1e-5, fast_mode=True)


# ---------------------------------------------------------------- weights in and out


def test_original_weight_names_round_trip():
    network = small(runs=2, heads=1)
    weights = original_weights(network, run=1)
    assert "heads.1.write_data_fc.weight" in weights and "heads.0.write_data_fc.weight" not in weights
    copy = NTM(network.config, 1)
    load_original_weights(copy, weights)
    for p, q in zip(copy.parameters(), network.parameters()):
        assert torch.equal(p[0], q[1])


def test_original_weights_of_the_wrong_shape_are_refused():
    network = small(runs=1, heads=1)
    weights = original_weights(network)
    weights["controller.out_net.bias"] = np.zeros(7, dtype=np.float32)
    with pytest.raises(ValueError, match="controller.out_net.bias: shape"):
        load_original_weights(NTM(network.config, 1), weights)


def test_checkpoint_has_stable_bytes_and_loads(tmp_path):
    network = small(runs=2)
    metadata = {"task": "copy", "seed": 7}
    assert checkpoint_bytes(network, 1, metadata) == checkpoint_bytes(network, 1, metadata)
    save_checkpoint(tmp_path / "a.npz", network, 0, metadata)
    save_checkpoint(tmp_path / "b.npz", network, 1, {**metadata, "seed": 8})
    loaded, headers = load_checkpoints([tmp_path / "b.npz", tmp_path / "a.npz"])
    assert [h["seed"] for h in headers] == [8, 7] and loaded.config == network.config
    for p, q in zip(loaded.parameters(), network.parameters()):
        assert torch.equal(p[0], q[1]) and torch.equal(p[1], q[0])
