"""`benchmarks/compiled_step.py` (speed issue, item 1): the hand-derived NAU gradient is the
gradient autograd computes (to float32 rounding), and the benchmark prints each variant's time
and how its gradient compares with eager mode's."""

import subprocess
import sys
from pathlib import Path

import torch

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "compiled_step.py"


def load_benchmark():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import compiled_step
    finally:
        sys.path.pop(0)
    return compiled_step


def test_the_hand_derived_gradient_is_autograds():
    bench = load_benchmark()
    generator = torch.Generator().manual_seed(3)
    # weights inside and outside the clamp's [-1, 1], on both sides of the regulariser's kink at 0.5
    W = (torch.rand(bench.RUNS, 1, bench.INPUTS, generator=generator) * 3 - 1.5).requires_grad_()
    x = torch.rand(bench.RUNS, bench.INPUTS, bench.BATCH, generator=generator).transpose(1, 2) * 4 - 2
    target = x.sum(-1) + 0.3
    eager = bench.gradient(bench.step_loss, W, x, target)
    hand = bench.gradient(bench.hand_derived, W, x, target)
    assert bool((W.abs() > 1).any()) and bool((W.abs() < 0.5).any())
    torch.testing.assert_close(hand, eager, rtol=1e-5, atol=1e-7)
    assert bench.hand_derived(W, x, target, 0.1).item() == bench.step_loss(W, x, target, 0.1).item()


def test_the_benchmark_prints_every_variant():
    done = subprocess.run([sys.executable, str(SCRIPT), "--steps", "3", "--no-compile"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("eager ") and "us per step" in lines[0]
    assert lines[1].startswith("hand-derived ") and lines[1].rstrip().endswith("x)")
    assert lines[2].startswith("    gradient bit-identical to eager: ")


def test_a_bad_step_count_is_refused_in_one_line():
    done = subprocess.run([sys.executable, str(SCRIPT), "--steps", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and done.stderr.strip() == "--steps 0: expected a positive number of steps"
