"""How a Neural Turing Machine head turns its controller outputs into a weighting over memory.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), §3.3, in the
form `kdexd/ntm-pytorch` computes it (`ntm/modules/head.py`, `ntm/modules/memory.py`):

1. content:       w^c(i) = softmax_i( β · cos(k, M(i)) ),  cos with each norm clamped at 1e-8
                  (`torch.nn.functional.cosine_similarity`);
2. interpolation: w^g = g · w^c + (1 − g) · w_{t−1};
3. shift:         w̃(i) = s₀ · w^g(i − 1) + s₁ · w^g(i) + s₂ · w^g(i + 1), indices mod N
                  (the repository pads circularly and cross-correlates with `conv1d`, so s₀
                  moves the focus one row forward and s₂ one row back);
4. sharpening:    w(i) = w̃(i)^γ / (Σ_j w̃(j)^γ + 1e-16).

Shapes: any leading dimensions (runs, sequences), then K heads addressing the same memory:
memory `[..., N, M]`, keys `[..., K, M]`, scalars `[..., K]`, shifts `[..., K, 3]`,
weightings `[..., K, N]`. Each head of a repository step is addressed on the memory as the
earlier write heads of that step left it; heads that see the same memory (read head k and
write head k) are addressed together.
"""

import torch
import torch.nn.functional as F

#: `torch.nn.functional.cosine_similarity`'s default eps, which the repository keeps
COSINE_EPS = 1e-8
#: added to the sharpened weighting's sum before normalising (`ntm/modules/head.py`)
SHARPEN_EPS = 1e-16


def cosine_similarity(keys: torch.Tensor, memory: torch.Tensor, eps: float = COSINE_EPS) -> torch.Tensor:
    """cos(k_h, M(i)) for every head h and row i: `[..., K, M]`, `[..., N, M]` -> `[..., K, N]`.

    As torch's `cosine_similarity`: each norm is clamped at `eps` on its own.
    """
    key_norm = torch.linalg.vector_norm(keys, dim=-1).clamp_min(eps)
    memory_norm = torch.linalg.vector_norm(memory, dim=-1).clamp_min(eps)
    dot = torch.matmul(keys, memory.transpose(-1, -2))
    return dot / (key_norm.unsqueeze(-1) * memory_norm.unsqueeze(-2))


def content_weighting(keys: torch.Tensor, strengths: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """w^c = softmax over rows of β · cos(k, M(i)) (§3.3.1)."""
    return torch.softmax(strengths.unsqueeze(-1) * cosine_similarity(keys, memory), dim=-1)


def interpolate(content: torch.Tensor, previous: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """w^g = g · w^c + (1 − g) · w_{t−1} (§3.3.2); at t = 1 the repository's w_0 is all zeros."""
    gate = gate.unsqueeze(-1)
    return gate * content + (1 - gate) * previous


def circular_shift(weighting: torch.Tensor, shifts: torch.Tensor) -> torch.Tensor:
    """w̃(i) = s₀ · w(i − 1) + s₁ · w(i) + s₂ · w(i + 1), indices mod N (§3.3.2, three shifts)."""
    back = torch.roll(weighting, 1, dims=-1)  # back[i] = w(i − 1)
    ahead = torch.roll(weighting, -1, dims=-1)  # ahead[i] = w(i + 1)
    return shifts[..., 0:1] * back + shifts[..., 1:2] * weighting + shifts[..., 2:3] * ahead


def sharpen(weighting: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """w = w̃^γ / (Σ w̃^γ + 1e-16) (§3.3.2, eq. 9, with the repository's 1e-16)."""
    powered = weighting.pow(gamma.unsqueeze(-1))
    return powered / (powered.sum(dim=-1, keepdim=True) + SHARPEN_EPS)


def address(memory, previous, keys, strengths, gate, shifts, gamma) -> torch.Tensor:
    """The four steps in order: the heads' new weightings `[..., K, N]`."""
    content = content_weighting(keys, strengths, memory)
    return sharpen(circular_shift(interpolate(content, previous, gate), shifts), gamma)


def head_scalars(raw: torch.Tensor) -> tuple:
    """β, g, s, γ from a head's six raw outputs `[..., 6]` (β, g, s₀, s₁, s₂, γ), as the repository:
    β = softplus, g = sigmoid, s = softmax over the three shifts, γ = 1 + softplus."""
    strength, gate, shifts, gamma = torch.split(raw, [1, 1, 3, 1], dim=-1)
    return (F.softplus(strength).squeeze(-1), torch.sigmoid(gate).squeeze(-1), torch.softmax(shifts, dim=-1),
            1 + F.softplus(gamma).squeeze(-1))
