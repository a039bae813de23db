"""Each step of NTM addressing, reading and writing against small cases computed by hand
(Graves, Wayne & Danihelka, "Neural Turing Machines", arXiv 1410.5401, §3; kdexd/ntm-pytorch,
ntm/modules/head.py and ntm/modules/memory.py)."""

import math

import torch

from nalm.networks.ntm.addressing import (
    COSINE_EPS,
    SHARPEN_EPS,
    address,
    circular_shift,
    content_weighting,
    cosine_similarity,
    head_scalars,
    interpolate,
    sharpen,
)
from nalm.networks.ntm.memory import (
    initial_memory,
    read,
    write_erase_add,
    write_full_erase,
)

D = torch.float64
MEMORY = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0]], dtype=D)  # N = 4 rows, M = 2


def test_constants_are_the_repositorys():
    assert COSINE_EPS == 1e-8  # F.cosine_similarity's default, memory.py
    assert SHARPEN_EPS == 1e-16  # head.py: torch.sum(...) + 1e-16


def test_cosine_of_key_with_every_row():
    cos = cosine_similarity(torch.tensor([[1.0, 0.0]], dtype=D), MEMORY)
    assert torch.allclose(cos, torch.tensor([[1.0, 0.0, 1 / math.sqrt(2), -1.0]], dtype=D))


def test_cosine_clamps_each_norm_at_eps_as_torch():
    zero_row = torch.zeros(1, 2, dtype=D)
    key = torch.tensor([[3.0, 4.0]], dtype=D)
    assert cosine_similarity(key, zero_row).item() == 0.0
    reference = torch.nn.functional.cosine_similarity(key, torch.tensor([[1e-9, 0.0]], dtype=D))
    assert torch.allclose(cosine_similarity(key, torch.tensor([[1e-9, 0.0]], dtype=D))[0], reference)


def test_content_weighting_is_softmax_of_beta_times_cosine():
    w = content_weighting(torch.tensor([[1.0, 0.0]], dtype=D), torch.tensor([2.0], dtype=D), MEMORY)
    logits = torch.tensor([2.0, 0.0, 2 / math.sqrt(2), -2.0], dtype=D)
    expected = logits.exp() / logits.exp().sum()
    assert torch.allclose(w[0], expected)


def test_interpolation():
    content = torch.tensor([[1.0, 0.0, 0.0, 0.0]], dtype=D)
    previous = torch.tensor([[0.0, 0.0, 0.5, 0.5]], dtype=D)
    w = interpolate(content, previous, torch.tensor([0.25], dtype=D))
    assert torch.allclose(w, torch.tensor([[0.25, 0.0, 0.375, 0.375]], dtype=D))


def test_interpolation_with_the_zero_initial_weighting_is_g_times_content():
    content = torch.tensor([[0.7, 0.1, 0.1, 0.1]], dtype=D)
    w = interpolate(content, torch.zeros(1, 4, dtype=D), torch.tensor([0.5], dtype=D))
    assert torch.allclose(w, 0.5 * content)


def test_shift_is_the_repositorys_circular_cross_correlation():
    # w̃(i) = s0·w(i−1) + s1·w(i) + s2·w(i+1), indices mod 4
    w = torch.tensor([[0.1, 0.2, 0.3, 0.4]], dtype=D)
    s = torch.tensor([[0.5, 0.25, 0.25]], dtype=D)
    expected = torch.tensor([[0.275, 0.175, 0.275, 0.275]], dtype=D)
    assert torch.allclose(circular_shift(w, s), expected)


def test_shift_weight_zero_moves_the_focus_one_row_forward_and_wraps():
    forward = torch.tensor([[1.0, 0.0, 0.0]], dtype=D)
    backward = torch.tensor([[0.0, 0.0, 1.0]], dtype=D)
    last = torch.tensor([[0.0, 0.0, 0.0, 1.0]], dtype=D)
    assert circular_shift(last, forward).tolist() == [[1.0, 0.0, 0.0, 0.0]]
    assert circular_shift(last, backward).tolist() == [[0.0, 0.0, 1.0, 0.0]]


