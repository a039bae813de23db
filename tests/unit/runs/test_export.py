"""`nalm export` (`nalm.runs.export`, `nalm.runs.table`).

Pinned against `bmistry4/nalm-benchmark`'s `export/simple_function_static.py` with
`stable_nalu/reader/tensorboard_reader.py` and `tensorboard_metric_reader.py` (rows, columns,
`sparse.error.max` per module), and the order in which `experiments/single_layer_benchmark.py`
logs its scalars.
"""

import csv
import io
import json
import math
import os
import struct

import pytest
from _original_events import fixture_runs, readout_rows

from nalm import cli
from nalm.core.errors import UserError
from nalm.runs.events import event_file_name, read_event_file, write_event_file
from nalm.runs.export import COLUMNS, export_runs
from nalm.runs.names import format_run_name
from nalm.runs.table import run_rows

INTERPOLATION = "metric/valid/interpolation"
EXTRAPOLATION = "metric/test/extrapolation"


def f32(value):
    """The float32 value an event file stores, widened to double."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def logged_steps(steps, sparsity=lambda step: [], interpolation=lambda step: 1.0 / (step + 1)):
    """Scalars in the original's order per logged step: metrics, then sparsity, then losses."""
    scalars = []
    for step in steps:
        scalars.append((step, INTERPOLATION, interpolation(step)))
        scalars.append((step, EXTRAPOLATION, 2.0 / (step + 1)))
        scalars.extend((step, tag, value) for tag, value in sparsity(step))
        scalars.append((step, "loss/train/total", 0.5))
    return scalars


def make_run(directory, scalars, config=None, texts=(), finished=True):
    os.makedirs(directory, exist_ok=True)
    write_event_file(os.path.join(directory, event_file_name()), scalars, texts)
    if config is not None:
        with open(os.path.join(directory, "run.json"), "w") as handle:
            json.dump(config, handle)
    if finished:  # the marker `nalm train` writes last (docs/run-format.md)
        with open(os.path.join(directory, "metrics.csv"), "w") as handle:
            handle.write("step,interpolation_mse,extrapolation_mse,sparsity_error,diverged\n")
    return directory


def config(module="NAU", op="add", seed=0, interpolation="[1,2]", extrapolation="[2,6]", input_size=2):
    return {
        "module": module,
        "op": op,
        "input_size": input_size,
        "interpolation_range": interpolation,
        "extrapolation_range": extrapolation,
        "seed": seed,
        "original_run_name": format_run_name(
            module=module, op=op, seed=seed, interpolation_range=interpolation, extrapolation_range=extrapolation,
            input_size=input_size,
        ),
    }


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def sparse_column(scalars):
    return [row[4] for row in run_rows((0.0, s, t, v) for s, t, v in scalars)]


# ------------------------------------------------------------------ the original's rows


def test_fixture_export_matches_tensorboard_readout(tmp_path):
    # The same runs through TensorBoard's EventAccumulator (the readout) and through our export.
    # tensorboard_metric_reader.py: NAU/NMU SE(W); NALU max of its two identical SE(W); iNALU its W value
    # (not W_a, W_m or the gate); Real NPU SE(W_real) (not the gate).
    rule = {
        "NAU": "network/layer_1/nac/W/sparsity_error",
        "NMU": "network/layer_1/nac/W/sparsity_error",
        "NALU": "network/layer_1/nalu/nac/W/sparsity_error",
        "iNALU": "network/layer_1/inalu/W/sparsity_error",
        "RealNPU": "network/layer_1/real_npu/W_real/sparsity_error",
    }
    readout = readout_rows()
    root = fixture_runs()[0][1].parent.parent
    out = tmp_path / "fixtures.csv"
    counts = export_runs([root], out)
    assert counts == {"runs": 5, "written": 5, "skipped": 0, "rows": len(readout)}
    exported = read_csv(out)
    assert list(exported[0]) == list(COLUMNS)
    expected = []
    for row in sorted(readout, key=lambda r: (r["name"], int(r["step"]))):
        tags = dict(item.split("=") for item in row["sparsity_tags"].split(";"))
        expected.append(
            [row["name"], row["step"], row["metric.valid.interpolation"], row["metric.test.extrapolation"],
             tags[rule[row["module_dir"]]], row["module_dir"]]
        )
    got = [
        [r["name"], r["step"], r["metric.valid.interpolation"], r["metric.test.extrapolation"], r["sparse.error.max"],
         r["module"]]
        for r in exported
    ]
    assert got == expected
    settings = {(r["module"], r["operation"], r["input.size"], r["interpolation.range"], r["extrapolation.range"],
                 r["seed"]) for r in exported}
    ops = {"NAU": "add", "NMU": "mul", "NALU": "mul", "iNALU": "add", "RealNPU": "div"}  # README's table
    assert settings == {(module, op, "2", "U[-20,-10]", "U[-40,-20]", "0") for module, op in ops.items()}
    # wall.time is the event time of the step's first metric (tensorboard_metric_reader.py).
    nau = fixture_runs()[1]
    walls = [repr(w) for w, s, t, v in read_event_file(nau[2]) if t == INTERPOLATION]
    assert [r["wall.time"] for r in exported if r["name"] == nau[1].name] == walls


