"""`benchmarks/train_throughput.py` (speed issue, item 1) at a tiny size: a block's child run
reports its time and, for the targets it misses, where the time goes; bad values are refused."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "train_throughput.py"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_a_child_run_reports_its_time_and_a_profile_of_the_step():
    done = run("--child", "NMU", "mul", "3", "30", "20")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["seconds"] > 0 and result["peak_mib"] > 0
    profile = result["profile"]
    assert set(profile["phases"]) == {"data", "forward + loss", "backward", "optimiser"}
    assert 0.5 < sum(profile["phases"].values()) <= 1.0 + 1e-9
    assert profile["operators"] and all(calls > 0 for _, calls, _ in profile["operators"])
    # an NMU step late in training dispatches tens of operators (forward, regulariser, backward,
    # Adam's foreach kernels, the clamp), and most of a profiled step is spent inside them
    assert 20 < profile["operators_per_step"] < 200
    assert 0 < profile["operator_share"] <= 1
    assert profile["evaluation_seconds"] > 0


def test_the_profiled_step_has_every_regulariser_on(monkeypatch):
    """The profile is of the step at iteration 40,000: NAU's sparsity term at full weight, and
    the L1 gradient for the presets that have one (their β past its first step)."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import train_throughput
    finally:
        sys.path.pop(0)
    from nalm.core.presets import resolve
    from nalm.core.ranges import parse_range
    from nalm.tasks.single_module import RunSpec, SingleModuleTask, make_block

    spec = RunSpec(parse_range("[1,2]"), parse_range("[2,6]"), "r7", 0)
    block = make_block(resolve("NAU", "add"), SingleModuleTask("add"), [spec], 0)
    calls = []
    monkeypatch.setattr(block, "weighted_regularizers", lambda weights, selection: calls.append(weights))
    data, forward, _, _ = train_throughput._step_phases(block, None)
    data()
    forward()
    assert calls == [{"W": 0.01, "W_npu": 0.0, "gate": 0.0, "inalu": 0.0}]


def test_the_table_marks_a_projected_225_run_time_and_prints_the_profile_of_a_missed_target():
    done = run("--presets", "NAU", "--sizes", "225", "--iterations", "20", "--profile-steps", "10",
               "--original-ms", "NAU=1000")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "proj" in lines[1] and lines[1].rstrip().endswith("x")
    assert lines[2].startswith("    target 20 s:")
    assert lines[3].startswith("    where the time goes (") and "at iteration 40,000" in lines[3]
    assert lines[4].startswith("    ") and "torch operators per step" in lines[4]
    assert lines[5].startswith("    evaluations: 51 x ")
    assert lines[-1] == "    original: 1000.00 ms per iteration, 50000 s per 50,000-iteration run"


def test_bad_values_are_refused_in_one_line():
    done = run("--presets", "NAUX")
    assert done.returncode != 0 and done.stderr.strip() == "unknown preset 'NAUX': expected one of " \
        "NAU, NMU, NALU, G-NALU, NAC+, NAC*, NPU, RealNPU, iNALU"
    done = run("--original-ms", "NAU:3")
    assert done.returncode != 0 and done.stderr.strip() == "bad --original-ms 'NAU:3': expected PRESET=MS[,PRESET=MS...]"
