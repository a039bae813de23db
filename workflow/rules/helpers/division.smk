# The division-module paper's config section, experiment table, blocks, output paths and the input
# functions of its rules (workflow/rules/division.smk).

DIVISION_CONFIG = paper_section("division")
DIVISION_RANGES = read_paper_yaml("division", "ranges.yaml")
DIVISION_FIGURES = read_paper_yaml("division", "figures.yaml")

#: every path the division paper's rules write, defined once
DIVISION_PATHS = {
    "runs": "results/runs/division/{experiment}",
    "manifest": "results/runs/division/{experiment}/blocks/{block}.txt",
    "table": "results/tables/division/{experiment}.csv",
    "summary": "results/summaries/division/{figure}.csv",
    "figure": "results/figures/division/{figure}.pdf",
    "plot_data": "results/figures/division/{figure}_plot_data.csv",
    "latex": "results/figures/division/{figure}.tex",
    "gold": "results/figures/division/divby0_gold_errors.pdf",
    "gold_data": "results/figures/division/divby0_gold_errors_plot_data.csv",
    "gold_latex": "results/figures/division/divby0_gold_errors.tex",
    "gold_thresholds": "results/tables/division/divby0_thresholds.csv",
}
DIVISION_WILDCARDS = {
    "experiment": r"(in2|in10|divby0)_[A-Za-z0-9_.-]+",
    "block": r"[A-Za-z0-9_+-]+_s[0-9]+(-[0-9]+)?",
    "figure": "|".join(sorted(DIVISION_FIGURES, key=len, reverse=True)),
}
DIVISION_TASK_FLAGS = {
    "subset_ratio": "--subset-ratio", "num_subsets": "--num-subsets", "train_criterion": "--train-criterion",
    "evaluation": "--evaluation",
}  # fmt: skip
#: task options of every experiment, under its row's own (the original's float32 evaluation)
DIVISION_TASK_DEFAULTS = read_paper_yaml("division", "task_defaults.yaml")


def _division_presets():
    """Preset name -> its ops, from every paper package's presets.yaml."""
    presets = {}
    for path in sorted(PAPER_DATA.glob("*/presets.yaml")):
        with open(path) as handle:
            for name, preset in (yaml.safe_load(handle) or {}).items():
                presets[name] = preset.get("ops", ["add", "sub", "mul", "div"])
    return presets


def _division_experiments():
    """The paper's experiment table (schema-checked), with the config's overrides applied."""
    experiments, presets = {}, _division_presets()
    schema = SCHEMAS / "division_experiments.schema.yaml"
    for row in read_paper_table("division", "experiments.tsv"):
        experiment = {
            "preset": row["preset"], "op": row["op"], "input_size": int(row["input_size"]),
            "iterations": int(row["iterations"]), "ranges": row["ranges"],
            "task": {**DIVISION_TASK_DEFAULTS, **(json.loads(row["task"]) if row["task"] else {})},
            "set": json.loads(row["set"]) if row["set"] else {},
        }
        experiments[row["experiment"]] = validate(experiment, schema, ("experiments.tsv", row["experiment"]))
    for name, override in DIVISION_CONFIG["experiments"].items():
        if name not in experiments:
            raise config_error(f"division.experiments.{name}", "unknown experiment (not in nalm/papers/division/experiments.tsv)")
        experiment = experiments[name]
        experiment["set"] = {**experiment["set"], **override.get("set", {})}
        experiment["iterations"] = override.get("iterations", experiment["iterations"])
        experiment["revision"] = override["revision"]
    for name, experiment in experiments.items():
        experiment.setdefault("revision", 0)
        ops = presets.get(experiment["preset"])
        if ops is None or experiment["op"] not in ops:
            raise WorkflowError(f"experiment {name}: preset {experiment['preset']!r} is not defined for op {experiment['op']!r}")
        if experiment["ranges"] not in DIVISION_RANGES:
            raise WorkflowError(f"experiment {name}: no range set {experiment['ranges']!r} in nalm/papers/division/ranges.yaml")
    return experiments


DIVISION_EXPERIMENTS = _division_experiments()


def _division_range_ids(range_set):
    """The config's range pairs of one set (all of the set's pairs when the config says null)."""
    chosen = DIVISION_CONFIG["range_ids"].get(range_set)
    known = list(DIVISION_RANGES[range_set])
    if chosen is None:
        return known
    for range_id in chosen:
        if range_id not in known:
            raise config_error(f"division.range_ids.{range_set}", f"{range_id!r} is not a pair of set {range_set} ({', '.join(known)})")
    return list(chosen)