def test_nalu_duplicate_takes_the_max():
    # NALU logs W/sparsity_error twice per step; the reader keeps the max.
    tag = "network/layer_1/nalu/nac/W/sparsity_error"
    scalars = logged_steps([0, 1000], lambda step: [(tag, 0.25), (tag, 0.5 if step else 0.125)])
    assert sparse_column(scalars) == [0.25, 0.5]


def test_max_keeps_a_nan_already_there_and_drops_a_later_one():
    # Python's max(a, b) replaces a only if b > a: NaN first stays, NaN second is dropped.
    tag = "layer/nalu/nac/W/sparsity_error"
    first_nan = sparse_column(logged_steps([0], lambda s: [(tag, math.nan), (tag, 0.25)]))
    assert math.isnan(first_nan[0])
    assert sparse_column(logged_steps([0], lambda s: [(tag, 0.25), (tag, math.nan)])) == [0.25]


def test_inalu_uses_its_logged_w_value():
    tags = [("inalu/W_a/sparsity_error", 0.5), ("inalu/W_m/sparsity_error", 0.25), ("inalu/W/sparsity_error", 0.375),
            ("inalu/gate/sparsity_error", 0.4375)]
    assert sparse_column(logged_steps([0], lambda s: [("network/layer_1/" + t, v) for t, v in tags])) == [0.375]


def test_npu_mean_of_real_and_imaginary():
    # The reader: (SE(W_re) + SE(W_im)) / 2; the gate is ignored. W_re is unbounded (no clip).
    tags = [("npu/W_real/sparsity_error", 1.5), ("npu/W_im/sparsity_error", 0.25), ("npu/gate/sparsity_error", 0.5)]
    assert sparse_column(logged_steps([0], lambda s: [("network/layer_1/" + t, v) for t, v in tags])) == [0.875]


def test_real_npu_real_weight_only():
    tags = [("real_npu/W_real/sparsity_error", 0.125), ("real_npu/gate/sparsity_error", 0.5)]
    assert sparse_column(logged_steps([0], lambda s: [("network/layer_1/" + t, v) for t, v in tags])) == [0.125]


def test_mcfc_mean_of_junction_and_out_gate():
    # The reader: (SE(junction) + SE(out_gate))/2 = SE(o)/2, the junction being identically 1.
    tags = [("MCFC/mcfc_junction/sparsity_error", 0.0), ("MCFC/mcfc_out_gate/sparsity_error", 0.25)]
    assert sparse_column(logged_steps([0], lambda s: [("network/layer_1/" + t, v) for t, v in tags])) == [0.125]


def test_mulmcfc_bias_and_g_hat_logged_first_are_dropped():
    # The reader drops bias and g_hat: they come before the junction, when the row has no value yet.
    tags = [
        ("MulMCFC/mulmcfc_bias/sparsity_error", 0.5),
        ("MulMCFC/mulmcfcsignrealnpu_g_hat/sparsity_error", 0.5),
        ("MCFC/mcfc_junction/sparsity_error", 0.0),
        ("MCFC/mcfc_out_gate/sparsity_error", 0.25),
    ]
    assert sparse_column(logged_steps([0], lambda s: [("network/layer_1/" + t, v) for t, v in tags])) == [0.125]


def test_mulmcfc_intended_means_when_logged_after_the_junction():
    # The reader's own formulas: ((a*2)+b)/3 after the bias, ((a*3)+b)/4 after g_hat.
    tags = [
        ("mcfc_junction/sparsity_error", 0.0),
        ("mcfc_out_gate/sparsity_error", 0.25),
        ("mulmcfc_bias/sparsity_error", 0.5),
        ("mulmcfcsignrealnpu_g_hat/sparsity_error", 0.125),
    ]
    a = (0.0 + 0.25) / 2
    a = (a * 2 + 0.5) / 3
    a = (a * 3 + 0.125) / 4
    assert sparse_column(logged_steps([0], lambda s: tags)) == [a]


def test_rows_follow_the_metric_events():
    scalars = logged_steps([0, 1000], lambda s: [("nac/W/sparsity_error", 0.25)])
    # Per-step L1/train/beta (NPU) and a sparsity value at an unlogged step are ignored.
    scalars[4:4] = [(500, "L1/train/beta", 1e-7), (500, "nac/W/sparsity_error", 0.0)]
    rows = run_rows((10.0 + s, s, t, v) for s, t, v in scalars)
    assert rows == [(0, 10.0, 1.0, 2.0, 0.25), (1000, 1010.0, 1 / 1001, 2 / 1001, 0.25)]


