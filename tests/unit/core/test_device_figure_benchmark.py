"""`benchmarks/device_figure.py`, the GPU path's benchmark and checks (issue 14, item 4), run on
the CPU at a tiny size: the same code a GPU run executes, except the transfers and synchronisation
that only a CUDA device takes. No GPU is lent to CI; its figures are measured where one is."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "device_figure.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], check=False, capture_output=True, text=True, timeout=300)


def test_a_figures_blocks_train_and_pass_both_checks_on_the_cpu():
    done = run("--device", "cpu", "--figure", "fig16_mul", "--seeds", "1", "--iterations", "60", "--check-iterations", "40")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("fig16_mul on cpu")
    # the seven series of figure 16, each trained, checked alone vs block (runs 0 and 8) and vs the CPU
    assert sum("runs x 60 iterations" in line for line in lines) == 7
    assert sum("alone vs in the block on cpu: identical" in line for line in lines) == 14
    assert sum("9/9 runs within 1e-4 relative: agree" in line for line in lines) == 7
    assert lines[-1] == "checks: passed"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the refusal is not reachable")
def test_cuda_without_a_cuda_build_is_refused_in_one_line():
    done = run("--device", "cuda")
    assert done.returncode != 0
    assert done.stderr.strip() == "--device cuda: no CUDA device is available to this torch build"


def test_an_unknown_figure_is_refused_in_one_line():
    done = run("--device", "cpu", "--figure", "fig99")
    assert done.returncode != 0 and done.stderr.strip().startswith("unknown figure 'fig99': expected one of fig14_add")


def test_checks_come_first_and_a_profile_counts_each_steps_operators():
    done = run("--device", "cpu", "--experiments", "in2_add_NAU", "--seeds", "1", "--iterations", "30",
               "--check-iterations", "20", "--profile-steps", "10")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    order = [next(i for i, line in enumerate(lines) if key in line)
             for key in ("alone vs in the block", "profile over 10 steps", "runs x 30 iterations")]
    assert order == sorted(order)
    assert sum("runs x 30 iterations" in line for line in lines) == 1  # only the experiment asked for
    profile = next(line for line in lines if "profile over 10 steps" in line)
    assert "0 kernels" in profile  # the CPU launches no device kernels


def test_bad_experiments_and_profile_counts_are_refused_in_one_line():
    done = run("--device", "cpu", "--experiments", "in2_add_NOPE")
    assert done.returncode != 0
    assert done.stderr.strip().startswith("--experiments in2_add_NOPE: not a series of fig14_add")
    done = run("--device", "cpu", "--profile-steps", "-1")
    assert done.returncode != 0 and done.stderr.strip() == "--profile-steps -1: expected 0 (no profile) or a positive count"


def test_first_difference_names_the_metric_step_and_size():
    sys.path.insert(0, str(SCRIPT.parent))
    from device_figure import first_difference

    from nalm.core.engine import RunLog

    a, b = RunLog(None, ["mse"]), RunLog(None, ["mse"])
    a.steps = b.steps = [0, 1000, 2000]
    a.metrics, b.metrics = {"mse": [1.0, 0.5, 0.25]}, {"mse": [1.0, 0.5, 0.2500001]}
    assert first_difference(a, b).startswith("mse first at step 2,000 (0.25 vs 0.2500001)")
    b.metrics = {"mse": [1.0, 0.5, 0.25]}
    assert first_difference(a, b) == "scalars differ (metrics equal)"


def test_side_by_side_trains_every_block_in_its_own_process_and_prints_the_wall_time():
    done = run("--device", "cpu", "--seeds", "1", "--iterations", "30", "--no-checks", "--side-by-side",
               "--experiments", "in2_add_NAU", "in2_add_NALU")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sorted(line.split()[0] for line in lines if " runs x 30 iterations" in line) == ["in2_add_NALU", "in2_add_NAU"]
    assert lines[-1].startswith("training of fig14_add, 2 blocks side by side: ") and lines[-1].endswith(" s wall on cpu")
