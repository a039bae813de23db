"""Who trained a paper's runs, and how long their training jobs took: the report's two run tables.

Provenance table (`nalm provenance`): one row per distinct `provenance` object of the runs'
`run.json` (nalm/runs/provenance.py), with the number of runs that share it and the experiments
they belong to. A build from one clean commit is one row with an empty `warning`; a dirty tree,
several commits or runs without provenance (written before it was recorded) say so in every
row's `warning`, so a mixed build is visible at a glance. Jobs that write one table of many runs
(the NALU paper's) record their provenance once per job in a sidecar beside it
(`<table>.provenance.json`, nalm/runs/provenance.py `sidecar_path`); `sidecar_rows` counts its
`runs` and names its job's `experiment`, in the same rows.

Timing table (`nalm timing`): one row per training job from the benchmark file Snakemake writes
for it (the `benchmark:` directive of every training rule: a TSV with `s`, `cpu_time`,
`max_rss`, `mean_load`, …; https://snakemake.readthedocs.io, "Benchmark rules"), with the
number of runs its block manifest lists, and a `total` row. A job whose benchmark file is
missing (trained outside Snakemake, or restored without it) is a row with empty times.

Runs and jobs are named by their paths, as every paper's rules lay them out:
`<…>/<experiment>/blocks/<block>.txt` for a block manifest (its lines `size<TAB>path` or just
`path` of the runs' files: the run directory is the listed file's folder) and
`<…>/<experiment>/<block>.tsv` for a benchmark file.

Both tables are deterministic: sorted rows, fixed float formatting, no time stamps.
"""

import csv
import io
import json
import math
from pathlib import Path

from nalm.core.errors import UserError
from nalm.runs.directory import RUN_CONFIG_FILE

#: the provenance fields in the order the table shows them (nalm/runs/provenance.py)
PROVENANCE_FIELDS = ("git_commit", "git_dirty", "nalm", "python", "torch", "numpy", "platform", "device", "threads")
PROVENANCE_COLUMNS = (*PROVENANCE_FIELDS, "runs", "experiments", "warning")
TIMING_COLUMNS = ("experiment", "block", "runs", "wall_s", "cpu_s", "max_rss_mb", "mean_load")
#: Snakemake's benchmark columns -> ours, with the decimals we keep
BENCHMARK_COLUMNS = {"s": ("wall_s", 2), "cpu_time": ("cpu_s", 2), "max_rss": ("max_rss_mb", 1), "mean_load": ("mean_load", 2)}


def _experiment_of_manifest(manifest: Path) -> str:
    folder = manifest.parent
    return folder.parent.name if folder.name == "blocks" else folder.name


def manifest_run_directories(manifest) -> list:
    """The run directories a block manifest lists (each once, in manifest order); a `UserError`
    naming the manifest when it cannot be read."""
    try:
        lines = Path(manifest).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read block manifest {manifest}: {getattr(error, 'strerror', None) or error}") from None
    directories = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        listed = line.split("\t", 1)[1] if "\t" in line else line
        directory = str(Path(listed.strip()).parent)
        if directory not in directories:
            directories.append(directory)
    return directories


