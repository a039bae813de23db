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


def snakemake(*args, workdir, env=None, timeout=600):
    """`snakemake ARGS --directory WORKDIR`, started in WORKDIR, as a user would.

    WORKDIR must lie outside the repository: the repository root holds the user's own results
    (`make fig14` before `make test`), which must change no test's plan. Config files must be
    given as absolute paths (a relative one would be read from WORKDIR).
    """
    workdir = Path(workdir).resolve()
    if workdir == REPO or REPO in workdir.parents:
        raise ValueError(f"snakemake working directory {workdir} is inside the repository: use a temporary one")
    _check_configfiles(args)
    command = [_bin("snakemake"), "--snakefile", str(SNAKEFILE), *args, "--directory", str(workdir)]
    environment = dict(os.environ)
    # The rules call `nalm`: the one installed beside this Python.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(env or {})
    return subprocess.run(
        command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def _check_configfiles(args):
    """Every path after --configfile (up to the next option) must be absolute."""
    taking = False
    for arg in map(str, args):
        if arg.startswith("-"):
            taking = arg in ("--configfile", "--configfiles")
        elif taking and not Path(arg).is_absolute():
            raise ValueError(f"--configfile {arg!r} is relative: give an absolute path")


def job_counts(output):
    """The `Job stats` table of a (dry) run as {rule: count}; {} when nothing is to be done."""
    match = re.search(r"Job stats:\n.*?\n-+\s+-+\n(.*?)\n\n", output + "\n\n", re.DOTALL)
    if not match:
        return {}
    counts = {}
    for line in match.group(1).splitlines():
        name, count = line.split()
        counts[name] = int(count)
    counts.pop("total", None)
    return counts


def job_priorities(output):
    """Every planned job's Snakemake priority from a dry run's job table, as (rule, wildcards,
    priority) tuples; `wildcards` is a dict (empty for a job without wildcards)."""
    jobs, rule, wildcards = [], None, {}
    for line in output.splitlines():
        line = line.strip()
        if re.match(r"(local)?rule \S+:", line):
            rule, wildcards = line.split()[-1].rstrip(":"), {}
        elif rule and line.startswith("wildcards:"):
            wildcards = dict(re.findall(r"(\w+)=([^,\s]+)", line))
        elif rule and line.startswith("priority:"):
            jobs.append((rule, wildcards, int(line.split(":")[1])))
    return jobs


def planned_priorities(*arguments, workdir, rules):
    """(rule, wildcards, priority) of every job of `rules` that a dry run with 2 cores plans."""
    result = snakemake("--dry-run", "--cores", "2", *arguments, workdir=workdir)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    return [job for job in job_priorities(output) if job[0] in rules]


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
