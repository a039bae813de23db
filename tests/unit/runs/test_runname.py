"""The original long run name (`nalm.runs.names`).

Pinned against `bmistry4/nalm-benchmark`: the name f-string and argparse defaults of
`experiments/single_layer_benchmark.py`, the flags of
`lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh`, and `expand.name` in
`export/single_layer_task/_single_layer_task_expand_name.r` (field 1 → model label).
"""

import pytest
from _original_events import fixture_runs

from nalm.core.errors import UserError
from nalm.core.ranges import UniformRange
from nalm.runs.names import (
    LAYER_OF_MODULE,
    R_MODEL_LABEL,
    format_run_name,
    parse_run_name,
)

# Names that the original argument parser and name f-string give these settings.
NMU_EXAMPLE = (
    "reregualizedlinearmnac_op-mul_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-10-0-1_i-1-2_e-2-6_z-2-0.5-0.0"
    "_b128_s0_h2_z2_lr-adam-0.00100-0.0_L1F_rb-1e-05-0.0001-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_gn-F_gv-F"
    "_rF-10-5000_id-1"
)
NAU_MIRRORED_EXAMPLE = (
    "reregualizedlinearnac_op-add_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-0.01-0-1_i--2-2_e-[-6, -2]-[2, 6]"
    "_z-2-0.5-0.0_b128_s7_h2_z2_lr-adam-0.00100-0.0_L1F_rb-1e-05-0.0001-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu"
    "_gn-F_gv-F_rF-10-5000_id-1"
)
NPU_EXAMPLE = (
    "npu_op-mul_oob-c_rs-linear-none_eps-0_rl-1000000-2000000_r-0.0-0-1_i-1-2_e-2-6_z-2-0.5-0.0_b128_s0_h2_z2"
    "_lr-adam-0.00500-0.0_L1T_rb-1e-07-1e-05-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_gn-F_gv-F_rF-10-5000_id-1"
)
# single_layer_benchmark.sh: the flags beyond the defaults, as argparse types them (floats from the
# command line).
NAU_FLAGS = dict(regualizer_scaling_start=20000, regualizer_scaling_end=35000, regualizer=0.01)
NMU_FLAGS = dict(regualizer_scaling_start=20000, regualizer_scaling_end=35000)
NPU_MUL_FLAGS = dict(
    learning_rate=5e-3, regualizer_beta_start=1e-7, regualizer_beta_end=1e-5, regualizer_l1=True,
    regualizer_shape="none", regualizer=0.0,
)


def test_spec_examples_from_flags():
    assert format_run_name(module="NMU", op="mul", **NMU_FLAGS) == NMU_EXAMPLE
    assert (
        format_run_name(
            module="NAU", op="add", interpolation_range="[-2,2]", extrapolation_range="[[-6,-2],[2,6]]", seed=7,
            **NAU_FLAGS,
        )
        == NAU_MIRRORED_EXAMPLE
    )
    assert format_run_name(module="NPU", op="mul", **NPU_MUL_FLAGS) == NPU_EXAMPLE


def test_fixture_names_from_flags():
    # fixtures/original-events/README.md: the flags each fixture run was made with.
    common = dict(interpolation_range=[-20, -10], extrapolation_range=[-40, -20], seed=0)
    expected = {
        "NAU": format_run_name(module="NAU", op="add", **NAU_FLAGS, **common),
        "NMU": format_run_name(module="NMU", op="mul", **NMU_FLAGS, **common),
        "NALU": format_run_name(module="NALU", op="mul", **common),
        "iNALU": format_run_name(module="iNALU", op="add", clip_grad_value=0.1, reinit=True, **common),
        "RealNPU": format_run_name(
            module="RealNPU", op="div", **{**NPU_MUL_FLAGS, "regualizer_beta_start": 1e-9, "regualizer_beta_end": 1e-7},
            **common,
        ),
    }
    for module_dir, run_dir, _ in fixture_runs():
        assert run_dir.name == expected[module_dir]


@pytest.mark.parametrize("name", [NMU_EXAMPLE, NAU_MIRRORED_EXAMPLE, NPU_EXAMPLE])
def test_round_trip(name):
    assert format_run_name(**parse_run_name(name)) == name


def test_round_trip_fixture_names():
    for module_dir, run_dir, _ in fixture_runs():
        parsed = parse_run_name(run_dir.name)
        assert parsed["module"] == module_dir
        assert format_run_name(**parsed) == run_dir.name


