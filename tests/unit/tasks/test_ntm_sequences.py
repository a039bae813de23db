"""An NTM task bound to a block of runs (nalm/tasks/ntm_sequences.py): padded batches, masks,
the repository's loss and bits per sequence (kdexd/ntm-pytorch, train.py), per-run streams,
and training through the engine."""

import math

import numpy as np
import pytest
import torch

from nalm.core.engine import train_block
from nalm.networks.ntm import initial_read_bound
from nalm.tasks.ntm_copy import CopyTask
from nalm.tasks.ntm_sequences import (
    UNSCORED,
    NTMRun,
    SequenceBlock,
    pad_batch,
    sequence_scores,
)
from nalm.tasks.ntm_training import (
    NTMExperiment,
    ntm_hyperparameters,
    read_ntm_runs,
    write_ntm_run,
)


def block(seeds, batch_size=1, heads=1):
    return SequenceBlock(CopyTask(), [NTMRun(seed, "copy") for seed in seeds], batch_size, heads, 20)


def test_hyperparameters_are_the_repositorys():
    """train.py / ntm/args.py: RMSprop(lr 1e-4, alpha 0.95, momentum 0.9), eps 1e-8, clip_grad_value_ 10."""
    hyper = ntm_hyperparameters("copy")
    assert (hyper.optimizer, hyper.learning_rate, hyper.clip_grad_value, hyper.batch_size) == ("rmsprop", 1e-4, 10.0, 1)
    assert hyper.optimizer_options == {"alpha": 0.95, "momentum": 0.9, "eps": 1e-8}
    with pytest.raises(ValueError, match="unknown hyper-parameter 'lr'"):
        ntm_hyperparameters("copy", {"lr": 1})


def test_padding_puts_targets_after_their_inputs():
    a = (np.ones((3, 10), np.float32), np.ones((2, 8), np.float32))
    b = (np.ones((5, 10), np.float32), np.zeros((4, 8), np.float32))
    inputs, targets = pad_batch([a, b], 2, 1, 10, 8)
    assert inputs.shape == (2, 1, 9, 10) and targets.shape == (2, 1, 9, 8)
    assert inputs[0, 0, :3].all() and not inputs[0, 0, 3:].any()  # zero rows while it answers
    assert (targets[0, 0, :3] == UNSCORED).all() and (targets[0, 0, 3:5] == 1).all() and (targets[0, 0, 5:] == UNSCORED).all()
    assert (targets[1, 0, 5:9] == 0).all()


def test_scores_are_mean_bce_and_bits_wrong_of_the_scored_steps():
    output = torch.tensor([[[[0.9, 0.2], [0.4, 0.7], [0.5, 0.5]]]])
    targets = torch.tensor([[[[UNSCORED, UNSCORED], [1.0, 1.0], [0.0, 1.0]]]])
    bce, bits = sequence_scores(output, targets)
    expected = -(math.log(0.4) + math.log(0.7) + math.log(0.5) + math.log(0.5)) / 4
    assert math.isclose(bce.item(), expected, rel_tol=1e-6)
    assert bits.item() == 2  # 0.4 < 0.5 against 1; 0.5 >= 0.5 against 0 (the repository's threshold)


def test_a_runs_sequences_do_not_depend_on_its_block():
    alone, together = block([5]), block([3, 5, 8])
    for _ in range(3):
        x1, y1 = alone.next_batch()
        x3, y3 = together.next_batch()
        steps = int((y1[0, 0] >= 0).any(-1).nonzero().max()) + 1
        assert torch.equal(x1.inputs[0, :, :steps], x3.inputs[1, :, :steps])
        assert torch.equal(y1[0, :, :steps], y3[1, :, :steps])
        assert torch.equal(x1.initial_reads[0], x3.initial_reads[1])
        assert (y3[1, :, steps:] == UNSCORED).all()


def test_initial_reads_are_the_repositorys_kaiming_uniform_range():
    x, _ = block([0], batch_size=200).next_batch()
    bound = initial_read_bound(20)
    assert math.isclose(bound, math.sqrt(6 / 20))
    assert x.initial_reads.abs().max() <= bound and x.initial_reads.abs().max() > 0.95 * bound


def test_batches_hold_batch_size_sequences_per_run():
    x, targets = block([0, 1], batch_size=4).next_batch()
    assert x.inputs.shape[:2] == (2, 4) and x.initial_reads.shape == (2, 4, 1, 20)
    assert targets.shape[:2] == (2, 4)


def test_metrics_are_means_over_the_window_since_the_last_log():
    bound = block([0, 1])
    first = bound.evaluate(None)
    assert all(math.isnan(v) for v in first["bit_error"].tolist())
    for bits in (torch.tensor([[2.0], [4.0]]), torch.tensor([[4.0], [8.0]])):
        targets = torch.zeros(2, 1, 1, 8)
        output = torch.zeros(2, 1, 1, 8)
        output[..., : int(bits[0, 0])] = 1.0
        output[1, ..., : int(bits[1, 0])] = 1.0
        bound.loss(output.clamp(1e-3, 1 - 1e-3), targets)
    assert bound.evaluate(None)["bit_error"].tolist() == [3.0, 6.0]
    assert bound.window.iterations == 0


@pytest.mark.slow
def test_training_writes_runs_with_checkpoints(tmp_path):
    experiment = NTMExperiment("copy", 4, 2, network_options={"controller_size": 8, "memory_units": 8})
    hyper, task, network = experiment.build([0, 1])
    logs = train_block(hyper, task, network, experiment.iterations, experiment.log_interval)
    for index, log in enumerate(logs):
        write_ntm_run(tmp_path, experiment, hyper, network, index, log)
    steps, errors, seeds, configs = read_ntm_runs(sorted(tmp_path.glob("copy/seed*")), "copy")
    assert steps.tolist() == [0, 2, 4] and seeds == [0, 1] and errors.shape == (2, 3)
    assert math.isnan(errors[0, 0]) and np.isfinite(errors[:, 1:]).all()
    assert configs[0]["network"]["controller_size"] == 8 and configs[0]["hyperparameters"]["optimizer"] == "rmsprop"
    assert (tmp_path / "copy" / "seed1" / "checkpoint.npz").is_file()


@pytest.mark.slow
def test_a_run_alone_and_in_a_block_agree_to_float_rounding():
    """Not bit for bit (docs/architecture.md): batched kernels round by block size."""
    experiment = NTMExperiment("copy", 6, 3, network_options={"controller_size": 16})
    results = {}
    for seeds in ([1], [0, 1, 2]):
        hyper, task, network = experiment.build(seeds)
        logs = train_block(hyper, task, network, experiment.iterations, experiment.log_interval)
        results[len(seeds)] = (logs[seeds.index(1)].metrics["bce"], network.lstm_weight_hh[seeds.index(1)].detach())
    assert np.allclose(results[1][0][1:], results[3][0][1:], rtol=1e-5)
    assert torch.allclose(results[1][1], results[3][1], atol=1e-5)