def read_provenance(directory) -> dict | None:
    """A run's `provenance` object (None when its run.json has none: written before it was recorded);
    a `UserError` naming the run when run.json is missing or unreadable."""
    path = Path(directory) / RUN_CONFIG_FILE
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UserError(f"run {directory}: cannot read {RUN_CONFIG_FILE} ({getattr(error, 'strerror', None) or error})") from None
    provenance = recorded.get("provenance") if isinstance(recorded, dict) else None
    return provenance if isinstance(provenance, dict) else None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def read_sidecar(path) -> tuple:
    """(provenance, runs, experiment) of a job's provenance sidecar; a `UserError` naming the file
    when it is missing, unreadable or not a sidecar."""
    try:
        recorded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UserError(f"cannot read provenance sidecar {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        provenance, runs, experiment = recorded["provenance"], recorded["runs"], recorded["job"]["experiment"]
    except (KeyError, TypeError):
        provenance = runs = experiment = None
    if not isinstance(provenance, dict) or type(runs) is not int or runs < 0 or not isinstance(experiment, str):
        raise UserError(f"provenance sidecar {path}: expected a JSON object with 'provenance', 'runs' (a count) "
                        "and 'job' with its 'experiment' (written by nalm nalu-*)")
    return provenance, runs, experiment


def _add(groups, provenance, runs, experiment):
    key = None if provenance is None else tuple(_cell(provenance.get(field)) for field in PROVENANCE_FIELDS)
    runs_experiments = groups.setdefault(key, [0, set()])
    runs_experiments[0] += runs
    runs_experiments[1].add(experiment)


def provenance_rows(manifests, sidecars=()) -> list:
    """Rows (dicts of PROVENANCE_COLUMNS) of the runs the manifests list and the jobs the sidecars
    describe: one per distinct provenance."""
    groups = {}  # provenance cells -> [runs, experiments]
    for manifest in manifests:
        experiment = _experiment_of_manifest(Path(manifest))
        for directory in manifest_run_directories(manifest):
            _add(groups, read_provenance(directory), 1, experiment)
    for sidecar in sidecars:
        _add(groups, *read_sidecar(sidecar))
    commits = {key[0] for key in groups if key is not None}
    rows = []
    for key, (runs, experiments) in groups.items():
        cells = dict(zip(PROVENANCE_FIELDS, key if key is not None else ("",) * len(PROVENANCE_FIELDS)))
        rows.append({**cells, "runs": str(runs), "experiments": " ".join(sorted(experiments)),
                     "warning": "; ".join(_warnings(key, commits))})
    return sorted(rows, key=lambda row: (-int(row["runs"]), [row[field] for field in PROVENANCE_FIELDS]))


def _warnings(key, commits) -> list:
    if key is None:
        return ["no provenance recorded (run.json written before nalm recorded it)"]
    warnings = []
    commit, dirty = key[0], key[1]
    if commit == "":
        warnings.append("commit unknown (not trained from a git checkout or an archive)")
    if dirty == "true":
        warnings.append("uncommitted changes in the tree that trained these runs")
    if len(commits) > 1:
        warnings.append(f"mixed build: the runs come from {len(commits)} commits")
    return warnings


def _number(text: str, decimals: int) -> str:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return ""  # Snakemake writes NA where the platform does not measure it
    return "" if math.isnan(value) else f"{value:.{decimals}f}"


def read_benchmark(path) -> dict:
    """The mean of a Snakemake benchmark file's rows as our timing cells ({} when the file is
    missing); a `UserError` naming the file when it has no `s` column."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read benchmark file {path}: {getattr(error, 'strerror', None) or error}") from None
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    if not rows or "s" not in rows[0]:
        raise UserError(f"benchmark file {path}: expected Snakemake's tab-separated table with an 's' column")
    cells = {}
    for column, (name, decimals) in BENCHMARK_COLUMNS.items():
        values = [_number(row.get(column), 9) for row in rows]
        numbers = [float(value) for value in values if value != ""]
        cells[name] = _number(sum(numbers) / len(numbers), decimals) if len(numbers) == len(rows) else ""
    return cells


def timing_rows(benchmarks, manifests=()) -> list:
    """Rows (dicts of TIMING_COLUMNS): one per benchmark file (experiment = its folder, block = its
    name), sorted, then `total` (sums of wall and CPU seconds, the largest memory). `runs` comes
    from the manifest of the same experiment and block, when given."""
    runs = {
        (_experiment_of_manifest(Path(manifest)), Path(manifest).stem): len(manifest_run_directories(manifest))
        for manifest in manifests
    }
    rows = []
    for benchmark in benchmarks:
        path = Path(benchmark)
        experiment, block = path.parent.name, path.name.removesuffix(".tsv")
        cells = {name: "" for name, _ in BENCHMARK_COLUMNS.values()}
        cells.update(read_benchmark(path))
        count = runs.get((experiment, block))
        rows.append({"experiment": experiment, "block": block, "runs": "" if count is None else str(count), **cells})
    rows.sort(key=lambda row: (row["experiment"], row["block"]))
    rows.append(_total(rows))
    return rows


def _total(rows) -> dict:
    def total(column, combine, decimals):
        values = [float(row[column]) for row in rows if row[column] != ""]
        return f"{combine(values):.{decimals}f}" if values else ""

    counts = [int(row["runs"]) for row in rows if row["runs"] != ""]
    return {
        "experiment": "total", "block": f"{len(rows)} jobs", "runs": str(sum(counts)) if counts else "",
        "wall_s": total("wall_s", sum, 2), "cpu_s": total("cpu_s", sum, 2),
        "max_rss_mb": total("max_rss_mb", max, 1), "mean_load": "",
    }  # fmt: skip


def table_csv(rows, columns) -> str:
    """The rows as CSV text (`\\n` line ends, minimal quoting): the same rows give the same bytes."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