def test_parsed_fields():
    parsed = parse_run_name(NAU_MIRRORED_EXAMPLE)
    assert parsed["module"] == "NAU" and parsed["layer"] == "reregualizedlinearnac"
    assert parsed["op"] == "add"
    assert parsed["interpolation_range"] == UniformRange(((-2, 2),))
    assert parsed["extrapolation_range"].threshold_label == "U[-6,-2] & U[2,6]"
    assert (parsed["input_size"], parsed["subset_ratio"], parsed["overlap_ratio"]) == (2, 0.5, 0.0)
    assert parsed["seed"] == 7
    assert parsed["learning_rate"] == 0.001 and parsed["optimizer"] == "adam"
    # str() types survive: the NAU's command-line 0.01 is a float, the argparse default 10 an int.
    assert parsed["regualizer"] == 0.01 and type(parse_run_name(NMU_EXAMPLE)["regualizer"]) is int
    npu = parse_run_name(NPU_EXAMPLE)
    assert npu["regualizer"] == 0.0 and type(npu["regualizer"]) is float
    assert npu["regualizer_l1"] is True and npu["regualizer_shape"] == "none"
    assert (npu["regualizer_beta_start"], npu["regualizer_beta_end"]) == (1e-7, 1e-5)
    assert npu["clip_grad_norm"] is None and npu["id"] == -1


def test_field_one_names():
    # Field 1 and expand.name's map: every registry module has its lower-case layer name.
    assert LAYER_OF_MODULE == {
        "NAC+": "nac", "NAC*": "mnac", "NALU": "nalu", "G-NALU": "nalu-gr", "iNALU": "inalu",
        "NAU": "reregualizedlinearnac", "NMU": "reregualizedlinearmnac", "NPU": "npu", "RealNPU": "realnpu",
        "MCFC": "mcfc", "MulMCFC": "mulmcfc", "MulMCFCSignINALU": "mulmcfcsigninalu",
        "MulMCFCSignRealNPU": "mulmcfcsignrealnpu", "NRU": "nru", "NMRU": "signnmru", "NMRU-plain": "nmru",
    }
    assert R_MODEL_LABEL["RealNPU"] == "Real NPU" and R_MODEL_LABEL["MulMCFCSignINALU"] == "MulMCFC (sign: iNALU)"
    for module in LAYER_OF_MODULE:
        name = format_run_name(module=module, op="mul")
        assert parse_run_name(name)["module"] == module


def test_other_variants():
    # range pair 3 of single_layer_benchmark.sh (-6.1, not -6) stays a float; z-simple; a positive
    # id (MC-FC runs, marc_single_layer.sh).
    name = format_run_name(
        module="MulMCFCSignRealNPU", op="mul", interpolation_range=[-1.2, -1.1], extrapolation_range=[-6.1, -1.2],
        id=35, reg_scale_type="madsen", regualizer_gate=1.0, simple=True,
    )
    assert "_i--1.2--1.1_e--6.1--1.2_z-simple_" in name and name.endswith("_rM_clip-n_WrI-xu_gn-F_gv-F_rF-10-5000_id35")
    parsed = parse_run_name(name)
    assert parsed["extrapolation_range"].threshold_label == "U[-6.1,-1.2]"
    assert parsed["simple"] is True and parsed["input_size"] is None
    assert format_run_name(**parsed) == name
    unknown_layer = NMU_EXAMPLE.replace("reregualizedlinearmnac_", "nalu-b_", 1)
    assert parse_run_name(unknown_layer)["module"] is None
    assert format_run_name(**parse_run_name(unknown_layer)) == unknown_layer


@pytest.mark.parametrize(
    "name, match",
    [
        ("nau_op-add", "26 '_'-separated fields"),
        (NMU_EXAMPLE.replace("_s0_", "_sX_"), "field 12 'sX'"),
        (NMU_EXAMPLE.replace("_i-1-2_", "_i-2-1_"), "bad range"),
    ],
)
def test_malformed_names(name, match):
    with pytest.raises(UserError, match=match):
        parse_run_name(name)


def test_unknown_module_or_field():
    with pytest.raises(UserError, match="unknown module"):
        format_run_name(module="Tanh")
    with pytest.raises(UserError, match="unknown run-name field"):
        format_run_name(module="NAU", learning_rat=0.1)


def test_presets_field_one_agrees_with_their_original_layer_type():
    # Field 1 = layer_type.lower(), plus `-gr` for a golden-ratio NAC weight on NALU/NAC. The
    # division paper's presets are named as bmistry4/nalm-division names them (division_names).
    from pathlib import Path

    import yaml

    import nalm
    from nalm.runs import division_names

    paths = sorted(Path(nalm.__file__).parent.glob("papers/*/presets.yaml"))
    assert len(paths) >= 2  # the Primer's and the division paper's
    for path in paths:
        for name, preset in yaml.safe_load(path.read_text()).items():
            if not isinstance(preset, dict) or "original" not in preset:
                continue
            original = preset["original"]
            layer = original["layer_type"].lower()
            if original.get("nac_weight") == "golden-ratio" and original["layer_type"] in ("NALU", "NAC"):
                layer += "-gr"
            layers = division_names.LAYER_OF_MODULE if path.parent.name == "division" else LAYER_OF_MODULE
            assert layers[preset["module"]] == layer, (path.parent.name, name)
