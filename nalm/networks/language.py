"""The three language-to-number networks of the NALU paper's experiment, R runs at once.

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018 (arXiv 1808.00508), §4.3: an English
number phrase, one token at a time, is mapped to its value. Inputs are token ids `[R, B, L]`
(int64), each sequence ending with the end-of-sequence id 0 and padded at the end with −1
(`PAD`); outputs are `[R, B, 1]`.

* `LSTMLinear` — "LSTM + Linear" of both settings: embedding → LSTM → the output at the
  sequence's last element (its end-of-sequence token) → Linear(H → 1). The reproduction's
  `LanguageModel(nalu=False, reduce_sum=False)` (`src/language_models/model.py`).
* `LSTMNALU` — the paper's "LSTM + NALU": the same LSTM, then a NALU (`NALU-xavier`, one
  weight for both paths, recomputed every step) on the last element only, as the NALU authors
  describe the task (stable-nalu `paper/appendix/nalu-author-comments.tex`).
* `BigramNALU` — what the reproduction calls "LSTM + NALU" (`LanguageModel(nalu=True)`,
  `nalu_forward`): **no LSTM**; y = Σ_{t=0}^{L−2} NALU([e_t ; e_{t+1}]) over consecutive token
  pairs of the sequence (the last pair ends with the end-of-sequence token), one
  `NALU-nkarasovd` cell of 2E inputs.

Initial weights: run r builds the reproduction's torch modules under a seed drawn from its own
generator (`nalm.networks.lstm.reproduction_encoder`; the head `nn.Linear` is made before the
LSTM's matrices are re-drawn, as in `LanguageModel.__init__`); NALU heads then draw from the
same generator (`reset_parameters` of their module).
"""

import torch
from torch import nn

from nalm.modules.nalu_nkarasovd import UntiedNALU
from nalm.modules.nalu_xavier import XavierNALU
from nalm.networks.lstm import RunsEncoder, reinitialise_lstm_, reproduction_encoder

#: padding id of the token tensors (never an embedding row)
PAD = -1


def _template_seed(generator) -> int:
    return int(torch.randint(0, 2**62, (1,), generator=generator))


def _tokens_and_last(x: torch.Tensor):
    """Token ids with padding mapped to 0, and each sequence's last position `[R, B]`."""
    valid = x != PAD
    return torch.where(valid, x, torch.zeros_like(x)), valid.sum(dim=-1) - 1


def _at_last(outputs: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    """outputs `[R, B, L, H]` read at each sequence's last position → `[R, B, H]`."""
    index = last.view(*last.shape, 1, 1).expand(-1, -1, 1, outputs.shape[-1])
    return outputs.gather(2, index).squeeze(2)


class _LanguageNetwork(nn.Module):
    def __init__(self, runs: int):
        super().__init__()
        self.runs = runs

    def _runs(self, runs):
        return list(range(self.runs)) if runs is None else [int(run) for run in runs]

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp."""


class LSTMLinear(_LanguageNetwork):
    """Embedding → LSTM → last element → Linear(H → 1)."""

    def __init__(self, vocabulary: int, embedding_size: int, hidden_size: int, runs: int):
        super().__init__(runs)
        self.sizes = (vocabulary, embedding_size, hidden_size)
        self.encoder = RunsEncoder(vocabulary, embedding_size, hidden_size, runs)
        self.head_weight = nn.Parameter(torch.zeros(runs, 1, hidden_size))
        self.head_bias = nn.Parameter(torch.zeros(runs, 1))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        for run, generator in zip(self._runs(runs), generators):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(_template_seed(generator))
                embedding, lstm = reproduction_encoder(*self.sizes)
                head = nn.Linear(self.sizes[2], 1)
                reinitialise_lstm_(lstm)
            self.encoder.load_run_(run, embedding, lstm)
            self.head_weight[run] = head.weight
            self.head_bias[run] = head.bias

    def forward(self, x, log=None):
        tokens, last = _tokens_and_last(x)
        h = _at_last(self.encoder(tokens), last)
        return torch.matmul(h, self.head_weight.transpose(1, 2)) + self.head_bias.unsqueeze(1)


class LSTMNALU(_LanguageNetwork):
    """Embedding → LSTM → last element → NALU-xavier(H → 1)."""

    def __init__(self, vocabulary: int, embedding_size: int, hidden_size: int, runs: int):
        super().__init__(runs)
        self.sizes = (vocabulary, embedding_size, hidden_size)
        self.encoder = RunsEncoder(vocabulary, embedding_size, hidden_size, runs)
        self.head = XavierNALU(hidden_size, 1, runs)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        for run, generator in zip(runs, generators):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(_template_seed(generator))
                embedding, lstm = reproduction_encoder(*self.sizes)
                reinitialise_lstm_(lstm)
            self.encoder.load_run_(run, embedding, lstm)
        self.head.reset_parameters(generators, runs)

    def forward(self, x, log=None):
        tokens, last = _tokens_and_last(x)
        return self.head(_at_last(self.encoder(tokens), last), log)


class BigramNALU(_LanguageNetwork):
    """Σ over consecutive token pairs of NALU-nkarasovd([e_t ; e_{t+1}]) (2E → 1): no LSTM."""

    def __init__(self, vocabulary: int, embedding_size: int, hidden_size=None, runs: int = 1):
        super().__init__(runs)
        self.sizes = (vocabulary, embedding_size)
        self.encoder = RunsEncoder(vocabulary, embedding_size, None, runs)
        self.head = UntiedNALU(2 * embedding_size, 1, runs)

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = self._runs(runs)
        for run, generator in zip(runs, generators):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(_template_seed(generator))
                embedding = nn.Embedding(*self.sizes)
            self.encoder.load_run_(run, embedding)
        self.head.reset_parameters(generators, runs)

    def nac_weights(self) -> list:
        """The cell's two NAC weights in the reproduction's construction order (additive, multiplicative)."""
        return [self.head.W_a, self.head.W_m]

    def forward(self, x, log=None):
        tokens, last = _tokens_and_last(x)
        e = self.encoder.embed(tokens)  # [R, B, L, E]
        length = e.shape[2]
        # pair t = (e_t, e_{t+1}) for t < last; later positions repeat the sequence's last pair, so
        # that padding never produces values of its own, and are then left out of the sum
        position = torch.arange(length - 1, device=x.device).view(1, 1, -1)
        first = torch.minimum(position, (last - 1).unsqueeze(-1))
        index = first.unsqueeze(-1).expand(-1, -1, -1, e.shape[-1])
        pairs = torch.cat([e.gather(2, index), e.gather(2, index + 1)], dim=-1)  # [R, B, L−1, 2E]
        runs, batch, count, width = pairs.shape
        values = self.head(pairs.reshape(runs, batch * count, width), log).view(runs, batch, count)
        used = position < last.unsqueeze(-1)
        return torch.where(used, values, torch.zeros_like(values)).sum(dim=-1, keepdim=True)
