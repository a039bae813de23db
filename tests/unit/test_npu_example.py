"""examples/npu_example.py, NeuralArithmetic.jl's README example with nalm's standalone layers
(`nmheim/NeuralArithmetic.jl`, `examples/npu.jl`), runs as a user would run it, with few steps."""

import importlib.util
import statistics
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "npu_example.py"


def _example():
    spec = importlib.util.spec_from_file_location("npu_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_default_is_the_readmes_setting():
    assert _example().main.__code__ is not None
    text = SCRIPT.read_text()
    assert "default=50_000" in text and "lr=1e-3" in text and "1e-4 * l1" in text and "batch(100)" in text


@pytest.mark.parametrize("l1", ["frobenius-sum", "elementwise"])
def test_a_short_run_learns_and_draws_the_figure(tmp_path, l1):
    out = tmp_path / "npu_example.pdf"
    history = _example().main(["--steps", "400", "--l1", l1, "--out", str(out)])
    # the median batch MSE halves (a single batch is dominated by a/b with b near 0.01)
    assert len(history) == 401 and statistics.median(history[-50:]) < statistics.median(history[:50]) / 2
    assert out.read_bytes()[:5] == b"%PDF-"
