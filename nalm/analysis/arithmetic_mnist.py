"""Selection and statistics of the arithmetic MNIST runs.

After `bmistry4/nalm-division`, `export/two_digit_mnist/plot_train_test.r` (Mistry, Farrahi &
Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022, arXiv 2110.05177):

* **Selection** (`best.model.step.fn`): per run (one head, one fold), among the last 10 logged
  epochs, the first with the highest training accuracy at 5 decimal places; NaNs are ignored,
  and when all 10 are NaN the last logged epoch is taken.
* **Statistics** (`data_summary`): per head and metric over the folds: n, mean, sd, se = sd/√n,
  and the half-width of the t-based 95% interval, qt(0.975, n − 1)·sd/√n.
"""

import json
import math
from pathlib import Path

import numpy as np

from nalm.core.errors import UserError
from nalm.runs.directory import METRICS_FILE, RUN_CONFIG_FILE

#: run.json fields copied into every selected row
RUN_FIELDS = ("head", "label", "fold", "seed", "epochs", "samples_per_pair", "digits_source")


def best_row(values, last: int = 10) -> int:
    """The position the original's `best.model.step.fn` picks from one run's logged values."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        raise ValueError("no logged rows")
    start = max(len(values) - last, 0)
    tail = values[start:]
    if np.isnan(tail).all():
        return len(values) - 1
    return start + int(np.nanargmax(tail))


def read_run(directory) -> tuple:
    """(run.json, metrics as {column: np.ndarray}) of one run directory."""
    directory = Path(directory)
    config_path, metrics_path = directory / RUN_CONFIG_FILE, directory / METRICS_FILE
    if not metrics_path.is_file() or not config_path.is_file():
        raise UserError(f"{directory}: not a complete run directory (no {METRICS_FILE} or {RUN_CONFIG_FILE})")
    config = json.loads(config_path.read_text())
    if config.get("task") != "arithmetic_mnist":
        raise UserError(f"{directory}: not an arithmetic MNIST run (run.json task {config.get('task')!r})")
    lines = metrics_path.read_text().strip().splitlines()
    header = lines[0].split(",")
    rows = np.array([[float(v) for v in line.split(",")] for line in lines[1:]], dtype=np.float64).reshape(-1, len(header))
    return config, {name: rows[:, k] for k, name in enumerate(header)}


def select(directories, metric: str, last: int = 10) -> list:
    """One row per run: its run.json fields and every metric at its selected epoch."""
    rows = []
    for directory in directories:
        config, metrics = read_run(directory)
        if metric not in metrics:
            raise UserError(f"{directory}: metrics.csv has no column {metric!r}")
        k = best_row(metrics[metric], last)
        row = {field: config[field] for field in RUN_FIELDS}
        row["selected_epoch"] = int(metrics["epoch"][k])
        row["logged_epochs"] = len(metrics["epoch"])
        row.update({name: float(values[k]) for name, values in metrics.items() if name not in ("step", "epoch", "diverged")})
        rows.append(row)
    return rows


def t_quantile_975(df: int) -> float:
    from scipy.stats import t

    return float(t.ppf(0.975, df)) if df >= 1 else math.nan


def summarize(rows: list, heads: list, metrics: list) -> list:
    """Per head (in `heads` order) and metric ((column, label) pairs): n, mean, sd, se, ci."""
    out = []
    for metric, label in metrics:
        for head in heads:
            values = np.array([row[metric] for row in rows if row["head"] == head], dtype=np.float64)
            if len(values) == 0:
                continue
            n = len(values)
            mean = float(values.mean())
            sd = float(values.std(ddof=1)) if n > 1 else math.nan
            se = sd / math.sqrt(n)
            model = next(row["label"] for row in rows if row["head"] == head)
            out.append({
                "head": head, "model": model, "metric": metric, "metric_type": label, "n": n,
                "mean": mean, "sd": sd, "se": se, "ci": t_quantile_975(n - 1) * sd / math.sqrt(n),
            })  # fmt: skip
    return out
