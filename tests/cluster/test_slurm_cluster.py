"""The cluster path on a real one-node SLURM cluster on this machine.

`tests/cluster/start-slurm.sh` installs (first time) and starts munge, mariadb, slurmdbd,
slurmctld and slurmd; these tests then run the quick preset's figure 14 through
`snakemake --profile workflow/profiles/slurm` with the profile's site values overridden on the
command line, as a user would (`--default-resources slurm_partition=debug slurm_account=nalm`),
and inject faults: a `scancel`led training job, a job that fails once, a killed controller.

Opt-in: `make test` skips them (tests/conftest.py says how to run them); `make test-cluster`
(NALM_CLUSTER_TESTS=1, as root) runs them, and there a machine that cannot run the cluster
(not root, packages not installable, SLURM not starting) fails them. CI runs them that way
(.ci/run). The cluster is stopped again afterwards unless it was already running before.

Each test prints one `CLUSTER-SUMMARY {...}` line (run pytest with -s to see them): SLURM jobs
submitted, faults injected, runs lost, blocks trained more than once.
"""

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.cluster, pytest.mark.slow, pytest.mark.workflow]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
PARTITION = "debug"  # what start-slurm.sh creates
ACCOUNT = "nalm"
FIGURE = "results/figures/fig14_add.pdf"
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


# ------------------------------------------------------------------ the cluster