def test_no_sparsity_tags_and_a_missing_last_value_are_empty():
    # The reader: no sparsity tag → None on every row; a column one short is padded (the flush fix).
    scalars = logged_steps([0, 1000])[:-2]  # the last step lost its extrapolation and loss
    assert run_rows((0.0, s, t, v) for s, t, v in scalars) == [(0, 0.0, 1.0, 2.0, None), (1000, 0.0, 1 / 1001, None, None)]


# ------------------------------------------------------------------ files, run.json, CSV


def test_synthetic_runs_with_run_json(tmp_path):
    sparsity = lambda step: [("network/layer_1/nac/W/sparsity_error", 0.1)]
    nan_at_2000 = lambda step: math.nan if step == 2000 else 0.1
    make_run(tmp_path / "runs/r2/seed1", logged_steps([0, 1000, 2000], sparsity, nan_at_2000),
             config(seed=1, interpolation="[-2,2]", extrapolation="[[-6,-2],[2,6]]"))
    make_run(tmp_path / "runs/r1/seed0", logged_steps([0, 1000, 2000], sparsity), config(seed=0))
    out = tmp_path / "out.csv"
    export_runs([tmp_path / "runs"], out)
    rows = read_csv(out)
    mirrored = config(seed=1, interpolation="[-2,2]", extrapolation="[[-6,-2],[2,6]]")["original_run_name"]
    plain = config(seed=0)["original_run_name"]
    assert mirrored < plain  # `i--2-2` sorts before `i-1-2`: rows are ordered by name, not by directory
    assert [r["name"] for r in rows] == [mirrored] * 3 + [plain] * 3
    assert [r["step"] for r in rows] == ["0", "1000", "2000"] * 2
    assert (rows[0]["interpolation.range"], rows[0]["extrapolation.range"]) == ("U[-2,2]", "U[-6,-2] & U[2,6]")
    assert rows[2]["metric.valid.interpolation"] == ""  # NaN is an empty field, as pandas writes it
    plain_row = rows[3]
    assert [plain_row[c] for c in COLUMNS[6:]] == ["NAU", "add", "2", "U[1,2]", "U[2,6]", "0"]
    assert plain_row["sparse.error.max"] == repr(f32(0.1)) == "0.10000000149011612"
    assert plain_row["wall.time"] == "0.0"
    assert '"U[-6,-2] & U[2,6]"' in out.read_text()


def test_float32_values_round_trip_exactly(tmp_path):
    values = [math.pi, 1e-30, 3e38, math.inf]
    make_run(tmp_path / "r", [(i, INTERPOLATION, v) for i, v in enumerate(values)], config())
    export_runs([tmp_path / "r"], tmp_path / "o.csv")
    written = [r["metric.valid.interpolation"] for r in read_csv(tmp_path / "o.csv")]
    assert written[-1] == "inf"
    assert [f32(float(x)) for x in written] == [f32(v) for v in values]
    assert [float(x) for x in written] == [f32(v) for v in values]


def test_output_is_deterministic(tmp_path):
    for seed in (3, 1, 2):
        make_run(tmp_path / f"runs/seed{seed}", logged_steps([0, 1000]), config(seed=seed))
    export_runs([tmp_path / "runs"], tmp_path / "a.csv")
    export_runs([tmp_path / "runs/seed2", tmp_path / "runs", tmp_path / "runs/seed1"], tmp_path / "b.csv", jobs=2)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert [r["seed"] for r in read_csv(tmp_path / "a.csv")] == ["1", "1", "2", "2", "3", "3"]


def test_original_layout_without_run_json(tmp_path):
    name = format_run_name(module="G-NALU", op="sub", seed=4, interpolation_range="[-2,2]",
                           extrapolation_range="[[-6,-2],[2,6]]", input_size=10, subset_ratio=0.1)
    make_run(tmp_path / "benchmark" / name, logged_steps([0]))
    export_runs([tmp_path / "benchmark"], tmp_path / "o.csv")
    (row,) = read_csv(tmp_path / "o.csv")
    assert row["name"] == name
    assert [row[c] for c in COLUMNS[6:]] == ["G-NALU", "sub", "10", "U[-2,2]", "U[-6,-2] & U[2,6]", "4"]
    assert row["sparse.error.max"] == ""


def test_unparseable_name_without_run_json(tmp_path):
    make_run(tmp_path / "runs/whatever", logged_steps([0]))
    with pytest.raises(UserError, match=r"whatever: no run.json, and the directory name is not an original run name"):
        export_runs([tmp_path / "runs"], tmp_path / "o.csv")


