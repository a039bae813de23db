"""A token embedding and a one-layer LSTM for R independent runs, with batched weights.

    e_t = E[token_t]
    i, f, g, o = σ(·), σ(·), tanh(·), σ(·)  of  e_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh
    c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t),   h_0 = c_0 = 0

as `torch.nn.LSTM` (gate order i, f, g, o; two biases), for the language-to-number task of
Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018 (arXiv 1808.00508), §4.3, as the
PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` builds it
(`src/language_models/model.py`: `nn.Embedding` with its N(0, 1) default, `nn.LSTM` whose
matrices are re-drawn Xavier-uniform and whose biases are set to 0, zero initial state).

Why not `torch.func.vmap` over `nn.LSTM` (`nalm.networks.vectorised`): torch 2.13 has no batching
rule for `aten::lstm` and cannot generate a fallback ("Batching rule not implemented for
aten::lstm.input"), so the only alternative would be a Python loop over runs. Here every weight
carries the runs dimension and a step is one batched product per run plus element-wise gates.

Sequences of different lengths share a batch padded at the end: the LSTM is causal, so the
output at position t of a sequence never depends on its padding; callers read each sequence's
output at its own last position.

Block independence: batched products and additions are per run, and embedding rows are gathered
per run. σ and tanh round differently in the last few elements of a tensor (torch's SIMD tail),
so they run on whole gate tensors whose size per run is a multiple of 64 elements (then no run is
in the tail, whatever R is), or else on padded copies (`nalm.modules.base.exact_sigmoid`,
`exact_tanh`). A run alone therefore gives the same bits as inside any block
(tests/unit/networks/test_lstm.py).
"""

import torch
from torch import nn

from nalm.modules.base import exact_sigmoid, exact_tanh

#: elements per run that keep every element of an element-wise kernel in its SIMD path
_LANES = 64


def _elementwise(function, exact_function, x: torch.Tensor) -> torch.Tensor:
    """`function(x)`, or its padded exact version when a run's share of `x` is not whole lanes."""
    return function(x) if (x.numel() // x.shape[0]) % _LANES == 0 else exact_function(x)


def reproduction_encoder(vocabulary: int, embedding_size: int, hidden_size: int):
    """The reproduction's embedding and LSTM as torch modules (one run), initialised as it does.

    Construction order, hence draw order: `nn.Embedding` (N(0, 1)), `nn.LSTM` (its own uniform
    default, then overwritten: Xavier-uniform for every matrix in parameter order, 0 for every
    bias).
    """
    embedding = nn.Embedding(vocabulary, embedding_size)
    lstm = nn.LSTM(input_size=embedding_size, hidden_size=hidden_size, num_layers=1)
    return embedding, lstm


def reinitialise_lstm_(lstm: nn.LSTM) -> None:
    """Xavier-uniform for the matrices, 0 for the biases (`LanguageModel.__init__` of the reproduction)."""
    with torch.no_grad():
        for parameter in lstm.parameters():
            if parameter.dim() == 2:
                nn.init.xavier_uniform_(parameter)
            else:
                parameter.fill_(0)


class RunsEncoder(nn.Module):
    """Embedding (and, unless `hidden_size` is None, an LSTM) for R runs."""

    def __init__(self, vocabulary: int, embedding_size: int, hidden_size: int | None, runs: int):
        super().__init__()
        if min(vocabulary, embedding_size, runs) < 1 or (hidden_size is not None and hidden_size < 1):
            raise ValueError("vocabulary, embedding size, hidden size and runs must be positive")
        self.vocabulary, self.embedding_size, self.hidden_size, self.runs = vocabulary, embedding_size, hidden_size, runs
        self.embedding = nn.Parameter(torch.zeros(runs, vocabulary, embedding_size))
        if hidden_size is not None:
            gates = 4 * hidden_size
            self.W_ih = nn.Parameter(torch.zeros(runs, gates, embedding_size))
            self.W_hh = nn.Parameter(torch.zeros(runs, gates, hidden_size))
            self.b_ih = nn.Parameter(torch.zeros(runs, gates))
            self.b_hh = nn.Parameter(torch.zeros(runs, gates))

    @torch.no_grad()
    def load_run_(self, run: int, embedding: nn.Embedding, lstm: nn.LSTM | None = None) -> None:
        """Copy one run's torch modules into the batched weights."""
        self.embedding[run] = embedding.weight
        if lstm is not None:
            self.W_ih[run] = lstm.weight_ih_l0
            self.W_hh[run] = lstm.weight_hh_l0
            self.b_ih[run] = lstm.bias_ih_l0
            self.b_hh[run] = lstm.bias_hh_l0

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens `[R, B, L]` (int64) → embeddings `[R, B, L, E]`, row by row of each run's table."""
        runs = torch.arange(self.runs, device=tokens.device).view(-1, 1, 1)
        return self.embedding[runs, tokens]

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens `[R, B, L]` → LSTM outputs h_t `[R, B, L, H]` (zero initial state)."""
        x = self.embed(tokens)
        runs, batch, length, _ = x.shape
        H = self.hidden_size
        # input part of every step at once: [R, B·L, E] × [R, E, 4H]
        inputs = torch.matmul(x.reshape(runs, batch * length, -1), self.W_ih.transpose(1, 2))
        inputs = (inputs + (self.b_ih + self.b_hh).unsqueeze(1)).view(runs, batch, length, 4 * H)
        h = x.new_zeros(runs, batch, H)
        c = x.new_zeros(runs, batch, H)
        outputs = []
        for t in range(length):
            gates = inputs[:, :, t] + torch.matmul(h, self.W_hh.transpose(1, 2))
            # σ and tanh of the whole gate tensor (two calls instead of four), then the gates
            squashed = _elementwise(torch.sigmoid, exact_sigmoid, gates)
            i, f, _, o = squashed.split(H, dim=-1)
            g = _elementwise(torch.tanh, exact_tanh, gates)[..., 2 * H : 3 * H]
            c = f * c + i * g
            h = o * _elementwise(torch.tanh, exact_tanh, c)
            outputs.append(h)
        return torch.stack(outputs, dim=2)
