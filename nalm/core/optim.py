"""Optimisers and the per-run gradient operations of a block (`nalm.core.engine`).

Every operation here acts on parameters with a leading runs dimension and never mixes runs:
norms, clipping coefficients and finiteness are computed per run.
"""

import torch

from nalm.core.errors import UserError
from nalm.core.lean_optim import LeanAdam, LeanRMSprop

OPTIMIZERS = ("adam", "sgd", "rmsprop")


def build_optimizer(hyper, parameters):
    """The preset's optimiser over `parameters`.

    Adam is the foreach implementation: element-wise, so a run's update does not depend on the
    block (the fused one rounds by position in the flattened tensor). Adam and RMSprop with the
    options `LEAN_OPTIONS` lists run as `nalm.core.lean_optim`'s bare kernels (the same bits).
    """
    name, options = hyper.optimizer, dict(hyper.optimizer_options or {})
    lean = _lean_optimizer(name, options, parameters, hyper.learning_rate)
    if lean is not None:
        return lean
    try:
        if name == "adam":
            return torch.optim.Adam(parameters, lr=hyper.learning_rate, foreach=True, **options)
        if name == "sgd":
            return torch.optim.SGD(parameters, lr=hyper.learning_rate, foreach=True, **options)
        if name == "rmsprop":
            return torch.optim.RMSprop(parameters, lr=hyper.learning_rate, foreach=True, **options)
    except TypeError as error:
        raise UserError(f"bad optimizer_options {options!r} for {name}: {error}") from None
    raise UserError(f"unknown optimizer {name!r}: expected one of {', '.join(OPTIMIZERS)}")


#: the options `nalm.core.lean_optim` reproduces; anything else goes to torch's classes
LEAN_OPTIONS = {
    "adam": ({"betas", "eps", "weight_decay"}, LeanAdam),
    "rmsprop": ({"alpha", "eps", "weight_decay", "momentum"}, LeanRMSprop),
}


def _lean_optimizer(name, options, parameters, learning_rate):
    """The bare-kernel optimiser for `name` with `options`, or None where it does not cover them."""
    if name not in LEAN_OPTIONS:
        return None
    allowed, cls = LEAN_OPTIONS[name]
    if not set(options) <= allowed:
        return None
    try:
        return cls(parameters, lr=learning_rate, **options)
    except (TypeError, ValueError) as error:
        raise UserError(f"bad optimizer_options {options!r} for {name}: {error}") from None


def l1_per_run(parameters) -> torch.Tensor:
    """Σ|p| over every parameter, per run: `[R]`."""
    return sum(p.abs().reshape(p.shape[0], -1).sum(dim=1) for p in parameters)


def lp_per_run(parameters, p: int) -> torch.Tensor:
    """Σ over parameter tensors of ‖p‖ (L1: Σ|p|; L2: the Frobenius norm, not squared), per run: `[R]`."""
    if p == 1:
        return l1_per_run(parameters)
    return sum(q.reshape(q.shape[0], -1).norm(p=p, dim=1) for q in parameters)


def lp_gradient_per_run(parameters, p: int) -> list:
    """d(Σ‖q‖_p)/dq for every parameter q, per run: sign(q) for L1; q/‖q‖₂ for L2 (0 where ‖q‖₂ = 0,
    as torch's norm backward)."""
    if p == 1:
        return torch._foreach_sign(parameters)
    gradients = []
    for q in parameters:
        norm = q.reshape(q.shape[0], -1).norm(dim=1).view(-1, *([1] * (q.dim() - 1)))
        gradients.append(torch.where(norm > 0, q / norm.clamp(min=torch.finfo(q.dtype).tiny), torch.zeros_like(q)))
    return gradients


def clip_grad_norm_per_run(parameters, max_norm: float) -> None:
    """torch's clip_grad_norm_ (coefficient max_norm / (norm + 1e-6), at most 1), per run."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norms = torch.sqrt(sum(g.reshape(g.shape[0], -1).square().sum(dim=1) for g in grads))
    coefficient = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coefficient.view(-1, *([1] * (g.dim() - 1))))


def finite_per_run(parameters) -> torch.Tensor:
    """True for the runs whose every parameter is finite: `[R]` bool."""
    return torch.stack([torch.isfinite(p.reshape(p.shape[0], -1)).all(dim=1) for p in parameters]).all(dim=0)
