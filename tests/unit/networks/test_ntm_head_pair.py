"""The fused read/write head step (nalm/networks/ntm/head_pair.py) against autograd of the plain
addressing and memory functions, and against finite differences."""

import pytest
import torch

from nalm.networks.ntm.addressing import address, head_scalars
from nalm.networks.ntm.head_pair import head_pair_step
from nalm.networks.ntm.memory import read, write_erase_add, write_full_erase

D = torch.float64


def reference(memory, previous, keys, scalars, add, erase_raw=None):
    weighting = address(memory, previous, keys, *head_scalars(scalars))
    r = read(weighting[..., 0:1, :], memory)
    if erase_raw is None:
        new = write_full_erase(memory, weighting[..., 1, :], add)
    else:
        new = write_erase_add(memory, weighting[..., 1, :], torch.sigmoid(erase_raw), add)
    return new, r, weighting


def inputs(seed, erase, shape=(2, 3), rows=6, width=4):
    generator = torch.Generator().manual_seed(seed)
    previous = torch.softmax(torch.randn(*shape, 2, rows, generator=generator, dtype=D), dim=-1)
    values = [
        torch.rand(*shape, rows, width, generator=generator, dtype=D),
        previous,
        torch.randn(*shape, 2, width, generator=generator, dtype=D),
        torch.randn(*shape, 2, 6, generator=generator, dtype=D),
        torch.randn(*shape, width, generator=generator, dtype=D),
    ]
    if erase:
        values.append(torch.randn(*shape, width, generator=generator, dtype=D))
    return [v.requires_grad_() for v in values]


@pytest.mark.parametrize("erase", [False, True])
def test_forward_and_gradients_equal_autograd_of_the_plain_functions(erase):
    values = inputs(0, erase)
    fused = head_pair_step(*values)
    plain = reference(*values)
    generator = torch.Generator().manual_seed(1)
    upstream = [torch.randn(t.shape, generator=generator, dtype=D) for t in plain]
    for a, b in zip(fused, plain):
        assert torch.allclose(a, b, atol=1e-12)
    fused_grads = torch.autograd.grad(fused, values, upstream)
    plain_grads = torch.autograd.grad(plain, values, upstream)
    for a, b in zip(fused_grads, plain_grads):
        assert torch.allclose(a, b, atol=1e-10)


@pytest.mark.parametrize("erase", [False, True])
def test_gradients_match_finite_differences(erase):
    assert torch.autograd.gradcheck(head_pair_step, tuple(inputs(2, erase, shape=(2,), rows=5, width=3)), atol=1e-7)


def test_a_zero_memory_row_and_unused_outputs():
    """A row of zeros (its norm clamped at 1e-8, as torch's cosine) and only the read used downstream."""
    values = inputs(3, False)
    with torch.no_grad():
        values[0][..., 2, :] = 0
    fused = head_pair_step(*values)[1].sum()
    plain = reference(*values)[1].sum()
    options = {"allow_unused": True, "materialize_grads": True}
    for a, b in zip(torch.autograd.grad(fused, values, **options), torch.autograd.grad(plain, values, **options)):
        assert torch.allclose(a, b, atol=1e-10)


def test_lstm_step_is_torchs_lstm_cell():
    """controller.py's fused cell update against torch.nn.LSTMCell (gates i, f, g, o) and autograd."""
    from nalm.networks.ntm.controller import lstm_step

    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 4).double()
    x, h, c = torch.randn(5, 3, dtype=D), torch.randn(5, 4, dtype=D), torch.randn(5, 4, dtype=D, requires_grad=True)
    gates = (x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh).detach().requires_grad_()
    expected = cell(x, (h, c))
    got = lstm_step(gates, c)
    assert torch.allclose(got[0], expected[0]) and torch.allclose(got[1], expected[1])
    assert torch.autograd.gradcheck(lstm_step, (gates, c))
    only_hidden = torch.autograd.grad(lstm_step(gates, c)[0].sum(), (gates, c))
    assert torch.autograd.gradcheck(lambda g, k: lstm_step(g, k)[0], (gates, c))
    assert all(torch.isfinite(t).all() for t in only_hidden)


def test_a_zero_key_has_torchs_clamped_gradient():
    values = inputs(4, True)
    with torch.no_grad():
        values[2][..., 0, :] = 0
    upstream = [torch.ones_like(t) for t in reference(*values)]
    fused = torch.autograd.grad(head_pair_step(*values), values, upstream)
    plain = torch.autograd.grad(reference(*values), values, upstream)
    for a, b in zip(fused, plain):
        assert torch.allclose(a, b, atol=1e-10)
