# The Primer's config section, experiment table, blocks, output paths and the input functions
# of its rules (workflow/rules/primer.smk).

PRIMER_CONFIG = paper_section("primer")
PRIMER_RANGES = read_paper_yaml("primer", "ranges.yaml")
PRIMER_FIGURES = read_paper_yaml("primer", "figures.yaml")

#: every path the Primer's rules write, defined once
PRIMER_PATHS = {
    "thresholds": "results/thresholds/{figure}.csv",
    "runs": "results/runs/{experiment}",
    "manifest": "results/runs/{experiment}/blocks/{block}.txt",
    "retrain": "results/runs/{experiment}/blocks/{block}.retrain{n}.txt",
    "table": "results/tables/{experiment}.csv",
    "summary": "results/summaries/{figure}.csv",
    "figure": "results/figures/{figure}.pdf",
    "plot_data": "results/figures/{figure}_plot_data.csv",
    "latex": "results/figures/{figure}.tex",
}
PRIMER_WILDCARDS = {
    "experiment": r"[A-Za-z0-9][A-Za-z0-9_-]*",
    "block": r"[A-Za-z0-9_+-]+_s[0-9]+(-[0-9]+)?",
    "figure": r"fig[0-9]+_[A-Za-z0-9_]+",
}
check_result_paths(PRIMER_PATHS.values())


def _known_presets():
    """Preset name -> its ops, from every paper package's presets.yaml."""
    presets = {}
    for path in sorted(PAPER_DATA.glob("*/presets.yaml")):
        with open(path) as handle:
            for name, preset in (yaml.safe_load(handle) or {}).items():
                presets[name] = preset.get("ops", ["add", "sub", "mul", "div"])
    return presets


def _primer_experiments():
    """The paper's experiment table (schema-checked), with the config's overrides applied."""
    experiments, presets = {}, _known_presets()
    schema = SCHEMAS / "primer_experiments.schema.yaml"
    for row in read_paper_table("primer", "experiments.tsv"):
        where = ("nalm/papers/primer/experiments.tsv", row["experiment"])
        try:
            experiment = {
                "preset": row["preset"], "op": row["op"], "input_size": int(row["input_size"]),
                "iterations": int(row["iterations"]), "set": json.loads(row["set"]) if row["set"] else {},
            }  # fmt: skip
        except (TypeError, ValueError) as error:
            raise WorkflowError(f"{'.'.join(where)}: unreadable row ({error})") from None
        experiments[row["experiment"]] = validate(experiment, schema, where)
        check_hyperparameters(experiment["set"], (*where, "set"))
    for name, override in PRIMER_CONFIG["experiments"].items():
        if name not in experiments:
            raise config_error(f"primer.experiments.{name}", "unknown experiment (not in nalm/papers/primer/experiments.tsv)")
        check_hyperparameters(override.get("set", {}), ("primer", "experiments", name, "set"))
        experiment = experiments[name]
        experiment["set"] = {**experiment["set"], **override.get("set", {})}
        experiment["iterations"] = override.get("iterations", experiment["iterations"])
        experiment["revision"] = override["revision"]
    for name, experiment in experiments.items():
        ops = presets.get(experiment["preset"])
        if ops is None or experiment["op"] not in ops:
            raise WorkflowError(
                f"nalm/papers/primer/experiments.tsv: experiment {name}: preset {experiment['preset']!r} is not "
                f"defined for op {experiment['op']!r} (nalm/papers/*/presets.yaml: "
                + (f"ops {', '.join(ops)})" if ops else "no such preset)")
            )
    return experiments


PRIMER_EXPERIMENTS = _primer_experiments()
PRIMER_RANGE_IDS = list(PRIMER_CONFIG["range_ids"])
for _range_id in PRIMER_RANGE_IDS:
    if _range_id not in PRIMER_RANGES:
        raise config_error(
            "primer.range_ids", f"{_range_id!r} is not a range pair of nalm/papers/primer/ranges.yaml ({', '.join(PRIMER_RANGES)})"
        )
for _range_id, _pair in PRIMER_RANGES.items():
    for _side in ("interpolation", "extrapolation"):
        check_range(f"nalm/papers/primer/ranges.yaml {_range_id}.{_side}", _pair.get(_side))
PRIMER_SEEDS = list(
    range(PRIMER_CONFIG["seeds"]["first"], PRIMER_CONFIG["seeds"]["first"] + PRIMER_CONFIG["seeds"]["count"])
)
if PRIMER_SEEDS[-1] > 2**32 - 1:  # `nalm train --seeds`: numpy's RandomState takes 0 .. 2**32 - 1
    raise config_error("primer.seeds", f"first + count - 1 = {PRIMER_SEEDS[-1]}: seeds are 0 .. {2**32 - 1}")
