"""The report's run tables (nalm/runs/provenance_table.py, `nalm provenance`, `nalm timing`): one
row per distinct provenance with its runs and experiments, a dirty or mixed build flagged in every
row, training time per job from Snakemake's benchmark files, deterministic bytes."""

import json

import pytest

from nalm.cli import main
from nalm.core.errors import UserError
from nalm.runs import provenance_table as table

CLEAN = {"nalm": "0.2.0", "git_commit": "a" * 40, "git_dirty": False, "python": "3.11.7", "torch": "2.13.0+cpu",
         "numpy": "2.4.6", "platform": "Linux-x86_64", "device": "cpu", "threads": 1}
#: Snakemake's benchmark header (snakemake/benchmark.py), one job's row
BENCHMARK = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _block(root, experiment, block, provenances, sized=True):
    """A block of runs (run.json with these provenance objects; None: none recorded) and its manifest."""
    lines = []
    for seed, provenance in enumerate(provenances):
        run = root / "runs" / experiment / "r1" / f"seed{seed}"
        run.mkdir(parents=True)
        config = {"seed": seed} if provenance is None else {"seed": seed, "provenance": provenance}
        (run / "run.json").write_text(json.dumps(config))
        (run / "metrics.csv").write_text("step\n0\n")
        lines += [f"{'12' + chr(9) if sized else ''}{run / name}" for name in ("run.json", "metrics.csv")]
    manifest = root / "runs" / experiment / "blocks" / f"{block}.txt"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("# nalm block manifest\n" + "\n".join(lines) + "\n")
    return manifest


def test_one_clean_commit_is_one_row_without_warning(tmp_path):
    manifests = [_block(tmp_path, "in2_add_NAU", "r1_s0-1", [CLEAN, CLEAN]),
                 _block(tmp_path, "in2_add_NMU", "r1_s0", [CLEAN], sized=False)]  # `ls -1` manifests too
    (row,) = table.provenance_rows(manifests)
    assert row["git_commit"] == "a" * 40 and row["git_dirty"] == "false" and row["threads"] == "1"
    assert (row["runs"], row["experiments"], row["warning"]) == ("3", "in2_add_NAU in2_add_NMU", "")


def test_dirty_mixed_and_unrecorded_builds_are_flagged_in_every_row(tmp_path):
    dirty = {**CLEAN, "git_commit": "b" * 40, "git_dirty": True}
    manifests = [_block(tmp_path, "in2_add_NAU", "r1_s0-2", [CLEAN, CLEAN, dirty]),
                 _block(tmp_path, "in2_add_NMU", "r1_s0", [None])]
    rows = table.provenance_rows(manifests)
    assert [(row["git_commit"][:1], row["runs"]) for row in rows] == [("a", "2"), ("", "1"), ("b", "1")]
    assert all("mixed build: the runs come from 2 commits" in row["warning"] for row in rows if row["git_commit"])
    assert "uncommitted changes" in rows[2]["warning"] and "uncommitted" not in rows[0]["warning"]
    assert rows[1]["warning"].startswith("no provenance recorded") and rows[1]["experiments"] == "in2_add_NMU"


def test_provenance_command_writes_the_same_bytes_twice(tmp_path):
    manifest = _block(tmp_path, "in2_add_NAU", "r1_s0-1", [CLEAN, {**CLEAN, "threads": 2}])
    outs = [tmp_path / "one.csv", tmp_path / "two.csv"]
    for out in outs:
        assert main(["provenance", str(manifest), "--out", str(out)]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    lines = outs[0].read_text().splitlines()
    assert lines[0] == ",".join(table.PROVENANCE_COLUMNS) and len(lines) == 3


def test_a_run_without_run_json_is_an_error_naming_it(tmp_path, capsys):
    manifest = _block(tmp_path, "in2_add_NAU", "r1_s0", [CLEAN])
    (tmp_path / "runs" / "in2_add_NAU" / "r1" / "seed0" / "run.json").unlink()
    with pytest.raises(UserError, match="seed0: cannot read run.json"):
        table.provenance_rows([manifest])
    assert main(["provenance", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "p.csv")]) == 2
    assert "cannot read block manifest" in capsys.readouterr().err and not (tmp_path / "p.csv").exists()