for _division_set in DIVISION_CONFIG["range_ids"]:
    if _division_set not in DIVISION_RANGES:
        raise config_error("division.range_ids", f"{_division_set!r} is not a range set of nalm/papers/division/ranges.yaml ({', '.join(DIVISION_RANGES)})")
DIVISION_RANGE_IDS = {range_set: _division_range_ids(range_set) for range_set in DIVISION_RANGES}
DIVISION_SEEDS = list(
    range(DIVISION_CONFIG["seeds"]["first"], DIVISION_CONFIG["seeds"]["first"] + DIVISION_CONFIG["seeds"]["count"])
)


def _division_block_id(range_ids, seeds):
    seed_span = str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"
    return f"{'+'.join(range_ids)}_s{seed_span}"


def _division_blocks(range_set):
    """block id -> (range ids, seeds) of one range set, cut into training jobs."""
    return {
        _division_block_id(range_chunk, seed_chunk): (range_chunk, seed_chunk)
        for range_chunk in chunks(DIVISION_RANGE_IDS[range_set], DIVISION_CONFIG["block"]["ranges"])
        for seed_chunk in chunks(DIVISION_SEEDS, DIVISION_CONFIG["block"]["seeds"])
    }


DIVISION_BLOCKS = {range_set: _division_blocks(range_set) for range_set in DIVISION_RANGES}
for _division_name, _division_figure in DIVISION_FIGURES.items():
    for _division_entry in _division_figure["series"]:
        if _division_entry["experiment"] not in DIVISION_EXPERIMENTS:
            raise WorkflowError(f"figure {_division_name}: experiment {_division_entry['experiment']} is not in nalm/papers/division/experiments.tsv")
for _division_name in DIVISION_CONFIG["figures"] or []:
    if _division_name not in DIVISION_FIGURES and _division_name != "divby0_gold_errors":
        raise config_error("division.figures", f"unknown figure {_division_name!r} (expected one of: {', '.join(DIVISION_FIGURES)}, divby0_gold_errors)")


def division_targets():
    """The PDFs of the config's figures (every figure of figures.yaml and the gold errors by default)."""
    names = DIVISION_CONFIG["figures"] or [*DIVISION_FIGURES, "divby0_gold_errors"]
    return [DIVISION_PATHS["gold"] if name == "divby0_gold_errors" else DIVISION_PATHS["figure"].format(figure=name) for name in names]


PAPER_TARGETS["division"] = division_targets


# ---------------------------------------------------------------- input functions


def division_iterations(experiment):
    cap = DIVISION_CONFIG["iteration_cap"]
    wanted = DIVISION_EXPERIMENTS[experiment]["iterations"]
    return wanted if cap is None else min(wanted, cap)


def _division_blocks_of(experiment):
    return DIVISION_BLOCKS[DIVISION_EXPERIMENTS[experiment]["ranges"]]


def division_run_dirs(experiment, range_ids=None, seeds=None):
    root = DIVISION_PATHS["runs"].format(experiment=experiment)
    range_set = DIVISION_EXPERIMENTS[experiment]["ranges"]
    return [
        f"{root}/{range_id}/seed{seed}"
        for range_id in (range_ids or DIVISION_RANGE_IDS[range_set])
        for seed in (seeds or DIVISION_SEEDS)
    ]


def division_train_arguments(wildcards):
    """Everything that decides a block's numbers, as a shell-quoted argument string (a param, so
    editing one experiment retrains only its blocks; threads are left out: speed, not numbers)."""
    experiment = DIVISION_EXPERIMENTS[wildcards.experiment]
    blocks = _division_blocks_of(wildcards.experiment)
    if wildcards.block not in blocks:
        raise WorkflowError(f"experiment {wildcards.experiment} has no block {wildcards.block}")
    range_ids, seeds = blocks[wildcards.block]
    pairs = DIVISION_RANGES[experiment["ranges"]]
    arguments = [
        "--preset", experiment["preset"],
        "--op", experiment["op"],
        "--input-size", str(experiment["input_size"]),
        "--iterations", str(division_iterations(wildcards.experiment)),
        "--log-interval", str(DIVISION_CONFIG["log_interval"]),
        "--seeds", seed_list(seeds),
        "--device", config["device"],
    ]  # fmt: skip
    for key, value in sorted(experiment["task"].items()):
        arguments += [DIVISION_TASK_FLAGS[key], str(value)]
    for range_id in range_ids:
        arguments += [
            "--range-id", range_id,
            "--interpolation-range", pairs[range_id]["interpolation"],
            "--extrapolation-range", pairs[range_id]["extrapolation"],
            "--distribution", pairs[range_id].get("distribution", "uniform"),
        ]  # fmt: skip
    return shlex.join(arguments + set_flags(experiment["set"]))


