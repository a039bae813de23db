"""Run names of the division-module paper's code (bmistry4/nalm-division, experiments/single_layer.py)."""

import pytest

from nalm.core.errors import UserError
from nalm.core.presets import resolve
from nalm.core.ranges import parse_range
from nalm.runs.division_names import division_run_name, parse_division_run_name
from nalm.tasks.distributions import parse_distribution
from nalm.tasks.single_module import RunSpec, SingleModuleTask

# The name the original gave a SignNMRU run of sltr-in2.sh's flags on [1,2] -> [2,6], seed 0
# (run here in a scratch copy of the original code).
ORIGINAL_NMRU = (
    "signnmru_op-div_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-10-0-1_i-1-2_e-2-6_z-2-0.5-0.0_b128_s0_h2"
    "_z2_lr-adam-0.01000-0.0_D-u_n-1-5_L1F_rb-1e-05-0.0001-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_nMF_gn-1.0_mse_id-1"
)


def test_nmru_name_is_the_originals():
    spec = RunSpec(parse_range("[1,2]"), parse_range("[2,6]"), "r7", 0)
    assert division_run_name(resolve("NMRU-in2", "div"), SingleModuleTask("div", 2), spec) == ORIGINAL_NMRU


def test_modified_real_npu_name_renders_argparse_types():
    spec = RunSpec(parse_range("[[-2,-0.1],[0.1,2],[]]"), parse_range("[[-6,-2],[2,6],[]]"), "m2", 3,
                   parse_distribution("uniform"))
    name = division_run_name(resolve("RealNPU-modified-in10", "div"), SingleModuleTask("div", 10, criterion="pcc"), spec)
    assert name.startswith("realnpu_op-div_oob-c_rs-linear-none_eps-0_rl-50000-75000_r-0.0-0-1_i-[-2, -0.1]-[0.1, 2]")
    assert "_z-10-0.1-0.0_" in name and "_L1T_rb-1e-09-1e-07-10000-10_rWnpu-1-W_rg-1_rM_clip-wg_WrI-xuc_" in name
    assert name.endswith("_gn-F_pcc_id-1")


def test_parse_recovers_the_settings():
    parsed = parse_division_run_name(ORIGINAL_NMRU.replace("D-u", "D-tn--1-3--10-3"))
    assert (parsed["module"], parsed["op"], parsed["input_size"], parsed["seed"]) == ("NMRU", "div", 2, 0)
    assert parsed["interpolation_range"].threshold_label == "U[1,2]"
    assert parsed["distribution"].parameters == (-1.0, 3.0, -10.0, 3.0)
    with pytest.raises(UserError, match="division-paper run name"):
        parse_division_run_name(ORIGINAL_NMRU.replace("_nMF", ""))
