"""One step of a read head and a write head on the same memory, with its backward pass written out.

The same computation as `addressing.address`, `memory.read` and `memory.write_*` in sequence
(Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401, §3; `kdexd/ntm-pytorch`,
`ntm/modules/head.py`, `ntm/modules/memory.py`), as one autograd node: per step, autograd would
record some 50 small operations and run about twice as many in backward; here the backward is
the chain rule below in whole-tensor operations, which halves the cost of a training step.
`tests/unit/networks/test_ntm_head_pair.py` checks it against autograd of the plain functions
and against finite differences.

Inputs (leading dimensions `...` = runs, sequences): memory `[..., N, D]`, the heads' previous
weightings `[..., 2, N]` (read, write), keys `[..., 2, D]`, raw scalars `[..., 2, 6]` (β, g,
s₀, s₁, s₂, γ before their activations), add vector `[..., D]`, raw erase vector `[..., D]` or
None (the repository's full-erase write). Outputs: the memory after the write, the read vector
`[..., 1, D]` and the new weightings `[..., 2, N]`.

Backward, for upstream gradients dM′, dr, dw (every sum over the obvious index):

    write (full erase)  dM = (1 − w_w) dM′,  dw_w = Σ_d dM′ (a − M),  da = w_wᵀ dM′
    write (erase, add)  dM = (1 − w_w e) dM′,  dw_w = Σ_d dM′ (a − M e),  da = w_wᵀ dM′,
                        de = −Σ_i w_w(i) dM′(i) M(i)
    read                dM += w_r dr,  dw_r = M dr
    sharpen  w = p / Z  dp = (dw − Σ dw w) / Z;  p = w̃^γ: dw̃ = dp γ w̃^(γ−1),  dγ = Σ dp p ln w̃
    shift               dw^g(i) = s₀ dw̃(i + 1) + s₁ dw̃(i) + s₂ dw̃(i − 1),  ds_k = Σ dw̃ · shifted_k
    interpolation       dw^c = g dw^g,  dw_prev = (1 − g) dw^g,  dg = Σ dw^g (w^c − w_prev)
    softmax             dz = w^c (dw^c − Σ dw^c w^c);  z = β cos: dβ = Σ dz cos,  dcos = β dz
    cosine              cos = k·M(i) / (|k| |M(i)|), each norm clamped at 1e-8 (no gradient
                        through a clamped norm, as `clamp_min`)
    activations         β = softplus: × σ;  g = σ: × g(1 − g);  s = softmax;  γ = 1 + softplus: × σ
"""

import torch
import torch.nn.functional as F

from nalm.networks.ntm.addressing import COSINE_EPS, SHARPEN_EPS


def _windows(x):
    """`[..., N, 3]`: row i holds (x(i − 1), x(i), x(i + 1)), indices mod N (a view of a padded copy)."""
    return torch.cat([x[..., -1:], x, x[..., :1]], dim=-1).unfold(-1, 3, 1)