def test_shift_matches_the_repositorys_pad_and_conv1d():
    torch.manual_seed(0)
    w = torch.rand(1, 7, dtype=D)
    s = torch.softmax(torch.randn(1, 3, dtype=D), dim=-1)
    padded = torch.cat([w[:, -1:], w, w[:, :1]], dim=1)
    reference = torch.nn.functional.conv1d(padded.view(1, 1, -1), s.view(1, 1, -1)).view(1, -1)
    assert torch.allclose(circular_shift(w, s), reference)


def test_sharpening():
    w = torch.tensor([[0.5, 0.25, 0.25, 0.0]], dtype=D)
    sharpened = sharpen(w, torch.tensor([2.0], dtype=D))
    assert torch.allclose(sharpened, torch.tensor([[2 / 3, 1 / 6, 1 / 6, 0.0]], dtype=D))


def test_sharpening_adds_the_repositorys_eps_to_the_sum():
    assert sharpen(torch.zeros(1, 3, dtype=D), torch.tensor([1.5], dtype=D)).abs().max() == 0.0


def test_head_scalars_activations():
    strength, gate, shifts, gamma = head_scalars(torch.zeros(1, 6, dtype=D))
    assert math.isclose(strength.item(), math.log(2))  # softplus(0)
    assert gate.item() == 0.5  # sigmoid(0)
    assert torch.allclose(shifts, torch.full((1, 3), 1 / 3, dtype=D))  # softmax over 3 shifts
    assert math.isclose(gamma.item(), 1 + math.log(2))  # 1 + softplus(0)


def test_address_chains_the_four_steps():
    keys = torch.tensor([[1.0, 0.0]], dtype=D)
    strength, gate, gamma = torch.tensor([2.0], dtype=D), torch.tensor([0.25], dtype=D), torch.tensor([2.0], dtype=D)
    shifts = torch.tensor([[0.5, 0.25, 0.25]], dtype=D)
    previous = torch.tensor([[0.0, 0.0, 0.5, 0.5]], dtype=D)
    content = content_weighting(keys, strength, MEMORY)
    step = sharpen(circular_shift(interpolate(content, previous, gate), shifts), gamma)
    assert torch.equal(address(MEMORY, previous, keys, strength, gate, shifts, gamma), step)


def test_read_is_weighted_sum_of_rows():
    r = read(torch.tensor([[0.5, 0.5, 0.0, 0.0]], dtype=D), MEMORY)
    assert r.tolist() == [[0.5, 0.5]]


def test_repository_write_erases_fully_in_proportion_to_the_weight():
    w = torch.tensor([1.0, 0.5, 0.0, 0.0], dtype=D)
    add = torch.tensor([2.0, 2.0], dtype=D)
    expected = torch.tensor([[2.0, 2.0], [1.0, 1.5], [1.0, 1.0], [-1.0, 0.0]], dtype=D)
    assert torch.allclose(write_full_erase(MEMORY, w, add), expected)


def test_paper_write_erases_then_adds():
    w = torch.tensor([1.0, 0.5, 0.0, 0.0], dtype=D)
    erase = torch.tensor([1.0, 0.0], dtype=D)
    add = torch.tensor([1.0, 1.0], dtype=D)
    expected = torch.tensor([[1.0, 1.0], [0.5, 1.5], [1.0, 1.0], [-1.0, 0.0]], dtype=D)
    assert torch.allclose(write_erase_add(MEMORY, w, erase, add), expected)


def test_paper_write_with_full_erase_is_the_repositorys():
    torch.manual_seed(1)
    memory, w, add = torch.rand(5, 3, dtype=D), torch.rand(5, dtype=D), torch.randn(3, dtype=D)
    assert torch.allclose(write_erase_add(memory, w, torch.ones(3, dtype=D), add), write_full_erase(memory, w, add))


def test_initial_memory_is_sigmoid_of_the_learned_bias():
    bias = torch.tensor([[0.0, 1.0, -1.0, 2.0, 0.5, -0.5]])
    memory = initial_memory(bias, 3, 2)
    assert memory.shape == (1, 1, 3, 2)
    assert torch.allclose(memory.flatten(), torch.sigmoid(bias[0]))