def _cluster_running():
    if shutil.which("sinfo") is None:
        return False
    probe = subprocess.run(
        ["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=20
    )
    return probe.returncode == 0 and bool(
        {"idle", "mixed", "allocated"} & set(probe.stdout.split())
    )


@pytest.fixture(scope="module")
def slurm_cluster():
    # Opt-in (tests/conftest.py): these tests run only under `make test-cluster`, where a
    # cluster that cannot start is a failure, never a skip.
    if os.geteuid() != 0:
        pytest.fail(
            "the SLURM cluster tests need root (they install and start munge, mariadb, "
            "slurmdbd, slurmctld, slurmd): run `sudo make test-cluster`",
            pytrace=False,
        )
    was_running = _cluster_running()
    start = subprocess.run(
        [str(HERE / "start-slurm.sh")], capture_output=True, text=True, timeout=1200
    )
    tail = (start.stdout + start.stderr).strip().splitlines()[-6:]
    reasons = {
        2: "start-slurm.sh needs root",
        3: "a foreign /etc/slurm/slurm.conf is in the way",
        4: "the slurm/munge/mariadb packages cannot be installed",
    }
    if start.returncode != 0:
        why = reasons.get(start.returncode, "SLURM cannot start on this machine")
        pytest.fail(f"{why}: " + " | ".join(tail), pytrace=False)
    yield
    if not was_running:
        subprocess.run([str(HERE / "stop-slurm.sh")], capture_output=True, timeout=300)


# ------------------------------------------------------------------ helpers


def _quick_config():
    """The Primer's section of config.yaml with quick.yaml's merged over it."""
    with open(REPO / "config/config.yaml") as handle:
        config = yaml.safe_load(handle)["primer"]
    with open(REPO / "config/quick.yaml") as handle:
        config.update(yaml.safe_load(handle)["primer"])
    return config


def expected_runs():
    """Run directories of figure 14 under the quick preset, and its iteration count."""
    config = _quick_config()
    seeds = range(config["seeds"]["first"], config["seeds"]["first"] + config["seeds"]["count"])
    runs = [
        f"results/runs/{experiment}/{range_id}/seed{seed}"
        for experiment in yaml.safe_load((REPO / "nalm/papers/primer/figures.yaml").read_text())["fig14_add"]["series"]
        for range_id in config["range_ids"]
        for seed in seeds
    ]
    return runs, config["iteration_cap"]


@pytest.fixture
def work(tmp_path, slurm_cluster):
    """A scratch working directory (config/ copied), a PATH with the fault-injecting `nalm`."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    shutil.copytree(REPO / "config", workdir / "config")
    wrapper_bin = tmp_path / "bin"
    wrapper_bin.mkdir()
    shutil.copy(HERE / "fault-nalm.sh", wrapper_bin / "nalm")
    (wrapper_bin / "nalm").chmod(0o755)
    faults = tmp_path / "faults"
    faults.mkdir()
    env = dict(os.environ)
    env["PATH"] = f"{wrapper_bin}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NALM_REAL"] = str(BIN / "nalm") if (BIN / "nalm").exists() else shutil.which("nalm")
    env["NALM_FAULT_DIR"] = str(faults)
    env.pop("SNAKEMAKE_PROFILE", None)
    return {"dir": workdir, "env": env, "faults": faults}


def snakemake_command(*extra):
    return [
        sys.executable, "-m", "snakemake",
        "-s", str(REPO / "workflow/Snakefile"),
        FIGURE,
        "--configfile", "config/quick.yaml",
        "--profile", str(REPO / "workflow/profiles/slurm"),
        # the site values, overridden for this one-node cluster as a user would:
        "--default-resources", f"slurm_partition={PARTITION}", f"slurm_account={ACCOUNT}",
        # poll a test cluster quickly (defaults: 40 s, then backing off)
        "--slurm-init-seconds-before-status-checks", "2",
        "--seconds-between-status-checks", "2",
        *extra,
    ]  # fmt: skip


def run_snakemake(work, *extra, env=None, timeout=480):
    log = work["dir"] / f"snakemake-{time.time_ns()}.log"
    with open(log, "w") as handle:
        proc = subprocess.run(
            snakemake_command(*extra),
            cwd=work["dir"],
            env=env or work["env"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    return proc.returncode, log.read_text()


def submitted_jobs(log_text):
    return [int(job) for job in SUBMITTED.findall(log_text)]


def sacct_states(job_ids):
    if not job_ids:
        return {}
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "--format=JobIDRaw,State",
         "-j", ",".join(str(job) for job in job_ids)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    states = {}
    for line in out.splitlines():
        job, state = line.split("|", 1)
        states[int(job)] = state.split()[0]
    return states


def wait_for_sacct(job_ids, settled=("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"), secs=30):
    """sacct lags the controller by a moment; wait until every job has a final state."""
    states = {}
    for _ in range(secs * 2):
        states = sacct_states(job_ids)
        if set(states) == set(job_ids) and all(s in settled for s in states.values()):
            break
        time.sleep(0.5)
    return states


def run_state(work):
    """(complete runs, runs lost, half-written run directories) against the expected runs."""
    runs, iterations = expected_runs()
    complete, problems = [], []
    for run in runs:
        directory = work["dir"] / run
        metrics = directory / "metrics.csv"
        if not metrics.exists():
            problems.append(f"{run}: no metrics.csv")
            continue
        last_step = int(metrics.read_text().strip().splitlines()[-1].split(",")[0])
        run_json = json.loads((directory / "run.json").read_text())
        if last_step != iterations or run_json["iterations"] != iterations:
            problems.append(f"{run}: last step {last_step}, run.json {run_json['iterations']}")
            continue
        complete.append(run)
    half = [
        path
        for path in glob.glob(str(work["dir"] / "results/runs/*/*/seed*"))
        if not os.path.exists(os.path.join(path, "metrics.csv"))
    ]
    return complete, len(runs) - len(complete), problems, half


def train_calls(work):
    """Block (--out, --range-id..., --seeds) -> number of `nalm train` calls, from the log."""
    log = work["faults"] / "train-calls.log"
    counts = {}
    if not log.exists():
        return counts
    for line in log.read_text().splitlines():
        words = line.split()
        out = words[words.index("--out") + 1]
        seeds = words[words.index("--seeds") + 1]
        ranges = [words[i + 1] for i, w in enumerate(words) if w == "--range-id"]
        key = f"{out}:{'+'.join(ranges)}:s{seeds}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def manifest_run_directories(manifest):
    """The run directories a block manifest lists (`size<TAB>path` per file, '#' comments)."""
    lines = Path(manifest).read_text().splitlines()
    files = [line.split("\t", 1)[1] for line in lines if line and not line.startswith("#")]
    return sorted({Path(file).parent for file in files})


def block_key(manifest):
    """results/runs/<experiment>/blocks/<ranges>_s<seeds>.txt -> the train_calls() key."""
    path = Path(manifest)
    ranges, seeds = path.stem.rsplit("_s", 1)
    return f"results/runs/{path.parts[-3]}:{ranges}:s{seeds}"


def summary(name, **numbers):
    print(f"\nCLUSTER-SUMMARY {json.dumps({'test': name, **numbers}, sort_keys=True)}")


def assert_figure(work):
    pdf = work["dir"] / FIGURE
    assert pdf.exists(), f"{FIGURE} was not produced"
    assert pdf.read_bytes().startswith(b"%PDF")


def squeue_states(job_ids):
    """SLURM job -> state (squeue remembers finished jobs for MinJobAge, 300 s by default)."""
    if not job_ids:
        return {}
    out = subprocess.run(
        ["squeue", "-h", "--states=all", "-o", "%i|%T", "-j", ",".join(map(str, job_ids))],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return {int(job): state for job, state in (line.split("|") for line in out.split())}


def block_jobs(work):
    """Manifest path (relative) of each trained block -> SLURM job id of its last train call."""
    log = work["faults"] / "train-calls.log"
    result = {}
    if log.exists():
        for line in log.read_text().splitlines():
            words = line.split()
            job = words[1].removeprefix("job=")
            out = words[words.index("--out") + 1]
            seeds = words[words.index("--seeds") + 1]
            ranges = "+".join(w2 for w1, w2 in zip(words, words[1:]) if w1 == "--range-id")
            result[f"{out}/blocks/{ranges}_s{seeds}.txt"] = int(job) if job.isdigit() else None
    return result


def squeue_jobs():
    """Jobs still pending or running."""
    out = subprocess.run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True)
    return [int(job) for job in out.stdout.split()]


def wait_until(predicate, secs, what):
    deadline = time.time() + secs
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {secs}s waiting for {what}")


# ------------------------------------------------------------------ tests


def test_figure_through_slurm_then_nothing_to_do(work):
    rc, log = run_snakemake(work)
    assert rc == 0, log[-4000:]
    jobs = submitted_jobs(log)
    assert jobs, "no job went through sbatch:\n" + log[-3000:]
    states = wait_for_sacct(jobs)
    assert set(states) == set(jobs), f"sacct does not list every submitted job: {states}"
    assert all(state == "COMPLETED" for state in states.values()), states
    assert_figure(work)
    complete, lost, problems, half = run_state(work)
    assert lost == 0 and not half, (problems, half)

    rc2, log2 = run_snakemake(work)
    assert rc2 == 0, log2[-3000:]
    assert submitted_jobs(log2) == [], "the second invocation submitted jobs:\n" + log2[-3000:]
    assert "Nothing to be done" in log2
    summary(
        "figure14_via_slurm",
        slurm_jobs_submitted=len(jobs),
        sacct_completed=sum(s == "COMPLETED" for s in states.values()),
        second_invocation_jobs=len(submitted_jobs(log2)),
        train_blocks=len(train_calls(work)),
        runs_complete=len(complete),
        runs_lost=lost,
    )


def test_scancelled_training_job_is_retried(work):
    env = dict(work["env"], NALM_FAULT="slow-once")
    log_path = work["dir"] / "controller.log"
    with open(log_path, "w") as handle:
        controller = subprocess.Popen(
            snakemake_command(), cwd=work["dir"], env=env, stdout=handle,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        claimed = work["faults"] / "claimed"
        wait_until(lambda: (claimed / "training").exists(), 240, "the slow training job to start")
        victim = int((claimed / "job").read_text())
        time.sleep(4)  # well into training: the block's run directories are being produced
        assert victim in squeue_jobs(), "the slow training job is no longer queued"
        subprocess.run(["scancel", str(victim)], check=True)
        rc = controller.wait(timeout=300)
    finally:
        if controller.poll() is None:
            os.killpg(controller.pid, signal.SIGKILL)
    log = log_path.read_text()
    assert rc == 0, log[-4000:]
    jobs = submitted_jobs(log)
    states = wait_for_sacct(jobs)
    assert states.get(victim) == "CANCELLED", states
    assert victim in jobs
    assert sum(s == "COMPLETED" for s in states.values()) == len(jobs) - 1, states
    assert_figure(work)
    complete, lost, problems, half = run_state(work)
    assert lost == 0 and not half, (problems, half)
    calls = train_calls(work)
    retried = [block for block, n in calls.items() if n > 1]
    assert retried, "the cancelled block was never trained again"
    summary(
        "scancel_training_job",
        slurm_jobs_submitted=len(jobs),
        faults_injected=1,
        cancelled_job=victim,
        blocks_trained_twice=len(retried),
        train_calls=sum(calls.values()),
        runs_complete=len(complete),
        runs_lost=lost,
    )


def test_job_failing_once_is_retried(work):
    env = dict(work["env"], NALM_FAULT="fail-once")
    rc, log = run_snakemake(work, env=env)
    assert rc == 0, log[-4000:]
    assert (work["faults"] / "claimed").exists(), "the fault was never injected"
    failed_job = int((work["faults"] / "claimed/job").read_text())
    jobs = submitted_jobs(log)
    states = wait_for_sacct(jobs)
    assert states.get(failed_job) == "FAILED", states
    assert sum(s == "COMPLETED" for s in states.values()) == len(jobs) - 1, states
    assert_figure(work)
    complete, lost, problems, half = run_state(work)
    # the half-written run directory of the failed attempt was rewritten by the retry
    assert lost == 0 and not half, (problems, half)
    calls = train_calls(work)
    retried = [block for block, n in calls.items() if n > 1]
    assert retried, calls
    summary(
        "fail_once",
        slurm_jobs_submitted=len(jobs),
        faults_injected=1,
        failed_job=failed_job,
        blocks_trained_twice=len(retried),
        train_calls=sum(calls.values()),
        runs_complete=len(complete),
        runs_lost=lost,
    )


def test_killed_controller_restarts_without_redoing_finished_runs(work):
    env = dict(work["env"], NALM_FAULT_DELAY="8")  # every block takes >= 8 s
    log_path = work["dir"] / "controller.log"
    with open(log_path, "w") as handle:
        controller = subprocess.Popen(
            snakemake_command(), cwd=work["dir"], env=env, stdout=handle,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    def slurm_progress():
        """Kill once one SLURM job has COMPLETED while another is still queued or running."""
        jobs = submitted_jobs(log_path.read_text())
        states = squeue_states(jobs)
        done = [job for job, state in states.items() if state == "COMPLETED"]
        busy = [job for job, state in states.items() if state in ("PENDING", "RUNNING")]
        return (done, busy) if done and busy else None

    try:
        done_jobs, busy_jobs = wait_until(
            slurm_progress, 300, "one SLURM job to complete while another is still running"
        )
        os.kill(controller.pid, signal.SIGKILL)  # the login session dies
        controller.wait(timeout=30)
    finally:
        if controller.poll() is None:
            os.killpg(controller.pid, signal.SIGKILL)
    # Finished before the kill: the blocks trained by SLURM jobs that had COMPLETED.
    finished = [
        str(work["dir"] / manifest)
        for manifest, job in block_jobs(work).items()
        if job in done_jobs
    ]
    assert finished, "no training block had finished in a completed SLURM job"
    finished_before = {m: os.stat(m).st_mtime_ns for m in finished}
    finished_runs = {
        run_dir: os.stat(work["dir"] / run_dir / "metrics.csv").st_mtime_ns
        for m in finished
        for run_dir in manifest_run_directories(m)
    }
    calls_before = train_calls(work)
    first_log = log_path.read_text()

    # The dead controller's jobs are orphans: cancel them (docs/cluster.md, "After a failure").
    # Only this run's: other jobs on the cluster are none of this test's business.
    orphans = [job for job in submitted_jobs(first_log) if job in squeue_jobs()]
    if orphans:
        subprocess.run(["scancel", *map(str, orphans)], check=True)
        wait_until(
            lambda: not set(orphans) & set(squeue_jobs()) or None, 60, "the orphaned jobs to go"
        )

    rc_locked, log_locked = run_snakemake(work, env=env, timeout=120)
    assert rc_locked != 0 and "unlock" in log_locked, log_locked[-2000:]
    rc_unlock, log_unlock = run_snakemake(work, "--unlock", env=env, timeout=120)
    assert rc_unlock == 0, log_unlock[-2000:]
    rc, log = run_snakemake(work, env=env)
    assert rc == 0, log[-4000:]
    assert_figure(work)

    for manifest, mtime in finished_before.items():
        assert os.stat(manifest).st_mtime_ns == mtime, f"{manifest} was rewritten"
    redone_runs = [
        str(run_dir)
        for run_dir, mtime in finished_runs.items()
        if os.stat(work["dir"] / run_dir / "metrics.csv").st_mtime_ns != mtime
    ]
    assert not redone_runs, f"finished runs trained again: {redone_runs}"
    calls_after = train_calls(work)
    finished_keys = [block_key(m) for m in finished_before]
    redone_finished = [k for k in finished_keys if calls_after.get(k) != calls_before.get(k)]
    assert not redone_finished, redone_finished
    complete, lost, problems, half = run_state(work)
    assert lost == 0 and not half, (problems, half)
    summary(
        "controller_killed",
        slurm_jobs_submitted_before_kill=len(submitted_jobs(first_log)),
        slurm_jobs_submitted_after_restart=len(submitted_jobs(log)),
        orphans_cancelled=len(orphans),
        faults_injected=1,
        slurm_jobs_completed_at_kill=len(done_jobs),
        slurm_jobs_running_at_kill=len(busy_jobs),
        blocks_finished_before_kill=len(finished_before),
        blocks_not_trained_again=len(finished_keys) - len(redone_finished),
        finished_runs_redone=len(redone_runs),
        finished_runs_kept=len(finished_runs),
        runs_complete=len(complete),
        runs_lost=lost,
    )
