# Neural Power Units (Heim, Pevný & Šmídl, NeurIPS 2020): config section, training blocks, output
# paths and the input functions of its rules (workflow/rules/npu.smk). Its facts (models, tasks,
# published numbers) are nalm/papers/npu/'s.

NPU_CONFIG = paper_section("npu")
NPU_LAYERS_PAPER = read_paper_yaml("npu", "layers.yaml")
NPU_ARITHMETIC100_PAPER = read_paper_yaml("npu", "arithmetic100.yaml")
NPU_EXAMPLE_PAPER = read_paper_yaml("npu", "example.yaml")

#: every path the NPU rules write, defined once
NPU_PATHS = {
    "runs": "results/runs/npu/{experiment}",
    "manifest": "results/runs/npu/{experiment}/blocks/{block}.txt",
    "example_figure": "results/figures/npu/npu_example.pdf",
    "example_data": "results/figures/npu/npu_example_plot_data.csv",
    "layers_figure": "results/figures/npu/npu_layers.pdf",
    "layers_data": "results/figures/npu/npu_layers_plot_data.csv",
    "layers_table": "results/tables/npu/layers_error.csv",
    "layers_latex": "results/tables/npu/layers_error.tex",
    "pareto_figure": "results/figures/npu/npu_arithmetic100_pareto.pdf",
    "pareto_data": "results/figures/npu/npu_arithmetic100_pareto_plot_data.csv",
    "arithmetic100_table": "results/tables/npu/arithmetic100_mse.csv",
    "arithmetic100_latex": "results/tables/npu/arithmetic100_test_mse.tex",
}
NPU_WILDCARDS = {
    "experiment": "example|layers|arithmetic100",
    "block": r"[A-Za-z0-9-]+(_[A-Za-z0-9-]+)?",
}


def _npu_seeds(seeds, count=None):
    return list(range(seeds["first"], seeds["first"] + (count or seeds["count"])))


def _npu_blocks():
    """(experiment, block id) -> (model, task, seeds): one training job per model (and task)."""
    blocks = {("example", "NPU-NAU"): ("NPU-NAU", None, [NPU_CONFIG["example"]["seed"]])}
    layers = NPU_CONFIG["layers"]
    for model in layers["models"]:
        blocks[("layers", model)] = (model, None, _npu_seeds(layers["seeds"]))
    arithmetic = NPU_CONFIG["arithmetic100"]
    for task in arithmetic["tasks"]:
        seeds = _npu_seeds(arithmetic["seeds"], arithmetic["task_seed_counts"].get(task))
        for model in arithmetic["models"]:
            blocks[("arithmetic100", f"{task}_{model}")] = (model, task, seeds)
    return blocks


NPU_BLOCKS = _npu_blocks()


def npu_targets():
    groups = NPU_CONFIG["groups"]
    targets = []
    if "example" in groups:
        targets.append(NPU_PATHS["example_figure"])
    if "layers" in groups:
        targets += [NPU_PATHS["layers_figure"], NPU_PATHS["layers_table"]]
    if "arithmetic100" in groups:
        targets += [NPU_PATHS["pareto_figure"], NPU_PATHS["arithmetic100_table"]]
    return targets


PAPER_TARGETS["npu"] = npu_targets


# ---------------------------------------------------------------- input functions


def _npu_out(experiment, task):
    root = NPU_PATHS["runs"].format(experiment=experiment)
    return f"{root}/{task}" if task else root


def npu_block_run_dirs(experiment, block):
    model, task, seeds = NPU_BLOCKS[(experiment, block)]
    return [f"{_npu_out(experiment, task)}/{model}/seed{seed}" for seed in seeds]


