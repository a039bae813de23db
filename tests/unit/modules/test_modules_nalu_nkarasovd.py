"""The reproduction's NAC and NALU (nalm/modules/nalu_nkarasovd.py), pinned to
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/models/nac.py` (`NACCell`: y = F.linear(x, W),
W a trained parameter made once as tanh(W_hat)*sigmoid(M_hat)) and `src/models/nalu.py`
(`NALUCell`: two independent NACCells, eps = 1e-10, G Xavier-uniform, no bias)."""

import math

import pytest
import torch
from _module_inputs import fill, generators

from nalm.modules import build
from nalm.modules.nalu_nkarasovd import NKARASOVD_EPS, LogInputCache, exact_log


def test_epsilon_is_the_nalu_cells():
    assert NKARASOVD_EPS == 1e-10  # src/models/nalu.py: self.eps = 1e-10


def test_nac_is_a_bias_free_linear_layer_whose_weight_is_trained_directly():
    nac = build("NAC-nkarasovd", 3, 2, runs=1)
    with torch.no_grad():
        nac.W.copy_(torch.tensor([[[2.5, -1.5, 0.0], [0.3, 4.0, -7.0]]]))  # outside [-1, 1]: no constraint
    x = torch.randn(1, 5, 3)
    y = nac(x)
    assert torch.allclose(y, x @ nac.W[0].T)
    y.sum().backward()
    assert nac.W.grad is not None and [name for name, _ in nac.named_parameters()] == ["W"]


def test_nac_initial_weight_is_tanh_times_sigmoid_of_xavier_uniform_draws():
    nac = build("NAC-nkarasovd", 4, 3, runs=1)
    generator = torch.Generator().manual_seed(5)
    nac.reset_parameters([generator])
    again = torch.Generator().manual_seed(5)
    bound = math.sqrt(6 / (4 + 3))  # xavier_uniform_ on a [3, 4] tensor
    U = -bound + 2 * bound * torch.rand(3, 4, generator=again)
    V = -bound + 2 * bound * torch.rand(3, 4, generator=again)
    assert torch.allclose(nac.W[0], torch.tanh(U) * torch.sigmoid(V))


def test_nalu_formula_with_untied_weights():
    nalu = build("NALU-nkarasovd", 2, 1, runs=1)
    fill(nalu.W_a, [[1.0, 1.0]])
    fill(nalu.W_m, [[1.0, -1.0]])
    fill(nalu.G, [[0.3, -0.2]])
    x = torch.tensor([[[3.0, 4.0], [-2.0, 0.5]]])
    g = torch.sigmoid(x @ nalu.G[0].T)
    expected = g * (x @ nalu.W_a[0].T) + (1 - g) * torch.exp(torch.log(x.abs() + 1e-10) @ nalu.W_m[0].T)
    assert torch.allclose(nalu(x), expected)
    assert torch.allclose(expected[0, 0], g[0, 0] * 7 + (1 - g[0, 0]) * 0.75)


def test_nalu_draws_its_two_nacs_then_its_gate():
    nalu = build("NALU-nkarasovd", 2, 2, runs=1)
    nalu.reset_parameters([torch.Generator().manual_seed(3)])
    replay = torch.Generator().manual_seed(3)
    bound = math.sqrt(6 / 4)

    def draw():
        return -bound + 2 * bound * torch.rand(2, 2, generator=replay)

    W_a = torch.tanh(draw()) * torch.sigmoid(draw())
    W_m = torch.tanh(draw()) * torch.sigmoid(draw())
    assert torch.allclose(nalu.W_a[0], W_a) and torch.allclose(nalu.W_m[0], W_m)
    assert torch.allclose(nalu.G[0], draw())
    assert nalu.G.abs().max() <= bound


@pytest.mark.parametrize("name", ["NAC-nkarasovd", "NALU-nkarasovd"])
def test_a_run_alone_gives_the_bits_of_the_run_in_a_block(name):
    # 37 samples of 3 inputs: per-run sizes that are not whole SIMD vectors
    block = build(name, 3, 2, runs=5)
    block.reset_parameters(generators(range(5)))
    alone = build(name, 3, 2, runs=1)
    alone.reset_parameters(generators([3]))
    x = torch.rand(5, 37, 3, generator=torch.Generator().manual_seed(0)) * 4 - 2
    y_block, y_alone = block(x), alone(x[3:4])
    assert torch.equal(y_block[3], y_alone[0])
    y_block.square().sum().backward()
    y_alone.square().sum().backward()
    for (key, p), (_, q) in zip(block.named_parameters(), alone.named_parameters()):
        assert torch.equal(p.grad[3], q.grad[0]), key


def test_exact_log_and_its_derivative():
    x = torch.tensor([0.5, 2.0, 3.0], requires_grad=True)
    exact_log(x).sum().backward()
    assert torch.allclose(x.grad, 1 / x.detach())


def test_log_input_cache_reuses_an_unchanged_input_and_notices_a_change():
    cache = LogInputCache(1e-10)
    x = torch.tensor([[[1.0, 2.0]]])
    first = cache(x)
    assert cache(x) is first
    x.mul_(2)  # in place: a new version
    assert torch.allclose(cache(x), torch.log(torch.tensor([[[2.0, 4.0]]])))
    needs_grad = x.clone().requires_grad_()
    assert cache(needs_grad).requires_grad  # never cached: a graph is needed
