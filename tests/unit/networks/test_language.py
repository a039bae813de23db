"""The language-to-number networks (nalm/networks/language.py) against their definitions in
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/language_models/model.py`: `lstm_forward` reads the
LSTM at the last token then a Linear(32 → 1); `nalu_forward` (its "LSTM + NALU") sums one NALU
cell over consecutive token pairs, with no LSTM. The paper's LSTM + NALU reads the last token."""

import torch

from nalm.core.random import init_generator
from nalm.networks.language import PAD, BigramNALU, LSTMLinear, LSTMNALU

SEQUENCES = [[5, 32, 30, 24, 6, 0], [2, 0], [14, 0], [3, 32, 0]]  # three hundred and forty four; zero; ...


def _tokens(runs):
    table = torch.full((len(SEQUENCES), 6), PAD)
    for row, ids in enumerate(SEQUENCES):
        table[row, : len(ids)] = torch.tensor(ids)
    return table.unsqueeze(0).repeat(runs, 1, 1)


def _network(cls, runs=2):
    network = cls(33, 32, 32, runs)
    network.reset_parameters([init_generator(seed) for seed in range(runs)])
    return network


def test_bigram_nalu_is_a_sum_over_consecutive_token_pairs():
    network = _network(BigramNALU)
    output = network(_tokens(2))
    for r in range(2):
        for row, ids in enumerate(SEQUENCES):
            e = network.encoder.embedding[r][torch.tensor(ids)]
            pairs = torch.cat([e[:-1], e[1:]], dim=1)  # pair t = [e_t ; e_{t+1}], the last one ends with EOS
            head = network.head
            g = torch.sigmoid(pairs @ head.G[r].T)
            a = pairs @ head.W_a[r].T
            m = torch.exp(torch.log(pairs.abs() + 1e-10) @ head.W_m[r].T)
            expected = (g * a + (1 - g) * m).sum()
            assert torch.allclose(output[r, row, 0], expected, rtol=1e-5), (r, ids)


def test_lstm_models_read_the_last_token_and_ignore_padding():
    for cls in (LSTMLinear, LSTMNALU):
        network = _network(cls)
        tokens = _tokens(2)
        padded = torch.cat([tokens, torch.full((2, 4, 3), PAD)], dim=2)  # three more padding columns
        assert torch.allclose(network(tokens), network(padded), atol=1e-6)
        short = _tokens(2)[:, 1:2, :2]  # "zero" + EOS alone
        assert torch.allclose(network(short)[:, 0], network(tokens)[:, 1], atol=1e-6)


def test_lstm_linear_head_is_torchs_linear_of_the_last_output():
    network = _network(LSTMLinear)
    tokens = _tokens(2)
    h = network.encoder(torch.where(tokens == PAD, 0, tokens))
    last = torch.tensor([len(ids) - 1 for ids in SEQUENCES])
    for r in range(2):
        expected = h[r, torch.arange(4), last] @ network.head_weight[r].T + network.head_bias[r]
        assert torch.allclose(network(tokens)[r], expected, atol=1e-6)


def test_reproduction_lstm_initialisation():
    network = _network(LSTMLinear, runs=1)
    assert torch.all(network.encoder.b_ih == 0) and torch.all(network.encoder.b_hh == 0)
    assert network.head_weight.abs().max() <= 1 / 32**0.5  # nn.Linear(32, 1) default


def test_bigram_nalu_names_its_two_nac_weights_in_construction_order():
    network = _network(BigramNALU, runs=1)
    assert [w is p for w, p in zip(network.nac_weights(), [network.head.W_a, network.head.W_m])] == [True, True]
    assert network.head.W_a.shape == (1, 1, 64)
