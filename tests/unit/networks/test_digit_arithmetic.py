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


def test_mlp_head_is_the_scripts_mlp():
    head = MLPHead(2)
    head.reset_parameters([init_generator(0), init_generator(1)])
    assert sorted(tuple(p.shape) for p in head.parameters()) == [(2, 1), (2, 1, 256), (2, 256), (2, 256), (2, 256, 2), (2, 256, 256)]
    assert head(torch.ones(2, 5, 2)).shape == (2, 5, 1) and head.regularizers() == {}


def test_mlp_weight_decay_is_adams_on_the_mlp_only():
    """Two Adam steps: our hook + Adam equals torch's Adam(weight_decay=1e-3) on a copy."""
    head = MLPHead(1, weight_decay=1e-3)
    head.reset_parameters([init_generator(7)])
    reference = MLPHead(1)
    reference.load_state_dict(head.state_dict())
    z = torch.rand(1, 16, 2, generator=torch.Generator().manual_seed(0)) * 8 + 1
    ours = torch.optim.Adam(list(head.parameters()), lr=1e-3, foreach=True)
    theirs = torch.optim.Adam(list(reference.parameters()), lr=1e-3, weight_decay=1e-3, foreach=True)
    for _ in range(2):
        for network, optimizer in ((head, ours), (reference, theirs)):
            optimizer.zero_grad()
            network(z).square().mean().backward()
            optimizer.step()
    for mine, expected in zip(head.parameters(), reference.parameters()):
        assert torch.equal(mine, expected)


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
