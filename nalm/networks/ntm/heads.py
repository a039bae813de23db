"""The Neural Turing Machine's heads: what each one computes from the controller, and its layers.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), §3.3 and Figure 2;
`kdexd/ntm-pytorch`, `ntm/modules/head.py`. Each head is a set of linear layers on the
controller state u (the repository feeds the LSTM's *cell* state c_t, the paper the controller
output h_t; `NTMConfig.head_input`):

    key k = W_k u + b_k (no activation)         β = softplus(W_β u + b_β)
    gate g = σ(W_g u + b_g)                     s = softmax(W_s u + b_s)   (3 shifts)
    γ = 1 + softplus(W_γ u + b_γ)               add a = W_a u + b_a        (write heads; unbounded)
    erase e = σ(W_e u + b_e)                    (write heads of the paper's variant only)

The repository computes a write vector for its read heads too and never uses it; those
layers are not built here (`nalm.networks.ntm.original` counts them for the repository's
parameter totals). All layers of one head are stored as the rows of one matrix, in the order
below, so one batched product per step gives every head's outputs.

Initialisation (`NTMHead.reset`): the key layer keeps PyTorch's `Linear` default U(±1/√C);
every other weight is Xavier-uniform with gain 1.4 (bound 1.4·√(6 / (C + rows of that layer)));
every bias N(0, 0.01²).
"""

import math

import torch

#: rows of one head's matrix after its key (M rows): β, g, s₀, s₁, s₂, γ
SCALAR_ROWS = 6
#: Xavier gain of the head layers (`ntm/modules/head.py`, `reset`)
XAVIER_GAIN = 1.4
#: standard deviation of every head bias (`ntm/modules/head.py`, `reset`)
BIAS_STD = 0.01


def read_head_rows(unit_size: int) -> int:
    """Rows of a read head: key (M) and the six scalars."""
    return unit_size + SCALAR_ROWS


def write_head_rows(unit_size: int, erase: bool) -> int:
    """Rows of a write head: key (M), six scalars, add vector (M), and the erase vector (M) if any."""
    return unit_size + SCALAR_ROWS + unit_size + (unit_size if erase else 0)


def layer_blocks(unit_size: int, write: bool, erase: bool) -> list:
    """(name, first row, rows) of every layer of a head, in storage order."""
    blocks = [("key", 0, unit_size), ("key_strength", unit_size, 1), ("interpolation_gate", unit_size + 1, 1),
              ("shift_weighting", unit_size + 2, 3), ("sharpen_factor", unit_size + 5, 1)]
    if write:
        blocks.append(("add", unit_size + SCALAR_ROWS, unit_size))
        if erase:
            blocks.append(("erase", 2 * unit_size + SCALAR_ROWS, unit_size))
    return blocks


@torch.no_grad()
def init_head(weight: torch.Tensor, bias: torch.Tensor, generator: torch.Generator, unit_size: int,
              write: bool, erase: bool) -> None:
    """Initialise one head's matrix `[rows, C]` and bias `[rows]` in place from `generator`."""
    controller_size = weight.shape[-1]
    for name, first, rows in layer_blocks(unit_size, write, erase):
        if name == "key":
            bound = 1 / math.sqrt(controller_size)
        else:
            bound = XAVIER_GAIN * math.sqrt(6.0 / (controller_size + rows))
        sample = torch.rand(rows, controller_size, generator=generator, dtype=weight.dtype)
        weight[first : first + rows] = (2 * sample - 1) * bound
    bias.copy_(torch.randn(bias.shape, generator=generator, dtype=bias.dtype) * BIAS_STD)
