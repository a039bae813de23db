# Neural Turing Machine tasks (kdexd/ntm-pytorch): config section, training blocks, output paths
# and the input functions of its rules (workflow/rules/ntm.smk). The tasks' facts are
# nalm/papers/ntm/'s; the repository's trained models are tests/fixtures/ntm/'s.

NTM_CONFIG = paper_section("ntm")
# the --set values every ntm-train gets, typed as `nalm train --set` types them, before any job
check_hyperparameters(NTM_CONFIG["training"], ("ntm", "training"))
NTM_REPOSITORY = Path(workflow.basedir).parent
#: the repository's trained weights (exported once from its saved_models/*.pt) and its copy curves
NTM_ORIGINAL_MODEL = str(NTM_REPOSITORY / "tests" / "fixtures" / "ntm" / "ntm_original_{task}.npz")
NTM_ORIGINAL_COPY_WINDOWS = str(NTM_REPOSITORY / "tests" / "validation" / "ntm_original_copy_windows.csv")

#: every path the NTM rules write, defined once
NTM_PATHS = {
    "runs": "results/runs/ntm",
    "run": "results/runs/ntm/{task}/seed{seed}",
    "manifest": "results/runs/ntm/{task}/blocks/{block}.txt",
    "table": "results/tables/ntm/{task}_generalisation.csv",
    "curve": "results/figures/ntm/{task}_learning_curve.pdf",
    "curve_data": "results/figures/ntm/{task}_learning_curve_plot_data.csv",
    "generalisation": "results/figures/ntm/{task}_generalisation.pdf",
    "generalisation_data": "results/figures/ntm/{task}_generalisation_plot_data.csv",
    "bitmaps": "results/figures/ntm/{task}_bitmaps.pdf",
    "bitmaps_data": "results/figures/ntm/{task}_bitmaps_plot_data.csv",
    "copy_vs_original": "results/figures/ntm/copy_vs_original.pdf",
    "copy_vs_original_data": "results/figures/ntm/copy_vs_original_plot_data.csv",
}
NTM_WILDCARDS = {
    "task": "copy|repeatcopy|associative|prioritysort",
    "block": r"s[0-9]+(-[0-9]+)?",
}
NTM_SEEDS = list(range(NTM_CONFIG["seeds"]["first"], NTM_CONFIG["seeds"]["first"] + NTM_CONFIG["seeds"]["count"]))
#: block id -> seeds: the seeds of a task cut into training jobs (each one program)
NTM_BLOCKS = {
    (f"s{chunk[0]}" if len(chunk) == 1 else f"s{chunk[0]}-{chunk[-1]}"): chunk
    for chunk in chunks(NTM_SEEDS, NTM_CONFIG["block_seeds"] or len(NTM_SEEDS))
}


def ntm_targets():
    targets = []
    for task in NTM_CONFIG["tasks"]:
        targets += [NTM_PATHS[kind].format(task=task) for kind in ("curve", "generalisation", "bitmaps")]
    if "copy" in NTM_CONFIG["tasks"]:
        targets.append(NTM_PATHS["copy_vs_original"])
    return targets


PAPER_TARGETS["ntm"] = ntm_targets


# ---------------------------------------------------------------- input functions


def ntm_run_dirs(task):
    return [NTM_PATHS["run"].format(task=task, seed=seed) for seed in NTM_SEEDS]


def ntm_task_manifests(task):
    return [NTM_PATHS["manifest"].format(task=task, block=block) for block in NTM_BLOCKS]


def ntm_manifests(wildcards):
    return ntm_task_manifests(wildcards.task)


def ntm_train_arguments(wildcards):
    """Everything that decides a block's numbers, as a shell-quoted string (a param: a change reruns it)."""
    task = wildcards.task
    arguments = [
        "--task", task,
        "--seeds", seed_list(NTM_BLOCKS[wildcards.block]),
        "--iterations", str(NTM_CONFIG["iterations"][task]),
        "--log-interval", str(NTM_CONFIG["log_interval"]),
        "--batch-size", str(NTM_CONFIG["batch_size"]),
        "--task-variant", NTM_CONFIG["task_variants"].get(task, "repository"),
        "--network-variant", NTM_CONFIG["network_variant"],
        "--device", config["device"],
    ]  # fmt: skip
    return shlex.join(arguments + set_flags(NTM_CONFIG["training"]))


def ntm_block_metrics(wildcards):
    seeds = NTM_BLOCKS[wildcards.block]
    return " ".join(f"{NTM_PATHS['run'].format(task=wildcards.task, seed=seed)}/metrics.csv" for seed in seeds)


#: CPU seconds per run-iteration at batch 1 on a 2-core machine (benchmarks/ntm_throughput.py), generous
_NTM_SECONDS = {"copy": 0.03, "repeatcopy": 0.06, "associative": 0.03, "prioritysort": 0.25}


def _ntm_block_seconds(wildcards):
    """Estimated CPU seconds of a training block: seeds x batch x iterations x the task's seconds."""
    seeds = len(NTM_BLOCKS[wildcards.block])
    return _NTM_SECONDS[wildcards.task] * NTM_CONFIG["batch_size"] * seeds * NTM_CONFIG["iterations"][wildcards.task]


def ntm_train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: a generous estimate, doubled per retry."""
    return attempt * (10 + int(_ntm_block_seconds(wildcards) / 60))


def ntm_train_priority(wildcards):
    """A training job's Snakemake priority: its estimated CPU seconds (seeds x batch x iterations x
    the task's seconds per run-iteration above, an upper estimate), so that the longest task's
    blocks start first. The Primer's unit. Order only: the bytes are the same."""
    return max(1, round(_ntm_block_seconds(wildcards)))


def ntm_train_mem_mb(wildcards, attempt):
    return attempt * (1500 + 200 * len(NTM_BLOCKS[wildcards.block]) * NTM_CONFIG["batch_size"])
