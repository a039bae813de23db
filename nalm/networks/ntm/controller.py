"""The Neural Turing Machine's LSTM controller and output layer, for R runs at once.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), §2 and §4 (LSTM
controller); `kdexd/ntm-pytorch`, `ntm/modules/controller.py`:

* the controller is one `LSTMCell(I + H·M, C)` on concat(x_t, r¹_{t−1}, …, r^H_{t−1}) (the
  previous step's reads); gates in PyTorch's order i, f, g, o:
  c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g),  h_t = σ(o) ⊙ tanh(c_t);
* the output is y_t = σ(W_y · concat(h_t, r¹_t, …, r^H_t) + b_y): h_t and this step's reads;
* h₀, c₀ are learned vectors (the biases of `Linear(1, C)` layers fed a constant 0).

Initialisation as PyTorch's defaults there: LSTM weights and biases U(±1/√C); the output
weight Kaiming-uniform (bound √(6 / fan_in)), its bias U(±1/√fan_in); h₀ and c₀ U(−1, 1).
"""

import math

import torch


class _LSTMStep(torch.autograd.Function):
    """The cell update as one autograd node, its backward written out (a training step's
    hot path: one node instead of a dozen)."""

    @staticmethod
    def forward(ctx, gates, cell):
        size = cell.shape[-1]
        squashed = torch.sigmoid(gates)  # the candidate block's sigmoid is not used
        input_gate, forget_gate = squashed[..., :size], squashed[..., size : 2 * size]
        output_gate = squashed[..., 3 * size :]
        candidate = torch.tanh(gates[..., 2 * size : 3 * size])
        new_cell = forget_gate * cell + input_gate * candidate
        squashed_cell = torch.tanh(new_cell)
        ctx.save_for_backward(squashed, candidate, cell, squashed_cell)
        return output_gate * squashed_cell, new_cell

    @staticmethod
    def backward(ctx, d_hidden, d_cell):
        squashed, candidate, cell, squashed_cell = ctx.saved_tensors
        size = cell.shape[-1]
        input_gate, forget_gate = squashed[..., :size], squashed[..., size : 2 * size]
        output_gate = squashed[..., 3 * size :]
        if d_hidden is None:
            d_hidden = torch.zeros_like(cell)
        d_total = d_hidden * output_gate * (1 - squashed_cell * squashed_cell)
        if d_cell is not None:
            d_total = d_total + d_cell
        d_squashed = torch.cat([d_total * candidate, d_total * cell, d_total, d_hidden * squashed_cell], dim=-1)
        d_gates = d_squashed * squashed * (1 - squashed)
        # the candidate block: through tanh, not sigmoid
        d_gates[..., 2 * size : 3 * size] = d_total * input_gate * (1 - candidate * candidate)
        return d_gates, d_total * forget_gate


def lstm_step(gates: torch.Tensor, cell: torch.Tensor) -> tuple:
    """(h_t, c_t) from the pre-activation gates `[..., 4C]` (i, f, g, o) and c_{t−1} `[..., C]`."""
    return _LSTMStep.apply(gates, cell)


def _uniform(shape, bound, generator, dtype):
    return (2 * torch.rand(shape, generator=generator, dtype=dtype) - 1) * bound


@torch.no_grad()
def init_controller(network, run: int, generator: torch.Generator) -> None:
    """Initialise run `run`'s LSTM, output layer, h₀ and c₀ in place from `generator`."""
    dtype = network.lstm_weight_ih.dtype
    bound = 1 / math.sqrt(network.config.controller_size)
    for p in (network.lstm_weight_ih, network.lstm_weight_hh, network.lstm_bias_ih, network.lstm_bias_hh):
        p[run] = _uniform(p.shape[1:], bound, generator, dtype)
    fan_in = network.output_weight.shape[-1]
    network.output_weight[run] = _uniform(network.output_weight.shape[1:], math.sqrt(6.0 / fan_in), generator, dtype)
    network.output_bias[run] = _uniform(network.output_bias.shape[1:], 1 / math.sqrt(fan_in), generator, dtype)
    network.initial_hidden[run] = _uniform(network.initial_hidden.shape[1:], 1.0, generator, dtype)
    network.initial_cell[run] = _uniform(network.initial_cell.shape[1:], 1.0, generator, dtype)
