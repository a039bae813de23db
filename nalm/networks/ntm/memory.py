"""The Neural Turing Machine's memory: its initial contents, reading and writing.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), §3.1–3.2, and
`kdexd/ntm-pytorch`, `ntm/modules/memory.py`. Memory `[..., N, M]`, weightings `[..., N]`
(one head) or `[..., K, N]` (K heads).

* read (§3.1):  r = Σ_i w(i) M(i);
* write, the paper (§3.2), with erase vector e ∈ (0, 1)^M and add vector a:
  M(i) ← M(i) ⊙ (1 − w(i) e) + w(i) a;
* write, the repository (its departure): no erase vector, M(i) ← w(i) a + (1 − w(i)) M(i), i.e.
  the paper's write with e = 1: whatever a row held is erased in proportion to its weight;
* initial memory, the repository: M₀ = σ(b) for a learned N·M bias b (the bias of a
  `Linear(1, N·M)` fed a constant 0), the same at every sequence; the paper does not say.
"""

import torch


def initial_memory(bias: torch.Tensor, units: int, unit_size: int) -> torch.Tensor:
    """M₀ = σ(b): the learned bias `[R, N·M]` as memory `[R, 1, N, M]` (one per run, every sequence)."""
    return torch.sigmoid(bias).view(bias.shape[0], 1, units, unit_size)


def read(weighting: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """r = wᵀ M: weightings `[..., K, N]`, memory `[..., N, M]` -> reads `[..., K, M]`."""
    return torch.matmul(weighting, memory)


def write_full_erase(memory: torch.Tensor, weighting: torch.Tensor, add: torch.Tensor) -> torch.Tensor:
    """The repository's write: M(i) ← w(i) a + (1 − w(i)) M(i); weighting `[..., N]`, add `[..., M]`."""
    w = weighting.unsqueeze(-1)
    return w * add.unsqueeze(-2) + (1 - w) * memory


def write_erase_add(memory: torch.Tensor, weighting: torch.Tensor, erase: torch.Tensor, add: torch.Tensor) -> torch.Tensor:
    """The paper's write: M(i) ← M(i) ⊙ (1 − w(i) e) + w(i) a (§3.2, eqs. 3–4)."""
    w = weighting.unsqueeze(-1)
    return memory * (1 - w * erase.unsqueeze(-2)) + w * add.unsqueeze(-2)