for _figure, _definition in PRIMER_FIGURES.items():
    if not re.fullmatch(PRIMER_WILDCARDS["figure"], _figure):
        raise WorkflowError(f"nalm/papers/primer/figures.yaml: figure {_figure!r} does not match {PRIMER_WILDCARDS['figure']}")
    for _entry in _definition["series"]:
        _name = _entry["experiment"] if isinstance(_entry, dict) else _entry
        if _name not in PRIMER_EXPERIMENTS:
            raise WorkflowError(f"nalm/papers/primer/figures.yaml: figure {_figure} shows {_name!r}, not an experiment of experiments.tsv")
# Only the figures and experiments the paper package defines are targets: `fig99_add.pdf` is
# "no rule to produce" it at planning, not a KeyError in an input function.
PRIMER_WILDCARDS["figure"] = "|".join(re.escape(name) for name in PRIMER_FIGURES)
PRIMER_WILDCARDS["experiment"] = "|".join(re.escape(name) for name in PRIMER_EXPERIMENTS)


def _primer_block_id(range_ids, seeds):
    seed_span = str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"
    return f"{'+'.join(range_ids)}_s{seed_span}"


#: block id -> (range ids, seeds): the config's range pairs and seeds, cut into training jobs
PRIMER_BLOCKS = {
    _primer_block_id(range_chunk, seed_chunk): (range_chunk, seed_chunk)
    for range_chunk in chunks(PRIMER_RANGE_IDS, PRIMER_CONFIG["block"]["ranges"])
    for seed_chunk in chunks(PRIMER_SEEDS, PRIMER_CONFIG["block"]["seeds"])
}


def _figure_experiments(figure):
    return [entry["experiment"] if isinstance(entry, dict) else entry for entry in PRIMER_FIGURES[figure]["series"]]


def primer_targets():
    return [PRIMER_PATHS["figure"].format(figure=figure) for figure in PRIMER_FIGURES]


PAPER_TARGETS["primer"] = primer_targets


# ---------------------------------------------------------------- input functions


def primer_iterations(experiment):
    cap = PRIMER_CONFIG["iteration_cap"]
    wanted = PRIMER_EXPERIMENTS[experiment]["iterations"]
    return wanted if cap is None else min(wanted, cap)


def primer_run_dirs(experiment, range_ids=None, seeds=None):
    root = PRIMER_PATHS["runs"].format(experiment=experiment)
    return [f"{root}/{range_id}/seed{seed}" for range_id in (range_ids or PRIMER_RANGE_IDS) for seed in (seeds or PRIMER_SEEDS)]


def primer_train_arguments(wildcards):
    """Everything that decides a block's numbers, as a shell-quoted argument string.

    It is a param, so Snakemake's params trigger reruns exactly the blocks whose experiment
    (or range pair, seeds, iterations) changed. Threads are left out on purpose: they change
    speed, not numbers.
    """
    experiment = PRIMER_EXPERIMENTS[wildcards.experiment]
    range_ids, seeds = PRIMER_BLOCKS[wildcards.block]
    arguments = [
        "--preset", experiment["preset"],
        "--op", experiment["op"],
        "--input-size", str(experiment["input_size"]),
        "--iterations", str(primer_iterations(wildcards.experiment)),
        "--log-interval", str(PRIMER_CONFIG["log_interval"]),
        "--seeds", seed_list(seeds),
        "--device", config["device"],
    ]  # fmt: skip
    for range_id in range_ids:
        arguments += [
            "--range-id", range_id,
            "--interpolation-range", PRIMER_RANGES[range_id]["interpolation"],
            "--extrapolation-range", PRIMER_RANGES[range_id]["extrapolation"],
        ]  # fmt: skip
    return shlex.join(arguments + set_flags(experiment["set"]))


def primer_manifest(wildcards):
    return PRIMER_PATHS["manifest"].format(experiment=wildcards.experiment, block=wildcards.block)


def primer_train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: a generous estimate, doubled per retry."""
    range_ids, seeds = PRIMER_BLOCKS[wildcards.block]
    run_iterations = len(range_ids) * len(seeds) * primer_iterations(wildcards.experiment)
    return attempt * (10 + run_iterations // 1_000_000)


def primer_train_mem_mb(wildcards, threads, attempt):
    """MB for a cluster's memory limit: each worker process beyond the first (`threads`) holds its
    own torch (a 225-run block of input size 100 peaks at 724 MB in one process, 512 MB in each
    of two: benchmarks/workers_speedup.py)."""
    range_ids, seeds = PRIMER_BLOCKS[wildcards.block]
    return attempt * (1000 + 4 * len(range_ids) * len(seeds) + 500 * (threads - 1))


def primer_train_cost(experiment, block):
    """A block's training cost estimate: runs x iterations x input size (the width of its tensors)."""
    range_ids, seeds = PRIMER_BLOCKS[block]
    return len(range_ids) * len(seeds) * primer_iterations(experiment) * PRIMER_EXPERIMENTS[experiment]["input_size"]


