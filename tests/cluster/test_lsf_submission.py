"""The exact `bsub` command lines the LSF executor plugin submits from workflow/profiles/lsf.

LSF cannot be installed here, so `tests/cluster/lsf-shim` stands in for bsub, bjobs, bkill,
bhist, badmin and lsclusters: it records every bsub call and reports every job as EXIT, so
Snakemake retries once (attempt 2, with the attempt-scaled runtime and memory) and then stops.
The quick preset's figure 14 is the target, with the site values overridden on the command line
as a user would (`--default-resources lsf_queue=short lsf_project=nalm`).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHIM_NAMES = ("bsub", "bjobs", "bkill", "bhist", "badmin", "lsclusters")
QUEUE, PROJECT = "short", "nalm"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    base = tmp_path_factory.mktemp("lsf")
    bin_dir, work, state = base / "bin", base / "work", base / "state"
    bin_dir.mkdir()
    for name in SHIM_NAMES:
        (bin_dir / name).symlink_to(HERE / "lsf-shim")
    shutil.copytree(REPO / "config", work / "config")
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["NALM_LSF_SHIM_DIR"] = str(state)
    env.pop("SNAKEMAKE_PROFILE", None)
    env.pop("SNAKEMAKE_LSF_MEMFMT", None)
    command = [
        sys.executable, "-m", "snakemake",
        "-s", str(REPO / "workflow/Snakefile"),
        "results/figures/fig14_add.pdf",
        "--configfile", "config/quick.yaml",
        "--profile", str(REPO / "workflow/profiles/lsf"),
        "--default-resources", f"lsf_queue={QUEUE}", f"lsf_project={PROJECT}",
        "--retries", "1",           # the profile says 2; one retry shows the scaling
    ]  # fmt: skip
    proc = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=600
    )
    log = proc.stdout + proc.stderr
    bsub_log = state / "bsub.jsonl"
    assert bsub_log.exists(), "nothing was submitted with bsub:\n" + log[-3000:]
    records = [json.loads(line) for line in bsub_log.read_text().splitlines()]
    return {"records": records, "work": work, "log": log, "returncode": proc.returncode}


def _option(argv, flag):
    return argv[argv.index(flag) + 1]


def test_every_submission_is_a_group_of_training_blocks_with_a_safe_name(submissions):
    records = submissions["records"]
    figures = yaml.safe_load((REPO / "nalm/papers/primer/figures.yaml").read_text())
    experiments = figures["fig14_add"]["series"]
    # 5 experiments, 4 per submission -> 2 group jobs, each submitted twice (attempt 1, 2)
    assert submissions["returncode"] != 0  # every job EXITs under the shim
    assert len(records) == 4, [r["argv"][:2] for r in records]
    seen = set()
    for record in records:
        argv = record["argv"]
        name = _option(argv, "-J")
        assert "[" not in name and "]" not in name, f"LSF would read {name!r} as a job array"
        assert name.startswith("Snakemake_group_experiment:"), name
        # (the plugin keys wildcards by rule name, so a name shows one train job of the group)
        assert "primer_train__block=" in name and "primer_export__experiment=" in name, name
        assert _option(argv, "-q") == QUEUE and _option(argv, "-P") == PROJECT
        assert re.fullmatch(r"rusage\[mem=\d+(\.\d+)?\]", argv[argv.index("-R") + 1])
        assert int(_option(argv, "-n")) <= 4  # group_slots
        assert _option(argv, "-cwd") == str(submissions["work"])
        assert "--target-jobs" in argv[-1] and "'primer_train:experiment=" in argv[-1]
        seen.update(re.findall(r"primer_train:experiment=([A-Za-z0-9_+-]+),", argv[-1]))
    assert seen == set(experiments)


def test_exact_bsub_line_for_a_one_experiment_training_job(submissions):
    """The group holding one experiment: its training block, then its export."""
    singles = [
        r["argv"] for r in submissions["records"] if r["argv"][-1].count("'primer_train:") == 1
    ]
    assert len(singles) == 2, "expected the one-experiment group twice (attempt 1 and 2)"
    work = submissions["work"]
    for attempt, argv in enumerate(singles, start=1):
        name = _option(argv, "-J")
        match = re.fullmatch(
            r"Snakemake_group_experiment:(?P<wildcards>[A-Za-z0-9_+=,-]+)"
            r"___\((?P<uuid>[0-9a-f-]{36})\)",
            name,
        )
        assert match, name
        wildcards = dict(pair.split("=") for pair in match["wildcards"].split(","))
        assert set(wildcards) == {"primer_train__experiment", "primer_train__block", "primer_export__experiment"}
        exp, block = wildcards["primer_train__experiment"], wildcards["primer_train__block"]
        assert wildcards["primer_export__experiment"] == exp
        logfile = str(
            work / ".snakemake/lsf_logs/group_experiment"
            / match["wildcards"].replace(",", "..") / f"{match['uuid']}.log"
        )
        # primer_train (rules/primer.smk): runtime 10 * attempt min, mem 1016 * attempt MB for a
        # 2-range x 2-seed block; primer_export: 20 * attempt min, 2000 * attempt MB.
        # Grouped in series: runtimes add up, memory is the larger one; one CPU.
        runtime = 10 * attempt + 20 * attempt
        mem = max(1016 * attempt, 2000 * attempt)
        expected = [
            "-J", name, "-o", logfile, "-e", logfile, "-env", "all",
            "-P", PROJECT, "-q", QUEUE,
            "-W", str(runtime), "-n", "1",
            "-R", f"rusage[mem={float(mem)}]", "-R", "span[hosts=1]",
            "-cwd", str(work),
        ]  # fmt: skip
        assert argv[:-1] == expected, f"attempt {attempt}"
        job = argv[-1]
        assert job.startswith(f"{sys.executable} -m snakemake --snakefile '{REPO}/workflow/Snakefile'")
        assert "--target-jobs " in job
        assert f"'primer_train:experiment={exp},block={block}'" in job
        assert f"'primer_export:experiment={exp}'" in job
        assert f"--attempt {attempt} " in job
        assert re.search(r"--allowed-rules (primer_train primer_export|primer_export primer_train) ", job), job
