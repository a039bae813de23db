"""The division paper's per-run selection rule and per-cell summary (bmistry4/nalm-division,
export/single_layer_task/neurips_range.r, neurips_range_divBy0.r, export/_compute_summary.r)."""

import math

import pandas as pd
import pytest

from nalm.analysis.division_summary import per_cell, per_run, read_thresholds
from nalm.core.errors import UserError
from nalm.runs.export import COLUMNS

NAME = ("signnmru_op-div_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-10-0-1_i-1-2_e-2-6_z-2-0.5-0.0_b128_s{seed}_h2"
        "_z2_lr-adam-0.01000-0.0_D-{dist}_n-1-5_L1F_rb-1e-05-0.0001-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_nMF_gn-1.0_mse_id-1")


def _table(runs, extrapolation="U[2,6]", dist="u"):
    rows = []
    for seed, (valid, test, sparse) in enumerate(runs):
        for step, (v, t, s) in enumerate(zip(valid, test, sparse)):
            rows.append(dict(zip(COLUMNS, [NAME.format(seed=seed, dist=dist), v, step * 1000, 0.0, t, s,
                                           "NMRU", "div", 2, "U[1,2]", extrapolation, seed])))
    return pd.DataFrame(rows)


def test_best_row_solved_and_solved_at():
    thresholds = read_thresholds()
    table = _table([
        # best validation at step 1000 (second row); test there 2e-6 < 1e-5; first below at 1000
        ([1.0, 1e-8, 1e-7], [1.0, 2e-6, 3e-6], [0.4, 0.01, 0.02]),
        # best at step 2000 where the test MSE is NaN: not solved, though step 1000 was below
        ([1.0, 0.5, 0.1], [1.0, 1e-6, math.nan], [0.4, 0.3, 0.2]),
        # exactly at the threshold: solved only with `at_most` (divBy0)
        ([1.0, 0.1, 0.2], [1.0, 1e-5, 1.0], [0.4, 0.1, 0.1]),
    ])
    runs = per_run(table, "NMRU", thresholds, "extrapolation.range")
    assert runs["solved"].tolist() == [True, False, False]
    assert runs["best.step"].tolist() == [1000, 2000, 1000]
    assert runs["extrapolation.step.solved"].tolist()[:2] == [1000, 1000]
    assert math.isnan(runs["extrapolation.step.solved"].iloc[2])
    assert runs["parameter"].iloc[0] == "U[1,2)"
    at_most = per_run(table, "NMRU", thresholds, "extrapolation.range", solved="at_most")
    assert at_most["solved"].tolist() == [True, False, True]
    cells = per_cell(runs)
    assert cells[["n", "solved", "success.rate.mean"]].iloc[0].tolist() == [3, 1, pytest.approx(1 / 3)]


def test_runs_without_a_threshold_are_left_out_and_distributions_label_the_x_axis():
    thresholds = read_thresholds()
    warnings = []
    table = pd.concat([_table([([1.0], [1e-6], [0.1])]), _table([([1.0], [1e-6], [0.1])], "U[3,7]").assign(
        name=lambda t: t["name"].str.replace("_s0_", "_s9_"))])
    runs = per_run(table, "NMRU", thresholds, "extrapolation.range", warn=warnings.append)
    assert len(runs) == 1 and "1 run(s)" in warnings[0]
    with pytest.raises(UserError, match="no run has a threshold"):
        per_run(_table([([1.0], [1e-6], [0.1])], "U[3,7]"), "NMRU", thresholds, "extrapolation.range")
    benford = _table([([1.0], [1e-6], [0.1])], "U[100,1000]", dist="b").assign(**{"interpolation.range": "U[10,100]"})
    assert per_run(benford, "NMRU", thresholds, "distributions", x="distribution")["parameter"].tolist() == ["B:[10,100)"]


def test_threshold_table_is_the_papers():
    table = read_thresholds()
    main = table[table["set"] == "extrapolation.range"]
    assert set(main["threshold"]) == {1e-05} and len(main) == 11
    assert table.query("set == 'zero.range.easy.realnpu' and `extrapolation.range` == 'U[0,1]'")["threshold"].item() == 0.005590015556663275