PRIMER_STEP_COSTS = read_paper_yaml("primer", "step_costs.yaml")
#: the relative step cost of a preset step_costs.yaml does not list
PRIMER_MEAN_STEP_COST = sum(PRIMER_STEP_COSTS.values()) / len(PRIMER_STEP_COSTS)


#: runs x iterations x input size of the block that step_costs.yaml's seconds were measured on
PRIMER_STEP_COST_BLOCK = 225 * 50_000 * 2


def primer_train_priority(wildcards):
    """A training job's Snakemake priority: its estimated CPU seconds on one thread (the block's
    runs x iterations x input size, in units of step_costs.yaml's 225 x 50,000 x 2 block, times its
    preset's seconds there), so that the scheduler starts the longest jobs first. Started last, a
    long job runs alone at the end while the other core idles (figure 14's iNALU job did so for
    three minutes). Every paper's training priority is in these units (CPU seconds), so the
    order holds across papers. Order only: the bytes are the same."""
    preset = PRIMER_EXPERIMENTS[wildcards.experiment]["preset"]
    blocks = primer_train_cost(wildcards.experiment, wildcards.block) / PRIMER_STEP_COST_BLOCK
    return max(1, round(blocks * PRIMER_STEP_COSTS.get(preset, PRIMER_MEAN_STEP_COST)))


def primer_train_threads(wildcards):
    """Cores of a training job (`nalm train --threads`: parallel sub-blocks, the same bytes): every
    core Snakemake has (-c), up to `primer.train_threads.max`, for a block that costs at least
    `primer.train_threads.min_cost` on the CPU (figures 18-20's experiments); 1 for cheaper blocks,
    which run side by side. Threads are no param: changing -c reruns nothing."""
    setting = PRIMER_CONFIG["train_threads"]
    if config["device"] != "cpu" or primer_train_cost(wildcards.experiment, wildcards.block) < setting["min_cost"]:
        return 1
    cores = workflow.cores if isinstance(workflow.cores, int) else setting["max"]
    return max(1, min(setting["max"], cores))


def primer_manifests(wildcards):
    """Every block's manifest, and the retrain markers of its blocks (`repair_markers`): a block
    whose runs were deleted or truncated after training (its manifest no longer matches the disk,
    checked by size: one stat per run file) gets a new marker, which `primer_retrain` makes by
    training the block again. Damage that keeps every size is found by `nalm export`'s own checks."""
    inputs = []
    for block in PRIMER_BLOCKS:
        manifest = PRIMER_PATHS["manifest"].format(experiment=wildcards.experiment, block=block)
        damage = block_damage(manifest)
        if damage is not None:
            report_damage(manifest, damage)
        inputs += [manifest, *repair_markers(manifest, damage)]
    return inputs


def primer_figure_caption_lines(wildcards):
    """One line per experiment of a figure, for its report caption."""
    lines = []
    for name in _figure_experiments(wildcards.figure):
        e = PRIMER_EXPERIMENTS[name]
        capped = " (capped at %s)" % PRIMER_CONFIG["iteration_cap"] if PRIMER_CONFIG["iteration_cap"] else ""
        extra = f", set {e['set']}" if e["set"] else ""
        lines.append(f"``{name}``: {e['preset']}, {e['op']}, I={e['input_size']}, {e['iterations']} iterations{capped}{extra}")
    return lines


def primer_figure_tables(wildcards):
    return [PRIMER_PATHS["table"].format(experiment=e) for e in _figure_experiments(wildcards.figure)]


def primer_threshold_cases(wildcards):
    """`nalm thresholds` options for exactly the cases a figure needs (ops x sizes x ranges)."""
    experiments = [PRIMER_EXPERIMENTS[name] for name in _figure_experiments(wildcards.figure)]
    ops = sorted({experiment["op"] for experiment in experiments})
    sizes = sorted({experiment["input_size"] for experiment in experiments})
    return shlex.join(
        [
            "--ops", ",".join(ops),
            "--input-sizes", ",".join(str(size) for size in sizes),
            "--ranges", ",".join(PRIMER_RANGE_IDS),
        ]
    )  # fmt: skip
