"""The digit encoder as R copies (nalm/networks/mnist_encoder.py): `bmistry4/nalm-division`,
`experiments/two_digit_mnist.py`, `Img2LabelsIndepImgClf`."""

import torch

from nalm.core.random import init_generator
from nalm.networks.mnist_encoder import DigitEncoder, VectorisedDigitEncoder, dropout_masks


def images(runs=2, batch=3, seed=0):
    return torch.randn(runs, batch, 1, 28, 56, generator=torch.Generator().manual_seed(seed))


def encoder(seeds, execution="loop"):
    network = VectorisedDigitEncoder(len(seeds), execution)
    network.reset_parameters([init_generator(s) for s in seeds])
    return network


def test_the_layers_are_the_scripts():
    model = DigitEncoder()
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {
        "conv1.weight": (32, 1, 3, 3), "conv1.bias": (32,), "conv2.weight": (64, 32, 3, 3), "conv2.bias": (64,),
        "fc1.weight": (128, 9216), "fc1.bias": (128,), "fc2.weight": (9, 128), "fc2.bias": (9,),
    }  # fmt: skip


def test_soft_argmax_of_each_half_in_order():
    """Column 0 is the left digit's estimate, column 1 the right's; each lies in [1, 9]."""
    model = DigitEncoder().eval()
    x = images(1, 4)[0]
    z = model(x)
    assert z.shape == (4, 2) and bool(((z >= 1) & (z <= 9)).all())
    left_only = model(torch.cat([x[..., :28], x[..., :28]], -1))
    assert torch.equal(left_only[:, 0], z[:, 0]) and torch.equal(left_only[:, 1], z[:, 0])
    # p @ (1..9): a one-hot softmax gives the digit itself
    with torch.no_grad():
        model.fc2.weight.zero_()
        model.fc2.bias.copy_(torch.tensor([0, 0, 0, 0, 0, 0, 100.0, 0, 0]))
    assert torch.equal(model(x), torch.full((4, 2), 7.0))


def test_a_run_alone_equals_the_same_run_in_a_block_bit_for_bit():
    x = images(3, 5)
    block, alone = encoder([0, 1, 2]), encoder([1])
    assert torch.equal(alone(x[1:2])[0], block(x)[1])
    generators = lambda: [torch.Generator().manual_seed(s) for s in (10, 11, 12)]  # noqa: E731
    block.train(), alone.train()
    trained_block = block(x, generators())[1]
    trained_alone = alone(x[1:2], [generators()[1]])[0]
    assert torch.equal(trained_alone, trained_block)


def test_vmap_execution_computes_the_same_function():
    """Grouped convolutions round differently from per-run ones (about 1 ulp); in this case a
    vmapped run alone still equals the same run in a vmapped block (not guaranteed in general)."""
    x = images(3, 5)
    loop, vmapped = encoder([0, 1, 2], "loop"), encoder([0, 1, 2], "vmap")
    assert torch.allclose(loop(x), vmapped(x), atol=1e-5, rtol=1e-5)
    assert torch.equal(encoder([2], "vmap")(x[2:3])[0], vmapped(x)[2])


def test_each_copy_is_its_seeds_default_initialised_model():
    network = encoder([4, 5])
    generator = init_generator(5)
    torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
    model = DigitEncoder().eval()
    x = images(2, 2)
    assert torch.allclose(network.eval()(x)[1], model(x[1]), atol=1e-6)


def test_dropout_masks_are_scaled_bernoulli_from_the_runs_generator():
    first, second = dropout_masks(torch.Generator().manual_seed(3), 200)
    assert first.shape == (200, 64, 12, 12) and second.shape == (200, 128)
    assert first.unique().tolist() == [0.0, torch.tensor(1 / 0.75).item()]
    assert second.unique().tolist() == [0.0, 2.0]
    assert abs(float((first > 0).float().mean()) - 0.75) < 0.01 and abs(float((second > 0).float().mean()) - 0.5) < 0.02
    again = dropout_masks(torch.Generator().manual_seed(3), 200)
    assert torch.equal(first, again[0]) and torch.equal(second, again[1])


def test_gradients_stay_in_their_run():
    network = encoder([0, 1])
    network(images(2, 2))[0].sum().backward()
    for parameter in network.parameters():
        assert parameter.grad[1].abs().sum() == 0 and parameter.grad[0].abs().sum() > 0
