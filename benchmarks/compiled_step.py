"""A NAU training step's forward + backward three ways: eager autograd, `torch.compile`, and
hand-derived gradients in a `torch.autograd.Function`; time and gradient bits.

The speed issue's item 1 asks whether fused steps pay, by either route. This times, on one
thread, 225 runs of a NAU on the Primer's I = 2 task (batch 128): the forward pass on the
clamped weights, the MSE, the sparsity regulariser mean(min(|W|, |1 − |W||)) under a weight, and
the backward pass: eagerly (what the engine does), compiled by inductor (the compile time printed
separately) and with the gradient written out by hand (`HandDerivedNAUStep`: the forward's
kernels, then dL/dW = 1[-1 ≤ W ≤ 1]·(2/B)·Σ_b r_b·x_b + λ/n·∂R/∂W in a handful of kernels instead
of autograd's graph), and compares each gradient with eager mode's, bit for bit.

    python benchmarks/compiled_step.py                # 2,000 steps each
    python benchmarks/compiled_step.py --steps 500 --no-compile

Measured on 2026-11-26, quiet machine (evening, AMD EPYC): eager 299.2 µs, compiled 149.7 µs
(2.00×, 20.4 s to compile, gradient different by up to 2.4e-7), hand-derived 248.4 µs (1.20×,
gradient bit-identical); docs/architecture.md, "Speed of a training step", draws the conclusion.
"""

import argparse
import sys
import time

import torch

RUNS, BATCH, INPUTS = 225, 128, 2


def step_loss(W, x, target, weight):
    clamped = W.clamp(-1, 1)
    y = (x * clamped).sum(-1)
    criterion = (y - target).square().mean(1)
    magnitude = W.abs()
    regularizer = torch.minimum(magnitude, (1 - magnitude).abs()).reshape(RUNS, -1).mean(1)
    return (criterion + weight * regularizer).sum()


class HandDerivedNAUStep(torch.autograd.Function):
    """`step_loss` with its gradient derived by hand (one node instead of autograd's graph).

    With r = y − t, B the batch and n the weights per run:
    ∂/∂W [mean_b r² + λ·mean(min(|W|, |1 − |W||))] = 1[−1 ≤ W ≤ 1]·(2/B)·Σ_b r_b·x_b
    + (λ/n)·(sign W where |W| < |1 − |W||, else −sign(1 − |W|)·sign W).
    """

    @staticmethod
    def forward(ctx, W, x, target, weight):
        clamped = W.clamp(-1, 1)
        residual = (x * clamped).sum(-1) - target
        magnitude = W.abs()
        far = (1 - magnitude).abs()
        regularizer = torch.minimum(magnitude, far).reshape(W.shape[0], -1).mean(1)
        ctx.save_for_backward(W, x, residual, magnitude, far)
        ctx.weight = weight
        return (residual.square().mean(1) + weight * regularizer).sum()

    @staticmethod
    def backward(ctx, grad):
        W, x, residual, magnitude, far = ctx.saved_tensors
        inside = (W >= -1) & (W <= 1)  # where clamp passes the gradient, as autograd's clamp
        d_clamped = (residual.unsqueeze(-1) * x).sum(1, keepdim=True) * (2.0 / x.shape[1])
        sign = W.sign()
        d_regularizer = torch.where(magnitude < far, sign, -sign * (1 - magnitude).sign())
        d_W = d_clamped * inside + d_regularizer * (ctx.weight / W[0].numel())
        return grad * d_W, None, None, None


def hand_derived(W, x, target, weight):
    return HandDerivedNAUStep.apply(W, x, target, weight)


def microseconds_per_step(function, W, x, target, steps: int) -> float:
    started = time.perf_counter()
    for _ in range(steps):
        W.grad = None
        function(W, x, target, 0.1).backward()
    return 1e6 * (time.perf_counter() - started) / steps


def gradient(function, W, x, target):
    W.grad = None
    function(W, x, target, 0.1).backward()
    return W.grad.clone()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--no-compile", action="store_true", help="leave out torch.compile (its 10+ s to compile)")
    args = parser.parse_args()
    if args.steps < 1:
        sys.exit(f"--steps {args.steps}: expected a positive number of steps")
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    W = (torch.rand(RUNS, 1, INPUTS, generator=generator) * 2.4 - 1.2).requires_grad_()  # some outside [-1, 1]
    x = torch.rand(RUNS, INPUTS, BATCH, generator=generator).transpose(1, 2)  # I-major, as the engine's batches
    target = x.sum(-1)
    eager = microseconds_per_step(step_loss, W, x, target, args.steps)
    reference = gradient(step_loss, W, x, target)
    print(f"eager         {eager:8.1f} us per step (forward + backward, {RUNS} runs)")
    variants = [("hand-derived", hand_derived, None)]
    if not args.no_compile:
        started = time.perf_counter()
        compiled_function = torch.compile(step_loss, dynamic=False)
        compiled_function(W, x, target, 0.1).backward()
        variants.insert(0, ("compiled", compiled_function, time.perf_counter() - started))
    for name, function, compile_seconds in variants:
        seconds = microseconds_per_step(function, W, x, target, args.steps)
        other = gradient(function, W, x, target)
        cost = f", {compile_seconds:.1f} s to compile" if compile_seconds is not None else ""
        print(f"{name:<13} {seconds:8.1f} us per step ({eager / seconds:.2f}x){cost}")
        print(f"    gradient bit-identical to eager: {torch.equal(reference, other)} "
              f"(largest difference {(reference - other).abs().max().item():.3g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