class HeadPairStep(torch.autograd.Function):
    @staticmethod
    def forward(ctx, memory, previous, keys, scalars, add, erase_raw):
        # β = softplus, γ = 1 + softplus; σ of their inputs is their derivative (kept for backward)
        softplus_slope = torch.sigmoid(scalars[..., 0::5])
        strength, gamma_minus_one = F.softplus(scalars[..., 0::5]).unbind(-1)
        gamma = 1 + gamma_minus_one
        gate = torch.sigmoid(scalars[..., 1])
        shifts = torch.softmax(scalars[..., 2:5], dim=-1)

        key_norm = torch.linalg.vector_norm(keys, dim=-1)
        memory_norm = torch.linalg.vector_norm(memory, dim=-1)
        # 1/|k|, 1/|M(i)| with each norm clamped at eps; 0 where clamped (no gradient through it)
        key_scale = 1 / key_norm.clamp_min(COSINE_EPS)
        memory_scale = 1 / memory_norm.clamp_min(COSINE_EPS)
        unit_keys = keys * key_scale.unsqueeze(-1)
        cos = torch.matmul(unit_keys, memory.transpose(-1, -2)) * memory_scale.unsqueeze(-2)
        content = torch.softmax(strength.unsqueeze(-1) * cos, dim=-1)
        content_minus_previous = content - previous
        interpolated = previous + gate.unsqueeze(-1) * content_minus_previous
        windows = _windows(interpolated)
        shifted = (windows * shifts.unsqueeze(-2)).sum(dim=-1)
        powered = shifted.pow(gamma.unsqueeze(-1))
        total = powered.sum(dim=-1, keepdim=True) + SHARPEN_EPS
        weighting = powered / total

        read_weighting, write_weighting = weighting[..., 0:1, :], weighting[..., 1, :]
        read = torch.matmul(read_weighting, memory)
        w = write_weighting.unsqueeze(-1)
        if erase_raw is None:
            erase = None
            change = add.unsqueeze(-2) - memory  # ∂M′/∂w_w, row by row
            new_memory = memory + w * change
        else:
            erase = torch.sigmoid(erase_raw)
            change = add.unsqueeze(-2) - memory * erase.unsqueeze(-2)
            new_memory = memory + w * change

        if not any(ctx.needs_input_grad):
            return new_memory, read, weighting
        # the norms' own gradient paths, zero where a norm was clamped (as `clamp_min`'s)
        key_live = (key_norm > COSINE_EPS).to(keys.dtype) * key_scale
        memory_live = (memory_norm > COSINE_EPS).to(memory.dtype) * memory_scale
        ctx.save_for_backward(memory, change, unit_keys, erase, softplus_slope, strength, gate, shifts, gamma,
                              key_scale, key_live, memory_scale, memory_live, cos, content, content_minus_previous, windows,
                              shifted, powered, total, weighting)
        return new_memory, read, weighting

    @staticmethod
    def backward(ctx, d_memory_out, d_read, d_weighting):
        (memory, change, unit_keys, erase, softplus_slope, strength, gate, shifts, gamma, key_scale, key_live,
         memory_scale, memory_live, cos, content, content_minus_previous, windows, shifted, powered, total, weighting) = ctx.saved_tensors
        read_weighting, write_weighting = weighting[..., 0:1, :], weighting[..., 1, :]
        w = write_weighting.unsqueeze(-1)
        if d_memory_out is None:
            d_memory_out = torch.zeros_like(memory)
        if d_read is None:
            d_read = torch.zeros_like(memory[..., :1, :])
        if d_weighting is None:
            d_weighting = torch.zeros_like(weighting)

        # write: M′ = M + w_w (a − M e)   (e = 1 for the repository's write)
        d_write = (d_memory_out * change).sum(dim=-1)
        d_add = torch.matmul(write_weighting.unsqueeze(-2), d_memory_out).squeeze(-2)
        if erase is None:
            d_memory = d_memory_out - w * d_memory_out
            d_erase_raw = None
        else:
            d_memory = d_memory_out - (w * erase.unsqueeze(-2)) * d_memory_out
            d_erase = -torch.matmul(write_weighting.unsqueeze(-2), d_memory_out * memory).squeeze(-2)
            d_erase_raw = d_erase * erase * (1 - erase)
        # read: r = w_r M
        d_w = d_weighting + torch.cat([torch.matmul(d_read, memory.transpose(-1, -2)), d_write.unsqueeze(-2)], dim=-2)

        # sharpen: w = p / Z, p = w̃^γ
        d_powered = (d_w - (d_w * weighting).sum(dim=-1, keepdim=True)) / total
        exponent = gamma.unsqueeze(-1)
        d_shifted = d_powered * exponent * shifted.pow(exponent - 1)
        log_shifted = torch.where(shifted > 0, shifted, 1.0).log()
        d_gamma = (d_powered * powered * log_shifted).sum(dim=-1)

        # shift: the windows of d_shifted against s reversed (s₂, s₁, s₀)
        d_interpolated = (_windows(d_shifted) * shifts.flip(-1).unsqueeze(-2)).sum(dim=-1)
        d_shifts = (d_shifted.unsqueeze(-1) * windows).sum(dim=-2)
        d_shift_logits = shifts * (d_shifts - (d_shifts * shifts).sum(dim=-1, keepdim=True))

        # interpolation: w^g = w_prev + g (w^c − w_prev)
        g = gate.unsqueeze(-1)
        d_content = g * d_interpolated
        d_previous = d_interpolated - d_content
        d_gate = (d_interpolated * content_minus_previous).sum(dim=-1)

        # content: softmax of β cos, cos = (k / |k|) · M(i) / |M(i)|
        d_logits = content * (d_content - (d_content * content).sum(dim=-1, keepdim=True))
        d_strength = (d_logits * cos).sum(dim=-1)
        d_cos = strength.unsqueeze(-1) * d_logits
        d_cos_cos = d_cos * cos
        d_unit_dot = d_cos * memory_scale.unsqueeze(-2)  # gradient of k̂ · M(i)
        d_keys = (torch.matmul(d_unit_dot, memory) * key_scale.unsqueeze(-1)
                  - (d_cos_cos.sum(dim=-1) * key_live).unsqueeze(-1) * unit_keys)
        # one product for the read's and the keys' terms of dM
        d_memory = d_memory + torch.matmul(torch.cat([read_weighting, d_unit_dot], dim=-2).transpose(-1, -2),
                                           torch.cat([d_read, unit_keys], dim=-2))
        d_memory = d_memory - ((d_cos_cos.sum(dim=-2) * memory_live) * memory_scale).unsqueeze(-1) * memory

        d_scalars = torch.cat([
            (d_strength * softplus_slope[..., 0]).unsqueeze(-1),
            (d_gate * gate * (1 - gate)).unsqueeze(-1),
            d_shift_logits,
            (d_gamma * softplus_slope[..., 1]).unsqueeze(-1),
        ], dim=-1)
        return d_memory, d_previous, d_keys, d_scalars, d_add, d_erase_raw


def head_pair_step(memory, previous, keys, scalars, add, erase_raw=None) -> tuple:
    """(memory after the write, read vector `[..., 1, D]`, weightings `[..., 2, N]`)."""
    return HeadPairStep.apply(memory, previous, keys, scalars, add, erase_raw)
