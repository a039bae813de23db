# The NALU paper's config section, training blocks, output paths and the input functions of its
# rules (workflow/rules/nalu.smk). The experiments' constants, the two settings and the published
# numbers are the paper package's (nalm/papers/nalu/).

NALU_CONFIG = paper_section("nalu")
NALU_EXPERIMENTS = read_paper_yaml("nalu", "experiments.yaml")
NALU_SETTINGS = read_paper_yaml("nalu", "settings.yaml")
NALU_FIGURES = read_paper_yaml("nalu", "figures.yaml")

#: every path the NALU paper's rules write, defined once
NALU_PATHS = {
    "identity_runs": "results/runs/nalu/identity/{block}.csv",
    "static_runs": "results/runs/nalu/{setting}/static/{model}_{block}.csv",
    "language_runs": "results/runs/nalu/language/{run}.csv",
    "language_predictions": "results/runs/nalu/language/{run}_predictions.csv",
    "identity_figure": f"results/figures/nalu/{NALU_FIGURES['identity']['file']}.pdf",
    "identity_data": f"results/figures/nalu/{NALU_FIGURES['identity']['file']}_plot_data.csv",
    "static_table": "results/tables/nalu/static_{column}_{setting}.csv",
    "static_latex": "results/tables/nalu/static_{column}_{setting}.tex",
    "language_table": "results/tables/nalu/language_{setting}.csv",
    "language_latex": "results/tables/nalu/language_{setting}.tex",
    "language_figure": "results/figures/nalu/language_predictions_{setting}.pdf",
    "language_data": "results/figures/nalu/language_predictions_{setting}_plot_data.csv",
}
NALU_WILDCARDS = {
    "setting": "reproduction|paper",
    "column": "interpolation|extrapolation",
    "model": "[a-z0-9]+",
    "block": r"[a-z]+[0-9]+(-[0-9]+)?",
    "run": r"[A-Za-z0-9-]+",
}
NALU_SEEDS = list(range(NALU_CONFIG["seeds"]["first"], NALU_CONFIG["seeds"]["first"] + NALU_CONFIG["seeds"]["count"]))
NALU_ACTIVATIONS = NALU_EXPERIMENTS["identity"]["activations"]
NALU_FUNCTIONS = list(NALU_EXPERIMENTS["static"]["functions"])

#: block id -> activations (each job trains all their models as one program)
NALU_IDENTITY_BLOCKS = {
    f"a{k * NALU_CONFIG['identity']['block_activations']}": chunk
    for k, chunk in enumerate(chunks(NALU_ACTIVATIONS, NALU_CONFIG["identity"]["block_activations"]))
}
#: block id -> functions of one static training job (all seeds)
NALU_STATIC_BLOCKS = {
    f"f{k * NALU_CONFIG['static']['block_functions']}": chunk
    for k, chunk in enumerate(chunks(NALU_FUNCTIONS, NALU_CONFIG["static"]["block_functions"]))
}


def _nalu_language_run(setting, model):
    """The run file of a language model: one per distinct network, so that a model both settings
    define alike (LSTM + Linear) trains once and serves both tables."""
    definition = NALU_SETTINGS[setting]["language"]["models"][model]
    measured = definition.get("measured_init") and NALU_CONFIG["language"]["nac_initialisation"] == "measured"
    return definition["network"] + ("-measured" if measured else "")


#: language run file -> (setting that trains it, model id)
NALU_LANGUAGE_RUNS = {}
for _setting in NALU_CONFIG["settings"]:
    for _model in NALU_SETTINGS[_setting]["language"]["models"]:
        NALU_LANGUAGE_RUNS.setdefault(_nalu_language_run(_setting, _model), (_setting, _model))


def nalu_targets():
    targets = [NALU_PATHS["identity_figure"]]
    for setting in NALU_CONFIG["settings"]:
        targets += [NALU_PATHS["static_table"].format(column=column, setting=setting)
                    for column in NALU_FIGURES["static"]["columns"]]
        targets += [NALU_PATHS["language_table"].format(setting=setting),
                    NALU_PATHS["language_figure"].format(setting=setting)]
    return targets


PAPER_TARGETS["nalu"] = nalu_targets


# ---------------------------------------------------------------- input functions


def nalu_identity_arguments(wildcards):
    """Everything that decides an identity block's numbers (a param: a change reruns it)."""
    identity = NALU_CONFIG["identity"]
    seeds = list(range(NALU_CONFIG["seeds"]["first"], NALU_CONFIG["seeds"]["first"] + identity["models"]))
    return shlex.join([
        "--activations", ",".join(NALU_IDENTITY_BLOCKS[wildcards.block]),
        "--seeds", seed_list(seeds),
        "--iterations", str(identity["iterations"]),
        "--device", config["device"],
    ])  # fmt: skip


