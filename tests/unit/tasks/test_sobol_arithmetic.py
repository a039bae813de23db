"""The NPU paper's 100-input task (nalm/tasks/sobol_arithmetic.py): subsets, targets and the Sobol
inputs, against `nmheim/NeuralPowerUnits` `src/arithmetic_dataset.jl`, `scripts/arithmetic/revalidate.jl`
(Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681) and `Sobol.jl` v1.4.0
(`stevengj/Sobol.jl`, `src/Sobol.jl` with its `sobol_a.csv`, `sobol_minit.csv`)."""

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.tasks.sobol_arithmetic import (
    Run,
    SobolArithmeticBlock,
    SobolArithmeticTask,
    SobolStream,
    active_parameters,
    scale,
    sobol_points,
)

#: points k (1-based: the k-th `next!`) of Sobol.jl's SobolSeq(100) at dimensions 1, 2, 3, 50, 100,
#: computed by its `next!` on its own direction numbers (Joe & Kuo's new-joe-kuo-6.21201)
SOBOL_JL = {
    1: [0.5, 0.5, 0.5, 0.5, 0.5],
    2: [0.75, 0.25, 0.25, 0.75, 0.75],
    3: [0.25, 0.75, 0.75, 0.25, 0.25],
    100: [0.4140625, 0.2578125, 0.7734375, 0.6640625, 0.8828125],
    1000: [0.2197265625, 0.0966796875, 0.5185546875, 0.4794921875, 0.1865234375],
    4999: [0.1341552734375, 0.6981201171875, 0.6531982421875, 0.3323974609375, 0.2530517578125],
}
DIMENSIONS = [0, 1, 2, 49, 99]


def test_subsets_round_half_to_even():  # ranges(): len = round(Int, 100·0.5), ovl = round(Int, 50·0.25) = 12
    task = SobolArithmeticTask("add", (-1.0, 1.0))
    assert task.subsets() == ((0, 50), (38, 88))  # Julia 1:50 and 39:88


def test_targets():  # add, mult: a ∘ b; invx: 1/a; sqrt: √a (`applyoperator` with one subset)
    x = np.zeros((1, 100), dtype=np.float32)
    x[0, 0], x[0, 45], x[0, 60] = 2.0, 1.0, 3.0  # a = 3, b = 1 + 3 = 4
    expected = {"add": 7.0, "mult": 12.0, "div": 1 / 3, "sqrt": np.sqrt(3.0)}
    for op, value in expected.items():
        assert SobolArithmeticTask(op, (0.0, 1.0)).targets(x)[0] == pytest.approx(value)
    with pytest.raises(UserError, match="unknown op 'sub'"):
        SobolArithmeticTask("sub", (0.0, 1.0))


def test_sobol_points_are_sobol_jl_points():
    # Sobol.jl's first next! is (0.5, ...): it skips the all-zero point 0 of the unscrambled sequence
    points = sobol_points(100, 4999, skip=1)
    for k, values in SOBOL_JL.items():
        assert points[k - 1, DIMENSIONS].tolist() == values
    stream = SobolStream(100)  # the training stream: the same points, consecutively
    first = np.concatenate([stream.next(128), stream.next(128)])
    assert np.array_equal(first, points[:256])


def test_scaling_is_the_originals_float64_expression_then_float32():
    u = np.array([0.5, 0.1, 0.3])
    assert scale(u, -1.0, 1.0).tolist() == (u * 2.0 - 1.0).astype(np.float32).tolist()
    assert scale(u, 2.0, -2.0).tolist() == (u * -4.0 + 2.0).astype(np.float32).tolist()  # revalidate.jl


def test_block_sets_and_batches():
    task = SobolArithmeticTask("add", (-1.0, 1.0), batch_size=128)
    block = SobolArithmeticBlock(task, [Run(0, "NPU"), Run(1, "NPU")], (-5.0, 5.0), (-2.0, 2.0))
    x, targets = block.next_batch()
    assert x.shape == (2, 128, 100) and targets.shape == (2, 128)
    assert torch.equal(x[0], x[1])  # every run trains on the same batches, as the original
    points = sobol_points(100, 10_002, skip=1)
    assert np.array_equal(x[0].numpy(), scale(points[:128], -1.0, 1.0))
    # revalidate.jl: discard one point, then 10,000 scaled as x .* (xs - xe) .+ xe
    assert np.array_equal(block.test.inputs.numpy(), scale(points[1:10_001], 2.0, -2.0))
    assert np.array_equal(block.validation.inputs.numpy(), scale(points[:1000], -5.0, 5.0))  # test_generate(1000)


def test_train_mse_is_measured_on_the_batch_about_to_be_trained():
    task = SobolArithmeticTask("add", (-1.0, 1.0), batch_size=4)
    block = SobolArithmeticBlock(task, [Run(0, "m")], (-5.0, 5.0), (-2.0, 2.0))

    class Zero(torch.nn.Module):
        runs = 1

        def forward(self, x, log=None):
            return torch.zeros(*x.shape[:-1], 1)

    metrics = block.evaluate(Zero())
    x, targets = block.next_batch()
    assert float(metrics["train_mse"][0]) == pytest.approx(float(targets.square().mean()))
    assert x[0, 0, 0] == float(scale(sobol_points(100, 1, skip=1), -1.0, 1.0)[0, 0])


def test_active_parameters_counts_every_parameter():  # pareto.jl: sum(abs.(destructure(m)[1]) .> ϵ)
    layer = torch.nn.Module()
    layer.runs = 2
    layer.a = torch.nn.Parameter(torch.tensor([[0.5, 0.005], [0.0, 2.0]]))
    layer.b = torch.nn.Parameter(torch.tensor([[-0.02], [0.011]]))
    assert active_parameters(layer, 1e-2).tolist() == [2, 2]
