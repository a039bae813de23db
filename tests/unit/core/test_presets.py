"""The Primer benchmark presets, pinned against `bmistry4/nalm-benchmark`: the flags of
`lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh` on top of the argparse
defaults of `experiments/single_layer_benchmark.py`.
"""

import pytest

from nalm.core.errors import UserError
from nalm.core.presets import parse_override, resolve


def test_defaults_are_the_original_script_defaults():
    # argparse defaults: regualizer 10, ramp 1e6 -> 2e6, lr 1e-3, batch 128, β 1e-5 -> 1e-4, step 10000, growth 10
    h = resolve("NALU", "add")
    assert (h.regularizer, h.regularizer_ramp, h.learning_rate, h.batch_size) == (10, (1_000_000, 2_000_000), 1e-3, 128)
    assert (h.beta, h.beta_step, h.beta_growth, h.reg_scale_type) == ((1e-5, 1e-4), 10_000, 10, "heim")
    assert h.clip_grad_value is None and h.clip_grad_norm is None and h.reinit is None and not h.l1


def test_nau_and_nmu_regularisers():
    # single_layer_benchmark.sh: NAU λ = 0.01, NMU λ = 10 (default), both ramp 20000 -> 35000
    nau, nmu = resolve("NAU", "add"), resolve("NMU", "mul")
    assert (nau.regularizer, nau.regularizer_ramp) == (0.01, (20000, 35000))
    assert (nmu.regularizer, nmu.regularizer_ramp) == (10, (20000, 35000))


@pytest.mark.parametrize("preset", ["NPU", "RealNPU"])
def test_npu_family(preset):
    # single_layer_benchmark.sh: lr 5e-3, L1 on, β 1e-7 -> 1e-5 (mul) and 1e-9 -> 1e-7 (div), regualizer 0
    mul, div = resolve(preset, "mul"), resolve(preset, "div")
    assert mul.learning_rate == 5e-3 and mul.l1 and mul.regularizer == 0
    assert mul.beta == (1e-7, 1e-5) and div.beta == (1e-9, 1e-7)


def test_inalu():
    # single_layer_benchmark.sh/.py: clip-grad-value 0.1, reinit (10, 5000, 1.0), 0.05·R when MSE < 1
    # and t > 10000
    h = resolve("iNALU", "mul")
    assert h.clip_grad_value == 0.1
    assert h.reinit == {"interval": 10, "max_stored_losses": 5000, "loss_threshold": 1.0}
    assert h.inalu_regularizer == {"weight": 0.05, "mse_below": 1.0, "after_iteration": 10000}


def test_ops_per_preset():
    # single_layer_benchmark.sh: NAC+ and NAU only add/sub, NAC• mul/div, NMU mul only
    with pytest.raises(UserError, match="not defined for op 'mul'"):
        resolve("NAU", "mul")
    with pytest.raises(UserError, match="not defined for op 'div'"):
        resolve("NMU", "div")
    assert resolve("NAC*", "div").module == "NAC*"


def test_overrides_and_their_errors():
    key, value = parse_override("regularizer_ramp=[50000,75000]")
    assert resolve("NAU", "sub", {key: value}).regularizer_ramp == (50000, 75000)
    assert parse_override("learning_rate=5e-3") == ("learning_rate", 5e-3)
    with pytest.raises(UserError, match="unknown hyper-parameter 'lerning_rate'"):
        parse_override("lerning_rate=1")
    with pytest.raises(UserError, match="expected key=value"):
        parse_override("learning_rate")
    with pytest.raises(UserError, match="unknown preset 'NAX'"):
        resolve("NAX", "add")