def division_block_metrics(wildcards):
    range_ids, seeds = _division_blocks_of(wildcards.experiment)[wildcards.block]
    return " ".join(f"{run}/metrics.csv" for run in division_run_dirs(wildcards.experiment, range_ids, seeds))


def division_train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: a generous estimate, doubled per retry."""
    range_ids, seeds = _division_blocks_of(wildcards.experiment)[wildcards.block]
    size = DIVISION_EXPERIMENTS[wildcards.experiment]["input_size"]
    run_iterations = len(range_ids) * len(seeds) * division_iterations(wildcards.experiment) * max(1, size // 2)
    return attempt * (10 + run_iterations // 300_000)


def _division_block_work(wildcards):
    """Runs x iterations x input size of a training block: what its cost scales with."""
    range_ids, seeds = _division_blocks_of(wildcards.experiment)[wildcards.block]
    size = DIVISION_EXPERIMENTS[wildcards.experiment]["input_size"]
    return len(range_ids) * len(seeds) * division_iterations(wildcards.experiment) * size


DIVISION_STEP_COST = read_paper_yaml("division", "step_costs.yaml")["per_run_iteration_input"]


def division_train_priority(wildcards):
    """A training job's Snakemake priority: its estimated CPU seconds (runs x iterations x input size
    x the measured cost of `step_costs.yaml`), so that the I = 10, 100,000-iteration blocks start
    before the short ones and none is left to run alone at the end. The Primer's unit. Order only:
    the bytes are the same."""
    return max(1, round(_division_block_work(wildcards) * DIVISION_STEP_COST / 1000))


def division_train_mem_mb(wildcards, threads, attempt):
    """MB for a cluster's memory limit; each worker process beyond the first holds its own torch
    (as primer_train_mem_mb)."""
    range_ids, seeds = _division_blocks_of(wildcards.experiment)[wildcards.block]
    return attempt * (1000 + 8 * len(range_ids) * len(seeds) + 500 * (threads - 1))


def division_train_threads(wildcards):
    """Cores of a training job (`nalm train --threads`: parallel sub-blocks, the same bytes): every
    core Snakemake has (-c), up to `division.train_threads.max`, for a block whose runs x iterations
    x input size reach `division.train_threads.min_cost` on the CPU (the I = 10, 100,000-iteration
    experiments); 1 for cheaper blocks, which run side by side. No param: -c reruns nothing."""
    setting = DIVISION_CONFIG["train_threads"]
    if config["device"] != "cpu" or _division_block_work(wildcards) < setting["min_cost"]:
        return 1
    cores = workflow.cores if isinstance(workflow.cores, int) else setting["max"]
    return max(1, min(setting["max"], cores))


def division_manifests(wildcards):
    return [
        DIVISION_PATHS["manifest"].format(experiment=wildcards.experiment, block=block)
        for block in _division_blocks_of(wildcards.experiment)
    ]


def _division_figure_experiments(figure):
    return [entry["experiment"] for entry in DIVISION_FIGURES[figure]["series"]]


def division_figure_tables(wildcards):
    return [DIVISION_PATHS["table"].format(experiment=e) for e in _division_figure_experiments(wildcards.figure)]


def division_table_flags(wildcards):
    return shlex.join(
        [flag for e in _division_figure_experiments(wildcards.figure) for flag in ("--table", f"{e}={DIVISION_PATHS['table'].format(experiment=e)}")]
    )


def division_figure_caption_lines(wildcards):
    """One line per series of a figure, for its report caption."""
    lines = []
    cap = DIVISION_CONFIG["iteration_cap"]
    for entry in DIVISION_FIGURES[wildcards.figure]["series"]:
        e = DIVISION_EXPERIMENTS[entry["experiment"]]
        capped = f" (capped at {cap})" if cap else ""
        extra = f", set {e['set']}" if e["set"] else ""
        lines.append(f"``{entry['label']}``: {e['preset']}, {e['op']}, I={e['input_size']}, {e['iterations']} iterations{capped}{extra}")
    return lines