def test_timing_reads_benchmarks_counts_runs_and_totals(tmp_path):
    bench = tmp_path / "benchmarks" / "train"
    for experiment, row in (("in2_add_NMU", "5.5\t0:00:05\t100.04\t1\t1\t1\t0\t0\t90.0\t4.25"),
                            ("in2_add_NAU", "24.0\t0:00:24\t386.75\t1\t1\t1\t0\t0\t21.32\tNA")):
        (bench / experiment).mkdir(parents=True)
        (bench / experiment / "r1_s0-1.tsv").write_text(BENCHMARK + row + "\n")
    manifest = _block(tmp_path, "in2_add_NAU", "r1_s0-1", [CLEAN, CLEAN])
    missing = bench / "in2_sub_NAU" / "r1_s0-1.tsv"
    rows = table.timing_rows([bench / "in2_add_NMU" / "r1_s0-1.tsv", missing, bench / "in2_add_NAU" / "r1_s0-1.tsv"],
                             [manifest])
    assert rows == [
        {"experiment": "in2_add_NAU", "block": "r1_s0-1", "runs": "2", "wall_s": "24.00", "cpu_s": "",
         "max_rss_mb": "386.8", "mean_load": "21.32"},
        {"experiment": "in2_add_NMU", "block": "r1_s0-1", "runs": "", "wall_s": "5.50", "cpu_s": "4.25",
         "max_rss_mb": "100.0", "mean_load": "90.00"},
        {"experiment": "in2_sub_NAU", "block": "r1_s0-1", "runs": "", "wall_s": "", "cpu_s": "",
         "max_rss_mb": "", "mean_load": ""},
        {"experiment": "total", "block": "3 jobs", "runs": "2", "wall_s": "29.50", "cpu_s": "4.25",
         "max_rss_mb": "386.8", "mean_load": ""},
    ]  # fmt: skip


def test_timing_command_refuses_a_file_that_is_no_benchmark(tmp_path, capsys):
    other = tmp_path / "exp" / "block.tsv"
    other.parent.mkdir()
    other.write_text("a\tb\n1\t2\n")
    assert main(["timing", str(other), "--out", str(tmp_path / "t.csv")]) == 2
    assert "expected Snakemake's tab-separated table" in capsys.readouterr().err
    assert main(["timing", str(tmp_path / "exp" / "none.tsv"), "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_text().splitlines()[1:] == ["exp,none,,,,,", "total,1 jobs,,,,,"]


def _sidecar(root, name, experiment, runs, provenance):
    """A NALU job's provenance sidecar (nalm/commands/_nalu.py write_provenance) beside its table."""
    from nalm.runs.provenance import sidecar_path

    path = sidecar_path(root / f"{name}.csv")
    record = {"job": {"command": experiment.split(":")[0], "experiment": experiment}, "outputs": [], "provenance": provenance,
              "runs": runs}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    return path


def test_sidecars_count_their_jobs_runs_beside_manifests_runs(tmp_path):
    dirty = {**CLEAN, "git_dirty": True}
    sidecars = [_sidecar(tmp_path, "nalu_f0", "nalu-static:paper:nalu:add+sub", 50, CLEAN),
                _sidecar(tmp_path, "nac_f0", "nalu-static:paper:nac:add+sub", 50, CLEAN),
                _sidecar(tmp_path, "LSTMNALU", "nalu-language:paper:lstm-nalu", 25, dirty)]
    rows = table.provenance_rows([], sidecars)
    assert [(row["runs"], row["git_dirty"], row["experiments"]) for row in rows] == [
        ("100", "false", "nalu-static:paper:nac:add+sub nalu-static:paper:nalu:add+sub"),
        ("25", "true", "nalu-language:paper:lstm-nalu")]
    assert rows[0]["warning"] == "" and "uncommitted changes" in rows[1]["warning"]
    # a sidecar and a manifest of the same provenance share a row
    manifest = _block(tmp_path, "in2_add_NAU", "r1_s0-1", [CLEAN, CLEAN])
    (row, _) = table.provenance_rows([manifest], sidecars)
    assert (row["runs"], row["experiments"].split()[0]) == ("102", "in2_add_NAU")


def test_provenance_command_reads_sidecars_and_names_bad_ones(tmp_path, capsys):
    sidecar = _sidecar(tmp_path, "identity", "nalu-identity:ReLU6+Tanh", 200, CLEAN)
    out = tmp_path / "tables" / "identity_provenance.csv"
    out.parent.mkdir()
    assert main(["provenance", "--sidecars", str(sidecar), "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(table.PROVENANCE_COLUMNS)
    assert lines[1].endswith(",200,nalu-identity:ReLU6+Tanh,") and len(lines) == 2
    broken = tmp_path / "broken.csv.provenance.json"
    for text, message in (("{", "cannot read provenance sidecar"), ('{"runs": 2}', "expected a JSON object with 'provenance'"),
                          (json.dumps({"job": {"experiment": "x"}, "provenance": CLEAN, "runs": "2"}), "'runs' (a count)")):
        broken.write_text(text)
        assert main(["provenance", "--sidecars", str(sidecar), str(broken), "--out", str(out)]) == 2
        error = capsys.readouterr().err.strip()
        assert message in error and str(broken) in error and "\n" not in error
    assert out.read_text().splitlines() == lines  # the table already written is left as it was
    assert main(["provenance", str(sidecar), "--out", str(out)]) == 2
    assert "is a provenance sidecar, not a block manifest: pass it after --sidecars" in capsys.readouterr().err
    assert main(["provenance", "--out", str(out)]) == 2
    assert "nothing to read" in capsys.readouterr().err
