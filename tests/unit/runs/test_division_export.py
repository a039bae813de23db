"""An original run of bmistry4/nalm-division (its TensorBoard event file, made by its
experiments/single_layer.py with divBy0.sh's NRU easy flags on U[0,1e-3), seed 0, in a scratch copy
of the original) through this project's export and the paper's selection rule, unchanged."""

from pathlib import Path

import pandas as pd

from nalm.analysis.division_summary import per_run, read_series_table, read_thresholds
from nalm.runs.export import export_runs

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "division"


def test_original_event_file_exports_and_summarises(tmp_path):
    table_path = tmp_path / "nru_easy.csv"
    counts = export_runs([FIXTURE], table_path, reader="division")
    assert counts["written"] == 1 and counts["rows"] == 6  # steps 0, 1000, ..., 5000
    table = pd.read_csv(table_path)
    assert table[["module", "operation", "input.size", "interpolation.range", "seed"]].iloc[0].tolist() == [
        "NRU", "reciprocal", 1, "U[0,0.001]", 0]
    assert table["sparse.error.max"].notna().all()  # the NRU's W/sparsity_error tag
    runs = per_run(read_series_table(table_path), "NRU", read_thresholds(), "zero.range.easy", solved="at_most")
    assert runs["threshold"].item() == 4.256202737451531e-05
    assert runs["best.step"].item() in range(0, 5001, 1000)
    assert runs["solved"].item() == (runs["extrapolation.last"].item() <= runs["threshold"].item())
