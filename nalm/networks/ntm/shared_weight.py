"""Per-step products with a weight shared by every step, whose weight gradient is one product.

A recurrent network multiplies each step's state by the same matrix: y_t = b_t + x_t W. Plain
autograd computes W's gradient at every step (x_tᵀ g_t, a full [K, P] matrix per run) and adds
the T matrices one by one; for the NTM's LSTM (K = C + H·M, P = 4C) that is most of the
backward pass. Here the steps only record (x_t, g_t) and W's gradient is computed once, as
Σ_t x_tᵀ g_t = Xᵀ G over all steps stacked (the same sum, one batched product).

    shared = SharedWeight(W)                 # W [R, K, P]; one per forward pass
    y_t = shared.product(x_t, b_t)           # x_t [R, B, K], b_t [R, B, P] (or None)

The gradient's value is Σ_t x_tᵀ g_t as with plain autograd, summed in another order (float
rounding differs at the last bits).
"""

import torch


class _Record:
    """The (x_t, g_t) pairs of one forward pass's products, filled during backward."""

    def __init__(self):
        self.inputs, self.grads = [], []


class _WeightEntry(torch.autograd.Function):
    """Identity on W; its backward (run after every product's backward) returns Xᵀ G."""

    @staticmethod
    def forward(ctx, weight, record):
        ctx.record = record
        return weight.view_as(weight)

    @staticmethod
    def backward(ctx, grad):
        record = ctx.record
        if not record.inputs:
            return grad, None
        inputs = torch.cat(record.inputs, dim=1)
        grads = torch.cat(record.grads, dim=1)
        record.inputs, record.grads = [], []
        weight_grad = torch.bmm(inputs.transpose(1, 2), grads)
        return (weight_grad if grad is None else weight_grad + grad), None


class _Product(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, record):
        ctx.save_for_backward(x, weight)
        ctx.record, ctx.has_bias = record, bias is not None
        return torch.bmm(x, weight) if bias is None else torch.baddbmm(bias, x, weight)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        ctx.record.inputs.append(x)
        ctx.record.grads.append(grad)
        grad_x = torch.bmm(grad, weight.transpose(1, 2)) if ctx.needs_input_grad[0] else None
        return grad_x, None, grad if ctx.has_bias else None, None


class SharedWeight:
    """One weight `[R, K, P]` used by many per-step products of one forward pass."""

    def __init__(self, weight: torch.Tensor):
        self.record = _Record()
        self.tracked = torch.is_grad_enabled() and weight.requires_grad
        self.weight = _WeightEntry.apply(weight, self.record) if self.tracked else weight

    def product(self, x: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
        """bias + x W: `[R, B, K]` -> `[R, B, P]`."""
        if not self.tracked:
            return torch.bmm(x, self.weight) if bias is None else torch.baddbmm(bias, x, self.weight)
        return _Product.apply(x, self.weight, bias, self.record)