def _npu_own_updates(experiment, task, model):
    """The updates a block trains when the config sets none: the experiment's (and, for the
    100-input task, the code's per-model override unless `code_overrides` is off)."""
    if experiment == "arithmetic100":
        own = NPU_ARITHMETIC100_PAPER["tasks"][task]["iterations"]
        if NPU_CONFIG["arithmetic100"]["settings"].get("code_overrides", True):
            own = NPU_ARITHMETIC100_PAPER["code_overrides"].get(model, {}).get(task, {}).get("iterations", own)
        return own
    if experiment == "layers":
        return NPU_LAYERS_PAPER["iterations"]
    return NPU_EXAMPLE_PAPER["training"]["iterations"]


def _npu_updates(experiment, task, model):
    """--updates for a block, or None (the experiment's own)."""
    if experiment == "arithmetic100":
        cap = NPU_CONFIG["arithmetic100"]["update_cap"]
        return None if cap is None else min(_npu_own_updates(experiment, task, model), cap)
    return NPU_CONFIG[experiment]["updates"]


NPU_STEP_COSTS = read_paper_yaml("npu", "step_costs.yaml")
#: per experiment, the cost of a model step_costs.yaml does not list: the mean of those listed
NPU_MEAN_STEP_COSTS = {experiment: sum(costs.values()) / len(costs) for experiment, costs in NPU_STEP_COSTS.items()}


def npu_train_priority(wildcards):
    """A training job's Snakemake priority: its estimated CPU seconds on one thread (runs x updates x
    the model's measured cost per run-update, `step_costs.yaml`), so that the scheduler starts the
    longest jobs (the 100-input task's mult blocks, then its 100,000-update blocks) first and none
    runs alone at the end while a core idles. The same unit as the Primer's priority. Order
    only: the bytes are the same."""
    experiment = wildcards.experiment
    model, task, seeds = NPU_BLOCKS[(experiment, wildcards.block)]
    updates = _npu_updates(experiment, task, model) or _npu_own_updates(experiment, task, model)
    cost = NPU_STEP_COSTS[experiment].get(model, NPU_MEAN_STEP_COSTS[experiment])
    return max(1, round(len(seeds) * updates * cost / 1000))


def npu_train_arguments(wildcards):
    """Everything that decides a block's numbers, shell-quoted (a param: a change retrains it)."""
    if (wildcards.experiment, wildcards.block) not in NPU_BLOCKS:
        raise WorkflowError(f"npu: no training block {wildcards.block!r} of {wildcards.experiment} in this config")
    model, task, seeds = NPU_BLOCKS[(wildcards.experiment, wildcards.block)]
    arguments = [wildcards.experiment, "--model", model, "--seeds", seed_list(seeds),
                 "--log-interval", str(NPU_CONFIG["log_interval"]), "--device", config["device"]]
    if task:
        arguments += ["--task", task]
    updates = _npu_updates(wildcards.experiment, task, model)
    if updates is not None:
        arguments += ["--updates", str(updates)]
    for key, value in sorted(NPU_CONFIG[wildcards.experiment]["settings"].items()):
        arguments += ["--setting", f"{key}={json.dumps(value)}"]
    return shlex.join(arguments)


def npu_block_metrics(wildcards):
    return " ".join(f"{run}/metrics.csv" for run in npu_block_run_dirs(wildcards.experiment, wildcards.block))


def npu_block_out(wildcards):
    model, task, seeds = NPU_BLOCKS[(wildcards.experiment, wildcards.block)]
    return _npu_out(wildcards.experiment, task)


def npu_train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: generous, doubled per retry."""
    model, task, seeds = NPU_BLOCKS[(wildcards.experiment, wildcards.block)]
    return attempt * (30 if wildcards.experiment != "arithmetic100" else 120 + 12 * len(seeds))


def npu_train_mem_mb(wildcards, attempt):
    model, task, seeds = NPU_BLOCKS[(wildcards.experiment, wildcards.block)]
    return attempt * (1500 + 50 * len(seeds))


def npu_manifests(experiment):
    return [NPU_PATHS["manifest"].format(experiment=e, block=b) for e, b in NPU_BLOCKS if e == experiment]


def npu_run_dirs(experiment):
    return " ".join(run for e, b in NPU_BLOCKS if e == experiment for run in npu_block_run_dirs(e, b))
