"""A NAU training step's forward + backward, eager vs `torch.compile`: time and gradient bits.

The speed issue's item 1 asks whether fused steps pay. This times, on one thread, 225 runs of a
NAU on the Primer's I = 2 task (batch 128): the forward pass on the clamped weights, the MSE,
the sparsity regulariser mean(min(|W|, |1 − |W||)) under a weight, and the backward pass, first
eagerly, then compiled by inductor (the compile time printed separately), and compares the two
gradients bit for bit.

    python benchmarks/compiled_step.py                # 2,000 steps each
    python benchmarks/compiled_step.py --steps 500

Measured on 2026-11-26 (quiet machine): 778 µs eager, 432 µs compiled, 12.7 s to compile (beside
a CI run: 506 and 409 µs),
gradients different (largest difference 2.4e-7), so compiled steps would change every logged
value (docs/architecture.md, "Speed of a training step").
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
    args = parser.parse_args()
    if args.steps < 1:
        sys.exit(f"--steps {args.steps}: expected a positive number of steps")
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    W = (torch.rand(RUNS, 1, INPUTS, generator=generator) - 0.5).requires_grad_()
    x = torch.rand(RUNS, INPUTS, BATCH, generator=generator).transpose(1, 2)  # I-major, as the engine's batches
    target = x.sum(-1)
    eager = microseconds_per_step(step_loss, W, x, target, args.steps)
    started = time.perf_counter()
    compiled_function = torch.compile(step_loss, dynamic=False)
    compiled_function(W, x, target, 0.1).backward()
    compile_seconds = time.perf_counter() - started
    compiled = microseconds_per_step(compiled_function, W, x, target, args.steps)
    a, b = gradient(step_loss, W, x, target), gradient(compiled_function, W, x, target)
    print(f"eager    {eager:8.1f} us per step (forward + backward, {RUNS} runs)")
    print(f"compiled {compiled:8.1f} us per step ({eager / compiled:.2f}x), {compile_seconds:.1f} s to compile")
    print(f"gradients bit-identical: {torch.equal(a, b)} (largest difference {(a - b).abs().max().item():.3g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
