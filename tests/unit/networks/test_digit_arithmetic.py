"""The arithmetic MNIST network's heads (nalm/networks/digit_arithmetic.py): `bmistry4/nalm-division`,
`experiments/two_digit_mnist.py` (`Labels2Out`, `MLPRegression`, `Net`)."""

import torch

from nalm.core.random import init_generator
from nalm.modules.nmru import NMRU
from nalm.modules.npu import RealNPU
from nalm.networks.digit_arithmetic import DigitArithmeticNetwork, DivisionHead, MLPHead, build_head


def test_div_head_is_the_fixed_quotient():
    z = torch.tensor([[[6.0, 3.0], [1.0, 4.0]]])
    assert torch.equal(DivisionHead(1)(z), torch.tensor([[[2.0], [0.25]]]))
    assert DivisionHead(1).regularizers() == {}


def test_mlp_head_shape_and_weight_decay_as_an_l2_term():
    head = MLPHead(2)
    head.reset_parameters([init_generator(0), init_generator(1)])
    assert sorted(tuple(p.shape) for p in head.parameters()) == [(2, 1), (2, 1, 256), (2, 256), (2, 256), (2, 256, 2), (2, 256, 256)]
    term = head.regularizers()["W"]
    expected = [0.5 * sum(float(p[r].detach().square().sum()) for p in head.parameters()) for r in range(2)]
    assert torch.allclose(term, torch.tensor(expected))
    # d(½Σp²)/dp = p: what Adam's coupled weight decay adds to the gradient (the script's --weight-decay)
    term.sum().backward()
    assert all(torch.allclose(p.grad, p.detach()) for p in head.parameters())


def test_one_adam_step_with_the_l2_term_equals_adam_weight_decay():
    """The MLP's weight decay: Adam(weight_decay=wd) on loss = Adam on loss + wd·½Σp²."""
    head = MLPHead(1)
    head.reset_parameters([init_generator(7)])
    z = torch.rand(1, 16, 2, generator=torch.Generator().manual_seed(0)) * 8 + 1
    reference = [p.detach().clone().requires_grad_(True) for p in head.parameters()]
    coupled = torch.optim.Adam(reference, lr=1e-3, weight_decay=1e-3)
    names = list(head.stacked.keys())
    from torch.func import functional_call

    outputs = functional_call(head, {f"stacked.{n}": p for n, p in zip(names, reference)}, (z,))
    outputs.square().mean().backward()
    coupled.step()
    ours = torch.optim.Adam(list(head.parameters()), lr=1e-3, foreach=True)
    (head(z).square().mean() + 1e-3 * head.regularizers()["W"].sum()).backward()
    ours.step()
    for mine, theirs in zip(head.parameters(), reference):
        assert torch.allclose(mine, theirs, atol=1e-7)


def test_module_heads_are_the_registered_modules_with_two_inputs():
    npu = build_head("module", 3, "RealNPU", {"init": "xavier-uniform-constrained", "clip": "wg"})
    assert isinstance(npu, RealNPU) and (npu.input_size, npu.output_size, npu.runs) == (2, 1, 3)
    assert isinstance(build_head("module", 1, "NMRU"), NMRU)


def test_network_reads_digits_then_applies_its_head():
    network = DigitArithmeticNetwork(DivisionHead(2), 2)
    network.reset_parameters([init_generator(0), init_generator(1)])
    network.eval()
    x = torch.randn(2, 3, 1, 28, 56)
    z = network.digits(x)
    assert torch.equal(network(x)[..., 0], z[..., 0] / z[..., 1])
    assert [name.split(".")[0] for name, _ in network.named_parameters()] == ["encoder"] * 8
