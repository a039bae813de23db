"""Adam and RMSprop as bare sequences of foreach kernels: torch's updates, bit for bit, without
`torch.optim.Optimizer`'s per-step Python.

A block's step is a few kernels on tiny tensors, so the optimiser's bookkeeping (step hooks,
profiler scopes, per-step regrouping of the tensors by device and dtype, lazy state) cost more
than its arithmetic: ~0.3 ms of a 1.5 ms NAU step at 225 runs (`benchmarks/train_throughput.py`).
These classes issue exactly the kernels, with exactly the scalars, of torch's foreach
implementation (`torch/optim/adam.py` `_multi_tensor_adam` and `torch/optim/rmsprop.py`
`_multi_tensor_rmsprop`, capturable=False, torch 2.13), so every parameter gets the same bits:

    Adam:     m ← lerp(m, g, 1 − β₁);  v ← β₂·v + (1 − β₂)·g²;
              p ← p + (−lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)        (Kingma & Ba, 2015)
    RMSprop:  v ← α·v + (1 − α)·g²;  d = √v + ε;
              without momentum p ← p − lr·g/d; with momentum μ: b ← μ·b + g/d, p ← p − lr·b

(g + wd·p in place of g with coupled weight decay; a parameter whose gradient is None is
skipped and its step count not advanced, as torch does). `tests/unit/core/test_lean_optim.py`
checks the identity against torch's classes. `nalm.core.optim.build_optimizer` uses them for
the options they cover and torch's classes otherwise.
"""

import torch


class _Lean:
    """The parameters and their per-parameter state; `zero_grad` and `state` as torch's."""

    def __init__(self, parameters, lr: float):
        self.parameters = list(parameters)
        self.lr = float(lr)
        self.steps = [0] * len(self.parameters)
        self.buffers = [None] * len(self.parameters)  # per parameter: its state tensors, made at its first step

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def _gather(self):
        """(step counts, parameters, gradients, state tensors) of the parameters that have a
        gradient, their step counts advanced; the gradients with coupled weight decay added
        (g + wd·p, as torch); None when no parameter has a gradient."""
        active = [k for k, p in enumerate(self.parameters) if p.grad is not None]
        if not active:
            return None
        for k in active:
            self.steps[k] += 1
            if self.buffers[k] is None:
                self.buffers[k] = self._new_state(self.parameters[k])
        params = [self.parameters[k] for k in active]
        grads = [p.grad for p in params]
        if self.weight_decay != 0:
            grads = torch._foreach_add(grads, params, alpha=self.weight_decay)
        # torch reads its float32 step tensors back as Python floats: the same numbers
        return [float(self.steps[k]) for k in active], params, grads, [self.buffers[k] for k in active]

    @property
    def state(self) -> dict:
        """parameter -> {"step": count, state tensors by torch's names}, for inspection."""
        return {
            self.parameters[k]: {"step": self.steps[k], **dict(zip(self.STATE_NAMES, self.buffers[k]))}
            for k in range(len(self.parameters)) if self.buffers[k] is not None
        }


class LeanAdam(_Lean):
    """torch.optim.Adam(foreach=True) with betas, eps and coupled weight_decay (no amsgrad, no maximize)."""

    STATE_NAMES = ("exp_avg", "exp_avg_sq")

    def __init__(self, parameters, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(parameters, lr)
        self.beta1, self.beta2 = (float(b) for b in betas)
        self.eps, self.weight_decay = float(eps), float(weight_decay)

    def _new_state(self, p):
        return (torch.zeros_like(p, memory_format=torch.preserve_format),
                torch.zeros_like(p, memory_format=torch.preserve_format))

    @torch.no_grad()
    def step(self) -> None:
        gathered = self._gather()
        if gathered is None:
            return
        steps, params, grads, states = gathered
        exp_avgs, exp_avg_sqs = [state[0] for state in states], [state[1] for state in states]
        beta1, beta2 = self.beta1, self.beta2
        torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(exp_avg_sqs, beta2)
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
        step_size = [(self.lr / (1 - beta1 ** t)) * -1 for t in steps]
        bias_correction2_sqrt = [(1 - beta2 ** t) ** 0.5 for t in steps]
        denominators = torch._foreach_sqrt(exp_avg_sqs)
        torch._foreach_div_(denominators, bias_correction2_sqrt)
        torch._foreach_add_(denominators, self.eps)
        torch._foreach_addcdiv_(params, exp_avgs, denominators, step_size)


class LeanRMSprop(_Lean):
    """torch.optim.RMSprop(foreach=True) with alpha, eps, momentum and coupled weight_decay (not centered)."""

    STATE_NAMES = ("square_avg", "momentum_buffer")

    def __init__(self, parameters, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0):
        super().__init__(parameters, lr)
        self.alpha, self.eps = float(alpha), float(eps)
        self.weight_decay, self.momentum = float(weight_decay), float(momentum)

    def _new_state(self, p):
        square_avg = torch.zeros_like(p, memory_format=torch.preserve_format)
        if self.momentum > 0:
            return square_avg, torch.zeros_like(p, memory_format=torch.preserve_format)
        return (square_avg,)

    @torch.no_grad()
    def step(self) -> None:
        gathered = self._gather()
        if gathered is None:
            return
        _, params, grads, states = gathered
        square_avgs = [state[0] for state in states]
        torch._foreach_mul_(square_avgs, self.alpha)
        torch._foreach_addcmul_(square_avgs, grads, grads, value=1 - self.alpha)
        average = torch._foreach_sqrt(square_avgs)
        torch._foreach_add_(average, self.eps)
        if self.momentum > 0:
            buffers = [state[1] for state in states]
            torch._foreach_mul_(buffers, self.momentum)
            torch._foreach_addcdiv_(buffers, grads, average)
            torch._foreach_add_(params, buffers, alpha=-self.lr)
        else:
            torch._foreach_addcdiv_(params, grads, average, value=-self.lr)
