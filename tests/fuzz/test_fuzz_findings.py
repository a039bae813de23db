"""What the fuzz tests of tests/fuzz/ found, pinned one by one (each failed before its fix)."""

import csv

import pytest
from _fuzzing import assert_refused, call_nalm, tree_digest

import nalm.analysis.gold_errors
from nalm.core.errors import UserError
from nalm.core.rcsv import read_checked_csv


def test_a_user_error_is_one_line_whatever_the_value_holds():
    """`nalm plot --out 'a<newline>b'` printed the path as it is: a two-line error."""
    assert str(UserError("--out 'a\nb\0c\t' is bad")) == "--out 'a\\nb\\x00c\\t' is bad"


@pytest.fixture
def gold_never_computed(monkeypatch):
    def refuse():
        raise AssertionError("the gold errors were computed although an output was bad")

    monkeypatch.setattr(nalm.analysis.gold_errors, "gold_error_table", refuse)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--out", ""], "expected a file name"),
        (["--out", "gold.csv"], "expected a file name ending in .pdf, .png"),  # was matplotlib's ValueError
        (["--out", "gold.pdf", "--thresholds-out", "afile/t.csv"], "does not exist"),  # wrote the figure first
        (["--out", "gold.pdf", "--thresholds-out", ""], "expected a file name"),
    ],
)
def test_gold_errors_checks_its_outputs_before_any_work(tmp_path, gold_never_computed, argv, message):
    (tmp_path / "afile").write_text("keep\n")
    before = tree_digest(tmp_path)
    code, err = call_nalm(["gold-errors", *argv], cwd=tmp_path)
    assert_refused(code, err, argv)
    assert message in err and tree_digest(tmp_path) == before


@pytest.mark.parametrize("threads", ["0", "-1"])
def test_ntm_evaluate_threads_below_one_is_one_line(tmp_path, threads):
    """torch.set_num_threads raised RuntimeError: a traceback."""
    code, err = call_nalm(["ntm-evaluate", "--task", "copy", "--threads", threads, "--out", "e.csv"], cwd=tmp_path)
    assert_refused(code, err)
    assert f"bad --threads {threads}: expected a number >= 1" in err


def test_profiles_dest_empty_is_one_line(tmp_path):
    """`--dest ''` meant the default directory (an empty string is falsy)."""
    for action in ("install", "list"):
        code, err = call_nalm(["profiles", action, "--dest", ""], cwd=tmp_path)
        assert_refused(code, err)
        assert "--dest '': expected a directory name" in err


def _export_like(path, cut_after_commas=None):
    header = ["name", "step", "operation", "seed"]
    rows = [["a", "0", "op-add", "0"], ["a", "1", "op-add", "0"]]
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    if cut_after_commas is not None:
        text = path.read_text()
        start = text.rstrip("\n").rfind("\n") + 1
        for _ in range(cut_after_commas):
            start = text.index(",", start) + 1
        path.write_text(text[:start])


@pytest.mark.parametrize("commas", [1, 2])
def test_a_csv_cut_inside_its_last_row_is_one_line(tmp_path, commas):
    """pandas fills a short last row with NaN, so a cut table read as data (and summarize then
    raised TypeError on the NaN operation)."""
    path = tmp_path / "table.csv"
    _export_like(path, commas)
    with pytest.raises(UserError, match=f"its last row has {commas + 1} of 4 fields"):
        read_checked_csv(path, "run table", ["step"])
    _export_like(path)
    assert len(read_checked_csv(path, "run table", ["step"])) == 2


def test_summarize_names_an_empty_operation(tmp_path):
    """A run table whose operation cell is empty: pandas 3 keeps NaN through astype(str), and
    joining the unknown operations raised TypeError."""
    from nalm.analysis.summary import METRIC_COLUMNS, SETTING_COLUMNS, read_run_table

    columns = list(dict.fromkeys(["name", "step", *METRIC_COLUMNS, *SETTING_COLUMNS]))
    row = {column: "1" for column in columns}
    row["operation"] = ""
    path = tmp_path / "table.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    with pytest.raises(UserError, match="unknown operation"):
        read_run_table(path)


def test_export_names_an_empty_runs_dir(tmp_path):
    """`nalm export ''` said 'error:  is not a directory', naming nothing."""
    code, err = call_nalm(["export", "", "--out", "x.csv"], cwd=tmp_path)
    assert_refused(code, err)
    assert "'' is not a directory" in err


def test_profiles_source_empty_is_one_line(tmp_path):
    """`--source ''` meant 'look for it' (an empty string is falsy)."""
    code, err = call_nalm(["profiles", "list", "--source", ""], cwd=tmp_path)
    assert_refused(code, err)
    assert "--source '': expected" in err


@pytest.mark.parametrize("damage", ["a file", "below a file", "garbled run.json", "run.json a list"])
def test_npu_report_reads_a_damaged_run_as_one_line(tmp_path, damage):
    """read_runs let NotADirectoryError, JSONDecodeError and TypeError through: tracebacks."""
    (tmp_path / "afile").write_text("keep\n")
    run = tmp_path / "run"
    run.mkdir()
    (run / "final.json").write_text('{"metrics": {}, "diverged": false}')
    (run / "run.json").write_text({"garbled run.json": '{"experiment": ', "run.json a list": "[1, 2]"}.get(damage, "{}"))
    target = {"a file": "afile", "below a file": "afile/x"}.get(damage, "run")
    code, err = call_nalm(["npu-report", "example", target, "--figure", "f.pdf"], cwd=tmp_path)
    assert_refused(code, err)
    assert "npu-train run" in err or "lacks or garbles" in err, err
    assert not (tmp_path / "f.pdf").exists()


@pytest.mark.parametrize("out", ["fresh", "afile"])
def test_ntm_plot_all_refused_leaves_nothing(tmp_path, out):
    """`ntm-plot all` made its --out directory before reading its inputs (and an --out that is a
    file was a FileExistsError traceback)."""
    (tmp_path / "afile").write_text("keep\n")
    before = tree_digest(tmp_path)
    code, err = call_nalm(["ntm-plot", "all", "--task", "copy", "--runs", "", "--out", out], cwd=tmp_path)
    assert_refused(code, err)
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize("target", ["results/figures/fig99_add.pdf", "results/tables/in2_add_NAUU.csv"])
def test_an_unknown_primer_target_is_no_rule_at_planning(tmp_path, target):
    """Issue 15's probe: `fig99` passed planning and failed in a job (later: a KeyError in an
    input function); the Primer's wildcards now match only the paper package's figures and experiments."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    snakemake = Path(sys.executable).with_name("snakemake")
    result = subprocess.run(
        [str(snakemake), "--snakefile", str(repo / "workflow" / "Snakefile"), "--directory", str(tmp_path), "--cores", "1",
         "--dry-run", target, "--configfile", str(repo / "config" / "config.yaml")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0 and f"No rule to produce {target}" in output, output[-2000:]
    assert "KeyError" not in output and "Traceback" not in output


@pytest.mark.parametrize("epsilon", ["inf", "nan", "-0.5"])
def test_thresholds_epsilon_must_be_finite(tmp_path, epsilon):
    """Found at NALM_FUZZ_SCALE=4: argparse's float took 'inf', and every threshold became inf."""
    code, err = call_nalm(["thresholds", "--samples", "10", "--ops", "add", "--epsilon", epsilon, "--out", "t.csv"],
                          cwd=tmp_path)  # fmt: skip
    assert_refused(code, err)
    assert "expected a finite number >= 0" in err and not (tmp_path / "t.csv").exists()
