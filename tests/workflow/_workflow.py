"""Helpers for the workflow tests: run snakemake as a user would, read its job table."""

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "workflow" / "Snakefile"
PAPER_CONFIG = REPO / "config" / "config.yaml"
QUICK_CONFIG = REPO / "config" / "quick.yaml"


def _bin(name):
    """The executable next to this Python (the venv's), else from PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def snakemake(*args, workdir=None, env=None, timeout=600):
    """`snakemake ARGS` from the repository root (or in `workdir` via --directory)."""
    command = [_bin("snakemake"), "--snakefile", str(SNAKEFILE), *args]
    if workdir is not None:
        command += ["--directory", str(workdir)]
    environment = dict(os.environ)
    # The rules call `nalm`: the one installed beside this Python.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(env or {})
    return subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=timeout
    )


def job_counts(output):
    """The `Job stats` table of a (dry) run as {rule: count}; {} when nothing is to be done."""
    match = re.search(r"Job stats:\n.*?\n-+\s+-+\n(.*?)\n\n", output + "\n\n", re.S)
    if not match:
        return {}
    counts = {}
    for line in match.group(1).splitlines():
        name, count = line.split()
        counts[name] = int(count)
    counts.pop("total", None)
    return counts


def load_config(*paths):
    """The config as Snakemake merges it: mappings key by key, everything else replaced."""

    def merge(base, extra):
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                merge(base[key], value)
            else:
                base[key] = value
        return base

    config = {}
    for path in paths:
        merge(config, yaml.safe_load(Path(path).read_text()))
    return config


PRIMER_FIGURES = yaml.safe_load((REPO / "nalm" / "papers" / "primer" / "figures.yaml").read_text())


def figure_experiments(figure):
    """The experiments a Primer figure shows (nalm/papers/primer/figures.yaml)."""
    return [e["experiment"] if isinstance(e, dict) else e for e in PRIMER_FIGURES[figure]["series"]]


def expected_jobs(config, figures):
    """Jobs a clean dry-run of these Primer figures plans, counted from the config alone."""
    primer = config["primer"]
    experiments = {e for figure in figures for e in figure_experiments(figure)}
    blocks_per_experiment = math.ceil(
        len(primer["range_ids"]) / primer["block"]["ranges"]
    ) * math.ceil(primer["seeds"]["count"] / primer["block"]["seeds"])
    return {
        "primer_thresholds": len(figures),
        "primer_train": len(experiments) * blocks_per_experiment,
        "primer_export": len(experiments),
        "primer_summarize": len(figures),
        "primer_plot": len(figures),
    }


def missing_commands(*names):
    """The `nalm` sub-commands not built yet in this checkout."""
    from nalm.cli import build_parser

    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    return [name for name in names if name not in choices]
