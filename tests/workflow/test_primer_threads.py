"""Both cores busy (issue 14): a training job of a costly block (runs x iterations x input size at
least `<paper>.train_threads.min_cost`: figures 18-20, the division paper's I = 10 experiments)
asks for every core Snakemake has, up to `train_threads.max`, and `nalm train --threads` splits it
into parallel sub-blocks; cheaper jobs take one core. Threads are no param: a build made with
-c2 is up to date for -c1."""

import re

import pytest
from _workflow import PAPER_CONFIG, QUICK_CONFIG, snakemake

pytestmark = pytest.mark.workflow

FIG20 = "results/figures/fig20_nau_in100_sub.pdf"
FIG14 = "results/figures/fig14_add.pdf"


def train_threads(output):
    """{(preset, input size): [--threads of each planned `nalm train`]}."""
    found = {}
    for line in output.splitlines():
        match = re.search(r"nalm train --preset (\S+) .*--input-size (\d+) .*--threads (\d+)", line)
        if match:
            found.setdefault((match.group(1), int(match.group(2))), []).append(int(match.group(3)))
    return found


def plan(*args, workdir):
    result = snakemake("--dry-run", "--printshellcmds", *args, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return train_threads(result.stdout + result.stderr)


@pytest.mark.parametrize("cores, threads", [(2, 2), (1, 1)])
def test_figure_20_trains_on_every_core_and_figure_14_on_one_each(workdir, cores, threads):
    planned = plan("--cores", str(cores), FIG20, FIG14, workdir=workdir)
    assert planned.pop(("NAU", 100)) == [threads]
    assert planned and all(values == [1] for values in planned.values())  # input size 2: one core each


def test_max_caps_the_threads(workdir, tmp_path):
    overlay = tmp_path / "cap.yaml"
    overlay.write_text("primer: {train_threads: {max: 1}}\n")
    planned = plan("--cores", "2", FIG20, "--configfile", str(PAPER_CONFIG), str(overlay), workdir=workdir)
    assert planned == {("NAU", 100): [1]}


def test_division_input_size_10_jobs_use_every_core(workdir):
    planned = plan("--cores", "2", "--config", "papers=[division]", workdir=workdir)
    assert planned and all(values == [2 if size == 10 else 1] * len(values) for (_, size), values in planned.items())
    assert any(size == 10 for _, size in planned)


@pytest.mark.slow
def test_a_two_worker_job_is_up_to_date_for_one_core(workdir, tmp_path):
    overlay = tmp_path / "parallel.yaml"
    overlay.write_text("primer: {train_threads: {min_cost: 0}}\n")  # the quick block counts as costly
    configs = ["--configfile", str(PAPER_CONFIG), str(QUICK_CONFIG), str(overlay)]
    manifest = "results/runs/in2_add_NAU/blocks/r2+r7_s0-1.txt"
    result = snakemake("--cores", "2", manifest, *configs, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    log = (workdir / "results/logs/train/in2_add_NAU/r2+r7_s0-1.log").read_text()
    assert "4 runs x 201 iterations" in log and "2 processes" in log
    again = snakemake("--dry-run", "--cores", "1", manifest, *configs, workdir=workdir)
    assert "Nothing to be done" in again.stdout + again.stderr
