"""The runs-dimension embedding and LSTM (nalm/networks/lstm.py): `torch.nn.LSTM` per run, the
initialisation of `nkarasovd/Neural_Arithmetic_Logic_Units` `src/language_models/model.py`
(N(0, 1) embedding, Xavier-uniform matrices, zero biases), and a run alone = the same run inside
a block, bit for bit, through training."""

import math

import torch

from nalm.networks.lstm import RunsEncoder, reinitialise_lstm_, reproduction_encoder


def _encoder(seeds, hidden=32):
    encoder = RunsEncoder(33, 32, hidden, len(seeds))
    for run, seed in enumerate(seeds):
        torch.manual_seed(seed)
        embedding, lstm = reproduction_encoder(33, 32, hidden)
        reinitialise_lstm_(lstm)
        encoder.load_run_(run, embedding, lstm)
    return encoder


def test_reinitialisation_is_xavier_uniform_and_zero_biases():
    _, lstm = reproduction_encoder(33, 32, 32)
    reinitialise_lstm_(lstm)
    bound = math.sqrt(6 / (32 + 128))  # xavier_uniform_ on a [4H, E] = [128, 32] matrix
    assert lstm.weight_ih_l0.abs().max() <= bound and lstm.weight_ih_l0.abs().max() > 0.9 * bound
    assert torch.all(lstm.bias_ih_l0 == 0) and torch.all(lstm.bias_hh_l0 == 0)


def test_each_run_is_torchs_lstm():
    encoder = _encoder([3, 4])
    tokens = torch.randint(0, 33, (2, 5, 6), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        for p in encoder.parameters():  # non-zero biases too
            p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(1)))
    outputs = encoder(tokens)
    for r in range(2):
        lstm = torch.nn.LSTM(32, 32)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(encoder.W_ih[r])
            lstm.weight_hh_l0.copy_(encoder.W_hh[r])
            lstm.bias_ih_l0.copy_(encoder.b_ih[r])
            lstm.bias_hh_l0.copy_(encoder.b_hh[r])
        x = encoder.embedding[r][tokens[r]].transpose(0, 1)  # [L, B, E]
        expected, _ = lstm(x)
        assert torch.allclose(outputs[r], expected.transpose(0, 1), atol=1e-6)


def _steps(encoder, tokens, steps=5):
    optimizer = torch.optim.Adam(encoder.parameters(), lr=1e-3, foreach=True)
    for _ in range(steps):
        optimizer.zero_grad()
        encoder(tokens)[:, :, -1].square().sum().backward()
        optimizer.step()
    return encoder


def test_a_run_alone_gives_the_bits_of_the_run_in_a_block():
    for hidden in (32, 10):  # whole SIMD lanes per run, and not (padded σ and tanh)
        tokens = torch.randint(0, 33, (3, 30, 6), generator=torch.Generator().manual_seed(2))
        block = _steps(_encoder([0, 1, 2], hidden), tokens)
        alone = _steps(_encoder([1], hidden), tokens[1:2])
        assert torch.equal(block.W_hh[1], alone.W_hh[0]), hidden
        assert torch.equal(block(tokens)[1], alone(tokens[1:2])[0]), hidden