def test_hidden_temporary_files_are_ignored(tmp_path):
    run = make_run(tmp_path / "r", logged_steps([0]), config())
    (run / ".events.out.tfevents.0.nalm.123.tmp").write_bytes(b"partial")
    assert export_runs([tmp_path], tmp_path / "o.csv")["written"] == 1


def test_multiple_event_files_name_the_directory(tmp_path):
    run = make_run(tmp_path / "runs/r1/seed0", logged_steps([0]), config())
    write_event_file(run / "events.out.tfevents.1.host", logged_steps([0]))
    with pytest.raises(UserError, match=rf"{run} holds 2 event files .* exactly one"):
        export_runs([tmp_path / "runs"], tmp_path / "o.csv")


@pytest.mark.parametrize("layout", ["empty", "missing"])
def test_no_runs_is_an_error(tmp_path, layout):
    target = tmp_path / "runs"
    if layout == "empty":
        (target / "sub").mkdir(parents=True)
        match = "no run directories"
    else:
        match = "is not a directory"
    with pytest.raises(UserError, match=match):
        export_runs([target], tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_bad_run_json_names_the_file(tmp_path):
    run = make_run(tmp_path / "r", logged_steps([0]), {"module": "NAU"})
    with pytest.raises(UserError, match=rf"{run}/run.json lacks the field 'original_run_name'"):
        export_runs([tmp_path], tmp_path / "o.csv")


def _corrupt_setup(tmp_path):
    good = make_run(tmp_path / "runs/a", logged_steps([0, 1000]), config(seed=0))
    bad = make_run(tmp_path / "runs/b", logged_steps([0, 1000]), config(seed=1))
    event_file = bad / event_file_name()
    event_file.write_bytes(event_file.read_bytes()[:-7])  # truncated mid-record
    out = tmp_path / "out.csv"
    out.write_text("previous export\n")
    return good, event_file, out


def test_corrupt_file_fails_and_leaves_out_untouched(tmp_path, capsys):
    _, event_file, out = _corrupt_setup(tmp_path)
    assert cli.main(["export", str(tmp_path / "runs"), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"truncated event file {event_file}" in error and "at byte" in error
    assert out.read_text() == "previous export\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv", "runs"]  # no temporary left


def test_skip_corrupt_warns_and_exports_the_rest(tmp_path, capsys):
    _, event_file, out = _corrupt_setup(tmp_path)
    assert cli.main(["export", str(tmp_path / "runs"), "--out", str(out), "--skip-corrupt"]) == 0
    error = capsys.readouterr().err
    assert f"warning: skipped {event_file.parent}" in error and "1 skipped" in error
    assert [r["seed"] for r in read_csv(out)] == ["0", "0"]


def test_run_without_metrics_is_an_error_or_skipped_when_asked(tmp_path):
    make_run(tmp_path / "a", [(0, "loss/train/total", 1.0)], config(seed=0))
    make_run(tmp_path / "b", logged_steps([0]), config(seed=1))
    with pytest.raises(UserError, match=rf"run {tmp_path / 'a'} is damaged: .* holds no logged metric"):
        export_runs([tmp_path], tmp_path / "o.csv")
    warnings = []
    counts = export_runs([tmp_path], tmp_path / "o.csv", skip_corrupt=True, warn=warnings.append)
    assert counts["skipped"] == 1 and "no logged metric" in warnings[0]


def test_duplicate_names_warn(tmp_path):
    make_run(tmp_path / "x/seed0", logged_steps([0]), config(seed=0))
    make_run(tmp_path / "y/seed0", logged_steps([0]), config(seed=0))
    warnings = []
    assert export_runs([tmp_path], tmp_path / "o.csv", warn=warnings.append)["rows"] == 2
    assert "same run name" in warnings[0]


def test_csv_header_and_quoting(tmp_path):
    make_run(tmp_path / "r", logged_steps([0]), config(extrapolation="[[-6,-2],[2,6]]", interpolation="[-2,2]"))
    export_runs([tmp_path], tmp_path / "o.csv")
    text = (tmp_path / "o.csv").read_text()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert list(csv.reader(io.StringIO(text)))[1][COLUMNS.index("extrapolation.range")] == "U[-6,-2] & U[2,6]"


def test_an_unfinished_run_of_ours_is_an_error_or_skipped(tmp_path):
    make_run(str(tmp_path / "a"), logged_steps([0, 1000]), config(seed=0))
    make_run(str(tmp_path / "b"), logged_steps([0]), config(seed=1), finished=False)
    out = tmp_path / "out.csv"
    with pytest.raises(UserError, match=r"b is an unfinished run \(no metrics.csv"):
        export_runs([tmp_path], out)
    assert not out.exists()
    warnings = []
    counts = export_runs([tmp_path], out, skip_corrupt=True, warn=warnings.append)
    assert counts["written"] == 1 and "unfinished run" in warnings[0]
