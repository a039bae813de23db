# What every paper's rules share: config validation (defaults come from the schemas only),
# the registry of papers and their default targets, paper data files, the device, and the
# checks every paper's rules can use before any job (rules/checks.py: range strings, result
# paths blocked by a file, block manifests that no longer match the disk).
# Parse-time work stays trivial (cluster jobs re-parse these files): no imports of nalm or
# torch, no scanning of results/.

import csv
import json
import os
import re
import shlex
import sys

import yaml
from snakemake.exceptions import WorkflowError

#: paper name -> function returning the paper's default targets (filled by rules/<paper>.smk)
PAPER_TARGETS = {}
#: the data files of the paper packages (nalm/papers/<paper>/), read here as plain files
PAPER_DATA = Path(workflow.basedir).parent / "nalm" / "papers"
#: the config schemas: config.schema.yaml (top level), <paper>.schema.yaml per paper section
SCHEMAS = Path(workflow.basedir) / "schemas"


include: "checks.py"


def validate(instance, schema_path, where=()):
    """Check `instance` against a schema, filling in defaults; one clear error naming the key."""
    with open(schema_path) as handle:
        schema = yaml.safe_load(handle)
    problem = config_problem(instance, schema, where)
    if problem is not None:
        raise WorkflowError(f"{problem} (see config/README.md)")
    return instance


def config_error(key, message):
    return WorkflowError(f"bad config key '{key}': {message} (see config/README.md)")


def check_hyperparameters(values, where):
    """A `set:` mapping (config override or paper table) against the hyper-parameter types of
    nalm/core/hyperparameters.py (workflow/schemas/hyperparameters.schema.yaml, generated there)."""
    return validate(values, SCHEMAS / "hyperparameters.schema.yaml", where)


def check_range(where, text):
    """A range string as `nalm train` reads it; one error naming where it is and the value."""
    problem = range_problem(text)
    if problem is not None:
        raise WorkflowError(f"bad range {text!r} at {where}: {problem}")


def check_result_paths(paths):
    """No file stands where the rules must create a directory (e.g. `results/runs` a file)."""
    for path in paths:
        static = path.split("{", 1)[0]
        blocked = blocked_path(f"{static}x")
        if blocked is not None:
            raise WorkflowError(f"{blocked} is a file, but the workflow writes {static}...: move it away")


def block_damage(manifest):
    """What no longer matches between a finished block's manifest and its runs on disk (None if
    nothing or not trained yet): a run file deleted or truncated after training."""
    return manifest_problem(manifest)


def repair_markers(manifest, damage):
    """The block's retrain markers (`<manifest stem>.retrain<n>.txt`): every one that exists, plus
    the next one when the block is damaged. Listing the existing ones keeps an input set stable
    once a block has been repaired, so nothing reruns needlessly; a new number retrains it again."""
    stem = manifest[: -len(".txt")]
    existing = []
    while os.path.exists(f"{stem}.retrain{len(existing) + 1}.txt"):
        existing.append(f"{stem}.retrain{len(existing) + 1}.txt")
    if damage is None:
        return existing
    return existing + [f"{stem}.retrain{len(existing) + 1}.txt"]


_reported_damage = set()


def report_damage(manifest, damage):
    if manifest not in _reported_damage:
        _reported_damage.add(manifest)
        print(f"nalm: {damage} since {manifest} was written: that block is trained again", file=sys.stderr)


onstart:
    # The device is checked where jobs run: here for the local executor (a cluster's submit
    # host may have no GPU while its nodes do), not in dry runs; torch only when cuda is asked.
    if config["device"] == "cuda" and getattr(workflow.executor_plugin, "_name", None) == "local":
        try:
            import torch
        except ImportError:  # jobs use another environment (--use-conda): their nalm train checks
            torch = None
        if torch is not None and not torch.cuda.is_available():
            raise config_error("device", "'cuda', but torch sees no CUDA device on this machine (use device: cpu)")


def paper_section(paper):
    """The config section of `paper`, validated against workflow/schemas/<paper>.schema.yaml."""
    config.setdefault(paper, {})
    if config[paper] is None:
        config[paper] = {}
    return validate(config[paper], SCHEMAS / f"{paper}.schema.yaml", (paper,))


def check_config_sections():
    """After every rules file registered its paper: no unknown top-level key, no unknown paper."""
    known = ["papers", "device", *PAPER_TARGETS]
    for key in config:
        if key not in known:
            raise config_error(key, f"unknown key (expected one of: {', '.join(known)})")
    for paper in config["papers"]:
        if paper not in PAPER_TARGETS:
            raise config_error("papers", f"unknown paper {paper!r} (expected one of: {', '.join(PAPER_TARGETS)})")


def default_targets():
    return [target for paper in config["papers"] for target in PAPER_TARGETS[paper]()]


def read_paper_yaml(paper, filename):
    with open(PAPER_DATA / paper / filename) as handle:
        return yaml.safe_load(handle)


def read_paper_table(paper, filename):
    """A tab-separated table of a paper package ('#' lines are comments) as a list of dicts."""
    with open(PAPER_DATA / paper / filename, newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


def seed_list(seeds):
    """`0-24` for a contiguous list, else `0,3,7`: the form `nalm train --seeds` takes."""
    if seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return ",".join(str(seed) for seed in seeds)


def set_flags(values):
    """`--set key=value` arguments; JSON is valid YAML (what `--set` parses), stable order."""
    flags = []
    for key, value in sorted(values.items()):
        flags += ["--set", f"{key}={json.dumps(value, separators=(',', ':'))}"]
    return flags


validate(config, SCHEMAS / "config.schema.yaml")
