"""`nalm division-headline`: the mean success over all training sets of figure series, with a
Wilson interval, next to the published headline rates of arXiv 2110.05177 v2's abstract
(Mistry, Farrahi & Hare; bmistry4/nalm-division)."""

import pandas as pd
import pytest

from nalm.cli import main
from nalm.papers import read_table
from nalm.runs.export import COLUMNS

NAME = ("signnmru_op-div_oob-c_rs-linear-linear_eps-0_rl-50000-75000_r-10-0-1_i-1-2_e-2-6_z-10-0.1-0.0_b128_s{seed}"
        "_h2_z2_lr-adam-0.01000-0.0_D-u_n-1-5_L1F_rb-1e-05-0.0001-10000-10_rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_nMF_gn-1.0"
        "_mse_id-1")


def _write_table(path, tests, extrapolation="U[2,6]"):
    """One run per final test MSE in `tests` (validation best at the last row)."""
    rows = []
    for seed, test in enumerate(tests):
        for step, (valid, mse) in enumerate([(1.0, 1.0), (1e-8, test)]):
            rows.append(dict(zip(COLUMNS, [NAME.format(seed=seed), valid, step * 1000, 0.0, mse, 0.01,
                                           "NMRU", "div", 10, "U[1,2]", extrapolation, seed])))
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)


def test_published_headline_rates_are_the_abstracts():
    # arXiv 2110.05177 v2 abstract: 85.3% (Real NPU, modified) and 91.6% (NMRU), 225 training sets
    rows = {row["experiment"]: row for row in read_table("division", "headlines.tsv")}
    assert rows["in10_RealNPU-modified"]["published"] == "0.853"
    assert rows["in10_NMRU"]["published"] == "0.916"
    assert {row["training_sets"] for row in rows.values()} == {"225"}
    assert {row["figure"] for row in rows.values()} == {"main_in10"}


def test_pooled_success_with_wilson_interval(tmp_path, capsys):
    table = tmp_path / "nmru.csv"
    _write_table(table, [1e-6, 2e-6, 1e-3, float("nan")])  # 2 of 4 solved (NaN is not)
    out = tmp_path / "headline.csv"
    assert main(["division-headline", "--figure", "main_in10", "--table", f"in10_NMRU={table}", "--out", str(out)]) == 0
    row = pd.read_csv(out).iloc[0]
    assert (row["model"], row["runs"], row["solved"], row["seeds"], row["ranges"]) == ("NMRU", 4, 2, 4, 1)
    # Wilson 95% for 2/4: R binom.confint(2, 4, method = "wilson") gives 0.1500 .. 0.8500
    assert row["success"] == 0.5
    assert row["lower"] == pytest.approx(0.15003899, abs=1e-6)
    assert row["upper"] == pytest.approx(0.84996101, abs=1e-6)
    assert row["published"] == 0.916
    assert "NMRU: 2/4 = 50.0%" in capsys.readouterr().out


def test_errors_name_the_value(tmp_path, capsys):
    table = tmp_path / "t.csv"
    _write_table(table, [1e-6])
    out = str(tmp_path / "o.csv")
    assert main(["division-headline", "--figure", "main_in10", "--table", f"in2_NMRU={table}", "--out", out]) != 0
    assert "in2_NMRU is not a series of figure main_in10" in capsys.readouterr().err
    assert main(["division-headline", "--figure", "main_in10", "--table", "in10_NMRU", "--out", out]) != 0
    assert "bad --table 'in10_NMRU'" in capsys.readouterr().err
    assert main(["division-headline", "--figure", "nope", "--table", f"in10_NMRU={table}", "--out", out]) != 0
    assert "unknown division figure 'nope'" in capsys.readouterr().err
