"""The single-module task of the Primer's benchmark (Mistry, Farrahi & Hare, "A Primer for Neural
Arithmetic Logic Modules", JMLR 2022, arXiv 2101.09530).

Pinned against `bmistry4/nalm-benchmark`: `SimpleFunctionDataset` and `SimpleFunctionDatasetFork` in
`stable_nalu/dataset/_simple_function_abstact.py` (offset, subsets, sampling, targets) and the
fixed evaluation seeds of `experiments/single_layer_benchmark.py`.
"""

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range
from nalm.tasks.single_module import (
    EVALUATION_SAMPLES,
    TEST_SEED,
    VALIDATION_SEED,
    SingleModuleTask,
    TrainingStream,
    evaluation_inputs,
)


@pytest.mark.parametrize("size, ratio, first, last", [(2, 0.5, 0, 0), (10, 0.1, 0, 8), (100, 0.01, 0, 98)])
def test_operand_offsets_are_the_originals(size, ratio, first, last):
    # SimpleFunctionDataset: offset = RandomState(seed).randint(0, I - used + 1); k in {0..8} for
    # I=10, {0..98} for I=100
    task = SingleModuleTask("add", size)
    assert task.subset_ratio == ratio and task.subset_size == 1
    offsets = [task.operand_offset(seed) for seed in range(200)]
    assert offsets == [int(np.random.RandomState(s).randint(0, size - 1)) for s in range(200)]
    assert min(offsets) == first and max(offsets) == last


def test_subsets_for_input_size_10():
    # SimpleFunctionDataset: a = x[k], b = x[k+1]
    assert SingleModuleTask("sub", 10).subsets(4) == [(4, 5), (5, 6)]


@pytest.mark.parametrize("op, expected", [("add", 5.0), ("sub", -1.0), ("mul", 6.0), ("div", 2 / 3)])
def test_targets(op, expected):
    # SimpleFunctionDatasetFork.__getitem__: a ∘ b in float64, then float32
    x = np.array([[2.0, 3.0]])
    assert SingleModuleTask(op).targets_float64(x, 0)[0] == pytest.approx(expected)
    got = SingleModuleTask(op).targets(torch.tensor([[[2.0, 3.0]]]), torch.tensor([0]))
    assert got.item() == pytest.approx(expected)


def test_targets_with_per_run_offsets():
    x = torch.arange(20, dtype=torch.float32).view(2, 1, 10)
    got = SingleModuleTask("add", 10).targets(x, torch.tensor([0, 7]))
    assert got.tolist() == [[0.0 + 1.0], [17.0 + 18.0]]


def test_validation_and_test_inputs_are_the_originals():
    # single_layer_benchmark.py: fixed 10,000-sample sets from RandomState(43953907) and
    # RandomState(8689336)
    valid = evaluation_inputs(parse_range("[1,2]"), 2, VALIDATION_SEED)
    assert valid.shape == (EVALUATION_SAMPLES, 2)
    assert np.array_equal(valid, np.random.RandomState(43953907).uniform(1, 2, (10000, 2)))
    # mirrored (`_multi_sample`): part0, part1, choose drawn in this order, where(choose == 1, part0, part1)
    test = evaluation_inputs(parse_range("[[-6,-2],[2,6]]"), 2, TEST_SEED)
    rng = np.random.RandomState(8689336)
    part0, part1 = rng.uniform(-6, -2, (10000, 2)), rng.uniform(2, 6, (10000, 2))
    choose = rng.randint(2, size=(10000, 2))
    assert np.array_equal(test, np.where(choose == 1, part0, part1))


def test_mirrored_training_batches_use_both_sides_equally():
    # `_multi_sample`: every element independently from either side with probability 1/2
    stream = TrainingStream(SingleModuleTask("add"), [parse_range("[[-6,-2],[2,6]]")], [0], torch.tensor([0]), 128)
    x = torch.cat([stream.next()[0] for _ in range(200)], dim=1)
    negative = (x < 0).float().mean().item()
    assert 0.48 < negative < 0.52
    assert x[x < 0].min() >= -6 and x[x < 0].max() <= -2 and x[x > 0].min() >= 2 and x[x > 0].max() <= 6


def test_training_stream_does_not_depend_on_the_block():
    r = parse_range("[-20,-10]")
    alone = TrainingStream(SingleModuleTask("mul"), [r], [7], torch.tensor([0]), 128)
    block = TrainingStream(SingleModuleTask("mul"), [parse_range("[1,2]")] * 40 + [r], list(range(40)) + [7],
                           torch.tensor([0] * 41), 128)
    assert alone.chunk != block.chunk  # different chunking, same stream
    for _ in range(alone.chunk + 5):
        xa, ta = alone.next()
        xb, tb = block.next()
        assert torch.equal(xa[0], xb[40]) and torch.equal(ta[0], tb[40])
    assert xa.min() >= -20 and xa.max() <= -10


def test_bad_task_values():
    with pytest.raises(UserError, match="unknown op 'pow'"):
        SingleModuleTask("pow")
    with pytest.raises(UserError, match="no benchmark subset ratio"):
        SingleModuleTask("add", 7)


def test_inputs_are_drawn_in_float64_then_cast_as_the_originals():
    # As SimpleFunctionDatasetFork: for division, float64 inputs and targets cast to float32. Drawing
    # float32 uniforms directly would give exact zeros in U[-2,2) (u = 0.5), infinite targets.
    stream = TrainingStream(SingleModuleTask("div"), [parse_range("[-2,2]")] * 4, [0, 1, 2, 3], torch.tensor([0] * 4), 128)
    near_zero = []
    for _ in range(stream.chunk + 1):
        x, t = stream.next()
        assert torch.isfinite(t).all() and (x != 0).all()
        near_zero.append(x[x.abs() < 0.01])
    near_zero = torch.cat(near_zero).double()
    # float32 uniforms scaled to width 4 sit on a 2^-22 grid; casts of float64 draws do not
    on_grid = (near_zero * 2.0**22 == torch.round(near_zero * 2.0**22)).double().mean().item()
    assert near_zero.numel() > 1000 and on_grid < 0.01


@pytest.mark.parametrize("op, dtype", [("add", np.float32), ("div", np.float64)])
def test_training_inputs_are_the_runs_uniforms_mapped_to_the_range(op, dtype):
    # u = Generator.random (float32 for add, float64 for div) of the run's data stream, then
    # u·width + low: the stream draws raw words for speed and must give these bits exactly
    from nalm.core.random import DATA_STREAM, run_generator

    ranges = [parse_range("[-20,-10]"), parse_range("[0.1,0.2]"), parse_range("[1,2]")]
    stream = TrainingStream(SingleModuleTask(op), ranges, [3, 4, 5], torch.tensor([0] * 3), 128)
    batches = [stream.next()[0].clone() for _ in range(stream.chunk + 2)]  # views of a refilled buffer
    for run, (r, seed) in enumerate(zip(ranges, [3, 4, 5])):
        generator = run_generator(seed, DATA_STREAM)
        torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
        width = torch.tensor(r.width, dtype=torch_dtype)
        low = torch.tensor(r.parts[0][0], dtype=torch_dtype)
        for k in range(2):  # two chunks of draws
            u = torch.from_numpy(generator.random((stream.chunk, 2, 128), dtype=dtype)).transpose(1, 2)
            expected = (u * width + low).float()  # [chunk, B, I], I-major as the stream stores it
            got = torch.stack(batches[k * stream.chunk:(k + 1) * stream.chunk])[:, run]
            assert torch.equal(got, expected[: got.shape[0]])