def nalu_identity_runs(wildcards):
    return [NALU_PATHS["identity_runs"].format(block=block) for block in NALU_IDENTITY_BLOCKS]


def nalu_static_arguments(wildcards):
    static = NALU_CONFIG["static"]
    arguments = [
        "--setting", wildcards.setting,
        "--model", wildcards.model,
        "--functions", ",".join(NALU_STATIC_BLOCKS[wildcards.block]),
        "--seeds", seed_list(NALU_SEEDS),
        "--train-samples", str(static["train_samples"]),
        "--iterations", str(static["iterations"]),
        "--nac-initialisation", static["nac_initialisation"],
        "--device", config["device"],
    ]  # fmt: skip
    if static["log_interval"] is not None:
        arguments += ["--log-interval", str(static["log_interval"])]
    return shlex.join(arguments)


def nalu_static_runs(wildcards):
    models = NALU_SETTINGS[wildcards.setting]["static"]["models"]
    return [NALU_PATHS["static_runs"].format(setting=wildcards.setting, model=model, block=block)
            for model in models for block in NALU_STATIC_BLOCKS]


def nalu_static_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: a generous estimate, doubled per retry."""
    static = NALU_CONFIG["static"]
    width = 100 if NALU_SETTINGS[wildcards.setting]["static"]["input"] == "vector" else 2
    work = len(NALU_STATIC_BLOCKS[wildcards.block]) * len(NALU_SEEDS) * static["iterations"] * static["train_samples"] * width
    return attempt * (10 + work // 2_000_000_000)


NALU_STEP_COSTS = read_paper_yaml("nalu", "step_costs.yaml")


def nalu_identity_priority(wildcards):
    """A training job's Snakemake priority: its estimated CPU seconds on one thread, from the
    measured cost of its kind of job (nalm/papers/nalu/step_costs.yaml), so that the scheduler
    starts the longest jobs first and none runs alone at the end while a core idles (the paper
    setting's static NALU did so for seven minutes). The Primer's and the NPU paper's unit. Order
    only: the bytes are the same. Here: models x iterations x the cost per model-iteration."""
    identity = NALU_CONFIG["identity"]
    models = len(NALU_IDENTITY_BLOCKS[wildcards.block]) * identity["models"]
    return max(1, round(models * identity["iterations"] * NALU_STEP_COSTS["identity"] / 1000))


def nalu_static_priority(wildcards):
    """As `nalu_identity_priority`: runs x iterations x the model's cost per run-iteration, which
    grows with the training samples unless the model trains on moment points (`affine`)."""
    static = NALU_CONFIG["static"]
    definition = NALU_SETTINGS[wildcards.setting]["static"]["models"][wildcards.model]
    cost = NALU_STEP_COSTS["static"][wildcards.setting][wildcards.model]
    if not definition.get("affine"):
        cost *= static["train_samples"] / NALU_STEP_COSTS["static_samples"]
    runs = len(NALU_STATIC_BLOCKS[wildcards.block]) * len(NALU_SEEDS)
    return max(1, round(runs * static["iterations"] * cost / 1000))


def nalu_language_priority(wildcards):
    """As `nalu_identity_priority`: seeds x evaluations x the network's cost per run-evaluation."""
    setting, model = NALU_LANGUAGE_RUNS[wildcards.run]
    network = NALU_SETTINGS[setting]["language"]["models"][model]["network"]
    cost = NALU_STEP_COSTS["language"][network]
    return max(1, round(len(NALU_SEEDS) * NALU_CONFIG["language"]["evaluations"] * cost / 1000))


def nalu_language_arguments(wildcards):
    setting, model = NALU_LANGUAGE_RUNS[wildcards.run]
    language = NALU_CONFIG["language"]
    return shlex.join([
        "--setting", setting,
        "--model", model,
        "--seeds", seed_list(NALU_SEEDS),
        "--evaluations", str(language["evaluations"]),
        "--embedding-size", str(language["embedding_size"]),
        "--hidden-size", str(language["hidden_size"]),
        "--nac-initialisation", language["nac_initialisation"],
        "--device", config["device"],
    ])  # fmt: skip


def nalu_language_inputs(kind):
    """The language run files (kind `language_runs` or `language_predictions`) of a setting's models."""

    def inputs(wildcards):
        runs = [_nalu_language_run(wildcards.setting, model) for model in NALU_SETTINGS[wildcards.setting]["language"]["models"]]
        return [NALU_PATHS[kind].format(run=run) for run in runs]

    return inputs
