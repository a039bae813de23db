"""The paper's NAC and NALU with Xavier initialisation (nalm/modules/nalu_xavier.py): Trask et al.,
"Neural Arithmetic Logic Units", NeurIPS 2018, §2 — W = tanh(Ŵ)⊙σ(M̂) recomputed every forward
pass and shared by the NALU's two paths; Xavier-uniform Ŵ, M̂, G and ε = 1e-10 as
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/models/nac.py` / `nalu.py` set them."""

import math

import torch
from _module_inputs import fill, generators

from nalm.modules import build


def test_nac_weight_is_recomputed_from_its_parameters_every_step():
    nac = build("NAC-xavier", 2, 1, runs=1)
    fill(nac.W_hat, [[10.0, 10.0]])
    fill(nac.M_hat, [[10.0, -10.0]])
    x = torch.tensor([[[1.0, 2.0]]])
    W = torch.tanh(nac.W_hat[0]) * torch.sigmoid(nac.M_hat[0])
    assert torch.allclose(nac(x), x @ W.T)
    fill(nac.M_hat, [[10.0, 10.0]])  # the forward pass sees the change at once
    assert torch.allclose(nac(x), torch.tensor([[[3.0]]]), atol=1e-3)  # σ(10) = 0.99995
    nac(x).sum().backward()
    assert nac.W_hat.grad is not None and nac.M_hat.grad is not None


def test_nalu_shares_one_weight_between_its_paths():
    nalu = build("NALU-xavier", 2, 1, runs=1)
    fill(nalu.W_hat, [[20.0, 20.0]])
    fill(nalu.M_hat, [[20.0, 20.0]])  # W = [1, 1]
    fill(nalu.G, [[-30.0, -30.0]])  # gate ≈ 0: the multiplicative path
    x = torch.tensor([[[3.0, 4.0]]])
    assert torch.allclose(nalu(x), torch.tensor([[[12.0]]]), rtol=1e-5)
    fill(nalu.G, [[30.0, 30.0]])  # gate ≈ 1: the additive path, same W
    assert torch.allclose(nalu(x), torch.tensor([[[7.0]]]), rtol=1e-5)
    assert [name for name, _ in nalu.named_parameters()] == ["W_hat", "M_hat", "G"]


def test_epsilon_and_gate_formula():
    nalu = build("NALU-xavier", 2, 1, runs=1)
    nalu.reset_parameters(generators([0]))
    x = torch.tensor([[[0.0, 2.0]]])  # log(0 + 1e-10) in the multiplicative path
    W = torch.tanh(nalu.W_hat[0]) * torch.sigmoid(nalu.M_hat[0])
    g = torch.sigmoid(x @ nalu.G[0].T)
    expected = g * (x @ W.T) + (1 - g) * torch.exp(torch.log(x.abs() + 1e-10) @ W.T)
    assert torch.allclose(nalu(x), expected)


def test_every_matrix_is_xavier_uniform_drawn_in_order():
    nalu = build("NALU-xavier", 3, 2, runs=1)
    nalu.reset_parameters([torch.Generator().manual_seed(9)])
    replay = torch.Generator().manual_seed(9)
    bound = math.sqrt(6 / (3 + 2))
    for parameter in (nalu.W_hat, nalu.M_hat, nalu.G):
        assert torch.allclose(parameter[0], -bound + 2 * bound * torch.rand(2, 3, generator=replay))


def test_a_run_alone_gives_the_bits_of_the_run_in_a_block():
    block = build("NALU-xavier", 3, 2, runs=4)
    block.reset_parameters(generators(range(4)))
    alone = build("NALU-xavier", 3, 2, runs=1)
    alone.reset_parameters(generators([2]))
    x = torch.rand(4, 37, 3, generator=torch.Generator().manual_seed(1))
    y_block, y_alone = block(x), alone(x[2:3])
    assert torch.equal(y_block[2], y_alone[0])
    y_block.sum().backward()
    y_alone.sum().backward()
    assert torch.equal(block.W_hat.grad[2], alone.W_hat.grad[0])
