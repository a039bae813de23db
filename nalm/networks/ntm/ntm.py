"""The Neural Turing Machine with a runs dimension: R independent NTMs trained as one program.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), as
`kdexd/ntm-pytorch` implements it (`ntm/ntm.py`, `ntm/modules/{controller,head,memory}.py`;
public copy `vlgiitr/ntm-pytorch`, commit 9bea8b1). One step t, with H read and H write heads
ordered r₁, w₁, r₂, w₂, …:

1. (h_t, c_t) = LSTM(concat(x_t, r¹_{t−1}, …, r^H_{t−1}), (h_{t−1}, c_{t−1}))  (`controller.py`);
2. for k = 1 … H: read head k and write head k address the memory as write heads 1 … k−1 of
   this step left it (content, interpolation, shift, sharpening: `addressing.py`), read head k
   reads r^k_t, then write head k writes (`memory.py`); the two heads' step is one autograd
   node with its backward written out (`head_pair.py`);
3. y_t = σ(W_y · concat(h_t, r¹_t, …, r^H_t) + b_y).

The repository's departures from the paper, reproduced by default and each selectable
(`NTMConfig`):

* `head_input="cell"`: the heads are driven by the LSTM cell state c_t; the paper's
  controller output is h_t (`"hidden"`);
* `write="full_erase"`: no erase vector, M(i) ← w(i) a + (1 − w(i)) M(i) (the paper's write
  with e = 1); the paper's erase-then-add with e = σ(W_e u + b_e) is `"erase_add"`;
* `initial_reads="random"`: r₀ is fresh noise U(±√(6/M)) at every sequence (Kaiming-uniform on a
  1×M tensor), given with the input (`NTMInput.initial_reads`); `"learned"` makes it a learned
  vector per head (the paper does not say);
* the initial memory σ(b) and h₀, c₀ are learned vectors, the same for every sequence (the
  paper does not say; kept).

Shapes: inputs `[R, B, T, I]` (B sequences per run, padded to a common length T; padding after
a sequence's last output never reaches that output), outputs `[R, B, T, O]` (probabilities).
Every parameter has the leading runs dimension; no operation mixes runs (batched products
over runs, element-wise operations), so a run's numbers do not depend on the other runs in
distribution; docs/architecture.md says what holds bit for bit.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from nalm.networks.ntm.controller import init_controller, lstm_step
from nalm.networks.ntm.head_pair import head_pair_step
from nalm.networks.ntm.heads import (
    SCALAR_ROWS,
    init_head,
    read_head_rows,
    write_head_rows,
)
from nalm.networks.ntm.memory import initial_memory
from nalm.networks.ntm.shared_weight import SharedWeight

HEAD_INPUTS = ("cell", "hidden")
WRITES = ("full_erase", "erase_add")
INITIAL_READS = ("random", "learned")

#: the repository's choices (`kdexd/ntm-pytorch`) and the paper's, where the paper says
VARIANTS = {
    "repository": {"head_input": "cell", "write": "full_erase", "initial_reads": "random"},
    "paper": {"head_input": "hidden", "write": "erase_add", "initial_reads": "random"},
}


@dataclass(frozen=True)
class NTMConfig:
    """Sizes and variant of one NTM (the repository's task JSON files give the sizes)."""

    input_size: int
    output_size: int
    controller_size: int = 100
    #: N rows of M numbers (the repository's `memory_units`, `memory_unit_size`)
    memory_units: int = 128
    memory_unit_size: int = 20
    #: H: the model has H read heads and H write heads (the repository's `num_heads`)
    heads: int = 1
    head_input: str = "cell"
    write: str = "full_erase"
    initial_reads: str = "random"

    def __post_init__(self):
        for name in ("input_size", "output_size", "controller_size", "memory_units", "memory_unit_size", "heads"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"bad NTM {name} {value!r}: expected a positive integer")
        for name, allowed in (("head_input", HEAD_INPUTS), ("write", WRITES), ("initial_reads", INITIAL_READS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"bad NTM {name} {getattr(self, name)!r}: expected one of {', '.join(allowed)}")

    @property
    def erase(self) -> bool:
        return self.write == "erase_add"

    @property
    def read_size(self) -> int:
        """H·M: the reads fed back to the controller and to the output layer."""
        return self.heads * self.memory_unit_size


@dataclass
class NTMInput:
    """One batch of sequences: inputs `[R|1, B, T, I]` and initial reads `[R|1, B, H, M]` (or None
    when the NTM learns them)."""

    inputs: torch.Tensor
    initial_reads: torch.Tensor | None = None

    def to(self, device, non_blocking=False):
        reads = None if self.initial_reads is None else self.initial_reads.to(device, non_blocking=non_blocking)
        return NTMInput(self.inputs.to(device, non_blocking=non_blocking), reads)


def initial_read_bound(unit_size: int) -> float:
    """√(6/M): the repository's r₀ is `kaiming_uniform_` on a 1×M tensor (fan-in M, gain √2)."""
    return math.sqrt(6.0 / unit_size)


class NTM(nn.Module):
    """R Neural Turing Machines of the same configuration, trained as one program."""

    def __init__(self, config: NTMConfig, runs: int):
        super().__init__()
        if runs < 1:
            raise ValueError("runs must be positive")
        self.config, self.runs = config, runs
        C, N, M, H = config.controller_size, config.memory_units, config.memory_unit_size, config.heads
        I, O = config.input_size, config.output_size

        def parameter(*shape):
            return nn.Parameter(torch.zeros(runs, *shape))

        self.lstm_weight_ih = parameter(4 * C, I + H * M)
        self.lstm_weight_hh = parameter(4 * C, C)
        self.lstm_bias_ih = parameter(4 * C)
        self.lstm_bias_hh = parameter(4 * C)
        self.output_weight = parameter(O, C + H * M)
        self.output_bias = parameter(O)
        self.initial_hidden = parameter(C)
        self.initial_cell = parameter(C)
        self.memory_bias = parameter(N * M)
        self.read_head_weight = parameter(H, read_head_rows(M), C)
        self.read_head_bias = parameter(H, read_head_rows(M))
        self.write_head_weight = parameter(H, write_head_rows(M, config.erase), C)
        self.write_head_bias = parameter(H, write_head_rows(M, config.erase))
        self.initial_read = parameter(H, M) if config.initial_reads == "learned" else None

    # ------------------------------------------------------------------ protocol

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        """Run `runs[k]` draws its weights from `generators[k]` only (docs: module docstrings)."""
        config = self.config
        runs = list(range(self.runs)) if runs is None else [int(run) for run in runs]
        for run, generator in zip(runs, generators):
            init_controller(self, run, generator)
            self.memory_bias[run] = 2 * torch.rand(self.memory_bias.shape[1:], generator=generator) - 1
            for k in range(config.heads):
                init_head(self.read_head_weight[run, k], self.read_head_bias[run, k], generator,
                          config.memory_unit_size, write=False, erase=False)
                init_head(self.write_head_weight[run, k], self.write_head_bias[run, k], generator,
                          config.memory_unit_size, write=True, erase=config.erase)
            if self.initial_read is not None:
                bound = initial_read_bound(config.memory_unit_size)
                self.initial_read[run] = (2 * torch.rand(self.initial_read.shape[1:], generator=generator) - 1) * bound

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp."""

    def parameter_count(self) -> int:
        """Trainable numbers of one run."""
        return sum(p[0].numel() for p in self.parameters())

    # ------------------------------------------------------------------ forward

    def _head_layout(self):
        """The heads' rows regrouped per (read k, write k) pair: keys of both, scalars of both,
        then the write head's add (and erase) rows; one matrix `[R, C, P]` and bias `[R, 1, P]`."""
        M = self.config.memory_unit_size
        weights, biases = [], []
        for k in range(self.config.heads):
            for source, first, rows in ((0, 0, M), (1, 0, M), (0, M, SCALAR_ROWS), (1, M, SCALAR_ROWS),
                                        (1, M + SCALAR_ROWS, self.write_head_weight.shape[2] - M - SCALAR_ROWS)):
                weight = self.read_head_weight if source == 0 else self.write_head_weight
                bias = self.read_head_bias if source == 0 else self.write_head_bias
                weights.append(weight[:, k, first : first + rows])
                biases.append(bias[:, k, first : first + rows])
        return torch.cat(weights, dim=1).transpose(1, 2), torch.cat(biases, dim=1).unsqueeze(1)

    def _initial_reads(self, x: NTMInput, batch: int) -> torch.Tensor:
        config = self.config
        shape = (self.runs, batch, config.heads, config.memory_unit_size)
        if self.initial_read is not None:
            return self.initial_read.unsqueeze(1).expand(shape)
        if x.initial_reads is None:
            raise ValueError("this NTM draws r0 at every sequence (initial_reads='random'): give NTMInput.initial_reads")
        return x.initial_reads.expand(shape)

    def forward(self, x, log=None, trace=None) -> torch.Tensor:
        """Outputs `[R, B, T, O]` for `x` (`NTMInput`); `trace` (a dict) collects per-step states."""
        if not isinstance(x, NTMInput):
            x = NTMInput(x)
        config = self.config
        R, C, N, M, H = self.runs, config.controller_size, config.memory_units, config.memory_unit_size, config.heads
        inputs = x.inputs.expand(R, *x.inputs.shape[1:])
        _, B, T, I = inputs.shape
        if I != config.input_size:
            raise ValueError(f"inputs have {I} channels, the NTM takes {config.input_size}")

        # the input part of every step's LSTM gates in one product; the rest per step
        bias = (self.lstm_bias_ih + self.lstm_bias_hh).unsqueeze(1)
        x_gates = torch.baddbmm(bias, inputs.reshape(R, B * T, I), self.lstm_weight_ih[:, :, :I].transpose(1, 2))
        # unbind, not indexing: one backward node for all steps, not a zero-filled copy per step
        x_gates = x_gates.view(R, B, T, 4 * C).permute(2, 0, 1, 3).contiguous().unbind(0)
        recurrent = SharedWeight(torch.cat([self.lstm_weight_ih[:, :, I:], self.lstm_weight_hh], dim=2).transpose(1, 2))
        head_weight, head_bias = self._head_layout()
        # per (read k, write k) pair: both keys, both heads' six scalars, add (and erase) vector
        per_pair = 4 if config.erase else 3
        piece_sizes = [2 * M, 2 * SCALAR_ROWS, M, M][:per_pair] * H
        head_weight = SharedWeight(head_weight)

        memory = initial_memory(self.memory_bias, N, M).expand(R, B, N, M)
        hidden = self.initial_hidden.unsqueeze(1).expand(R, B, C)
        cell = self.initial_cell.unsqueeze(1).expand(R, B, C)
        reads = self._initial_reads(x, B)
        previous = [inputs.new_zeros(R, B, 2, N) for _ in range(H)]
        hiddens, all_reads = [], []
        for t in range(T):
            state = torch.cat([reads.reshape(R, B, H * M), hidden], dim=-1)
            hidden, cell = lstm_step(recurrent.product(state, x_gates[t]), cell)
            heads = head_weight.product(cell if config.head_input == "cell" else hidden) + head_bias
            step_reads, step_weights = [], []
            pieces = torch.split(heads, piece_sizes, dim=-1)
            for k in range(H):
                keys, scalars, add, *erase = pieces[k * per_pair : (k + 1) * per_pair]
                memory, step_read, weighting = head_pair_step(
                    memory, previous[k], keys.unflatten(-1, (2, M)), scalars.unflatten(-1, (2, SCALAR_ROWS)), add,
                    erase[0] if erase else None)
                previous[k] = weighting
                step_reads.append(step_read)
                step_weights.append(weighting)
            reads = step_reads[0] if H == 1 else torch.cat(step_reads, dim=-2)
            hiddens.append(hidden)
            all_reads.append(reads)
            if trace is not None:
                trace.setdefault("hidden", []).append(hidden)
                trace.setdefault("cell", []).append(cell)
                trace.setdefault("head_weights", []).append(torch.cat(step_weights, dim=-2))
                trace.setdefault("reads", []).append(reads)
                trace["memory"] = memory

        features = torch.cat([torch.stack(hiddens, dim=2), torch.stack(all_reads, dim=2).flatten(-2)], dim=-1)
        logits = torch.baddbmm(self.output_bias.unsqueeze(1), features.view(R, B * T, -1), self.output_weight.transpose(1, 2))
        return torch.sigmoid(logits).view(R, B, T, config.output_size)
