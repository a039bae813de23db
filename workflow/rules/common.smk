# Config -> targets: validation, the experiment table, training blocks and the helpers
# the rules call. Parse-time work stays trivial (cluster jobs re-parse this file): no
# imports of nalm or torch, no scanning of results/.

import json
import shlex

import jsonschema
import yaml
from snakemake.exceptions import WorkflowError


def _config_key(path):
    return ".".join(str(part) for part in path) or "(top level)"


def validate_config(config, schema_path):
    """Check the config against the schema and its cross-references; one clear error."""
    with open(schema_path) as handle:
        schema = yaml.safe_load(handle)
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        path, message = list(error.absolute_path), error.message
        if error.validator == "additionalProperties" and "properties" in error.schema:
            known = error.schema["properties"]
            path.append(sorted(set(error.instance) - set(known))[0])
            message = f"unknown key (expected one of: {', '.join(known)})"
        elif error.validator == "required":
            missing = [key for key in error.validator_value if key not in error.instance]
            path.append(missing[0])
            message = "missing"
        raise WorkflowError(
            f"bad config key '{_config_key(path)}': {message} (see config/README.md)"
        )
    for range_id in config["range_ids"]:
        if range_id not in config["ranges"]:
            raise WorkflowError(
                f"bad config key 'range_ids': {range_id!r} is not defined under 'ranges' "
                f"(defined: {', '.join(config['ranges'])})"
            )
    for name, figure in config["figures"].items():
        for experiment in figure["experiments"]:
            if experiment not in config["experiments"]:
                raise WorkflowError(
                    f"bad config key 'figures.{name}.experiments': unknown experiment "
                    f"{experiment!r} (not defined under 'experiments')"
                )
    config.setdefault("device", "cpu")
    config.setdefault("iteration_cap", None)
    config["thresholds"].setdefault("seed", 1234)
    for experiment in config["experiments"].values():
        experiment.setdefault("set", {})
        experiment.setdefault("revision", 0)


validate_config(config, workflow.source_path("../schemas/config.schema.yaml"))

EXPERIMENTS = config["experiments"]
FIGURES = config["figures"]
RANGE_IDS = list(config["range_ids"])
SEEDS = list(
    range(config["seeds"]["first"], config["seeds"]["first"] + config["seeds"]["count"])
)


wildcard_constraints:
    experiment=r"[A-Za-z0-9][A-Za-z0-9_-]*",
    block=r"[A-Za-z0-9_+-]+_s[0-9]+(-[0-9]+)?",
    figure=r"fig[0-9]+_[A-Za-z0-9_]+",


# ---------------------------------------------------------------- training blocks


def _chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


def _block_id(range_ids, seeds):
    ranges = "+".join(range_ids)
    seed_span = str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"
    return f"{ranges}_s{seed_span}"


def _make_blocks():
    """Block id -> (range ids, seeds): the config's range pairs and seeds, cut into blocks."""
    blocks = {}
    for range_chunk in _chunks(RANGE_IDS, config["block"]["ranges"]):
        for seed_chunk in _chunks(SEEDS, config["block"]["seeds"]):
            blocks[_block_id(range_chunk, seed_chunk)] = (range_chunk, seed_chunk)
    return blocks


BLOCKS = _make_blocks()


def block_manifest(experiment, block):
    return f"results/runs/{experiment}/blocks/{block}.txt"


def experiment_manifests(wildcards):
    return [block_manifest(wildcards.experiment, block) for block in BLOCKS]


def run_dirs(experiment, range_ids=None, seeds=None):
    return [
        f"results/runs/{experiment}/{range_id}/seed{seed}"
        for range_id in (range_ids or RANGE_IDS)
        for seed in (seeds or SEEDS)
    ]


def _seed_list(seeds):
    if seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return ",".join(str(seed) for seed in seeds)


def iterations(experiment):
    cap = config["iteration_cap"]
    wanted = EXPERIMENTS[experiment]["iterations"]
    return wanted if cap is None else min(wanted, cap)


def _set_flags(values):
    # JSON is valid YAML, which is what `--set key=value` parses; no spaces, stable order.
    return [
        f"{key}={json.dumps(value, separators=(',', ':'))}"
        for key, value in sorted(values.items())
    ]


def train_arguments(wildcards):
    """Everything that decides a block's numbers, as a shell-quoted argument string.

    It is a param, so Snakemake's params trigger reruns exactly the blocks whose
    experiment (or range pair, seeds, iterations) changed. Threads are left out on
    purpose: they change speed, not numbers.
    """
    experiment = EXPERIMENTS[wildcards.experiment]
    range_ids, seeds = BLOCKS[wildcards.block]
    arguments = [
        "--preset", experiment["preset"],
        "--op", experiment["op"],
        "--input-size", str(experiment["input_size"]),
        "--iterations", str(iterations(wildcards.experiment)),
        "--log-interval", str(config["log_interval"]),
        "--seeds", _seed_list(seeds),
        "--device", config["device"],
    ]  # fmt: skip
    for range_id in range_ids:
        pair = config["ranges"][range_id]
        arguments += [
            "--range-id", range_id,
            "--interpolation-range", pair["interpolation"],
            "--extrapolation-range", pair["extrapolation"],
        ]  # fmt: skip
    for flag in _set_flags(experiment["set"]):
        arguments += ["--set", flag]
    return shlex.join(arguments)


def train_revision(wildcards):
    return EXPERIMENTS[wildcards.experiment]["revision"]


def block_metrics(wildcards):
    """The metrics.csv of every run of the block (written last: the run is complete)."""
    range_ids, seeds = BLOCKS[wildcards.block]
    return " ".join(
        f"{run}/metrics.csv" for run in run_dirs(wildcards.experiment, range_ids, seeds)
    )


def train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: a generous estimate, doubled per retry."""
    range_ids, seeds = BLOCKS[wildcards.block]
    run_iterations = len(range_ids) * len(seeds) * iterations(wildcards.experiment)
    return attempt * (10 + run_iterations // 1_000_000)


def train_mem_mb(wildcards, attempt):
    range_ids, seeds = BLOCKS[wildcards.block]
    return attempt * (1000 + 4 * len(range_ids) * len(seeds))


# ---------------------------------------------------------------- export, figures


def export_run_dirs(wildcards):
    return " ".join(run_dirs(wildcards.experiment))


def figure_tables(wildcards):
    return [
        f"results/tables/{experiment}.csv"
        for experiment in FIGURES[wildcards.figure]["experiments"]
    ]


def figure_id(wildcards):
    return FIGURES[wildcards.figure]["figure"]


def threshold_cases(wildcards):
    """`nalm thresholds` options for exactly the cases a figure needs (ops x sizes x ranges)."""
    experiments = [EXPERIMENTS[name] for name in FIGURES[wildcards.figure]["experiments"]]
    ops = sorted({experiment["op"] for experiment in experiments})
    sizes = sorted({experiment["input_size"] for experiment in experiments})
    return shlex.join(
        [
            "--ops", ",".join(ops),
            "--input-sizes", ",".join(str(size) for size in sizes),
            "--ranges", ",".join(RANGE_IDS),
        ]
    )  # fmt: skip


def figure_targets():
    return [f"results/figures/{name}.pdf" for name in FIGURES]
