"""Rules every test follows, present and future.

* One torch thread: small tensors run faster, and results do not depend on the core count.
* `nalm` is imported before any test computes, so torch's CPU kernels are the pinned AVX2 ones
  (`nalm.CPU_CAPABILITY`) whatever the machine: the committed records were made with them.
* The SLURM cluster tests (marker `cluster`) are opt-in: they install and start system
  services, so they run only under `make test-cluster` (NALM_CLUSTER_TESTS=1).
* No silent skips in CI: with CI=true a skip whose reason is not listed in `.ci/allowed-skips`
  fails the test (a missing fixture, plugin, profile or sub-command is a failure there).
* No test writes into the repository root: a test after which the root's `results/` or
  `.snakemake/` changed fails. A user's own `make fig14` results live there, and a workflow
  test must work in its own temporary directory (`snakemake --directory`).
"""

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ALLOWED_SKIPS_FILE = REPO / ".ci" / "allowed-skips"
_ROOT_AT_START = pytest.StashKey[dict]()
CLUSTER_OPT_IN = (
    "SLURM cluster tests are opt-in: run them with `make test-cluster` (as root; it installs and "
    "starts slurm, munge and mariadb)"
)

# Small tensors: one thread is faster, and it keeps results independent of the core count.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import nalm  # noqa: E402,F401  (pins the CPU kernels before the first tensor operation)


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    import torch

    torch.set_num_threads(1)


# ------------------------------------------------------------------ the cluster tests: opt-in


def cluster_tests_enabled() -> bool:
    return os.environ.get("NALM_CLUSTER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    if cluster_tests_enabled():
        return
    for item in items:
        if item.get_closest_marker("cluster") is not None:
            item.add_marker(pytest.mark.skip(reason=CLUSTER_OPT_IN))


# ------------------------------------------------------------------ no silent skips in CI


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def allowed_skip_patterns() -> list:
    """The regular expressions of `.ci/allowed-skips` (one per line; `#` starts a comment)."""
    patterns = []
    for line in ALLOWED_SKIPS_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            patterns.append(re.compile(line))
    return patterns


def skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def skip_allowed(reason: str) -> bool:
    return any(pattern.search(reason) for pattern in allowed_skip_patterns())


def _fail_unexpected_skip(report) -> None:
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    if skip_allowed(reason):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped with CI=true, which accepts only the skips listed in .ci/allowed-skips: {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_unexpected_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_unexpected_skip(outcome.get_result())


# ------------------------------------------------------------------ the repository root stays the user's


def _root_state() -> dict:
    """What a snakemake run in the repository root would change: cheap stat()s, no walk."""
    state = {}
    for top in ("results", ".snakemake"):
        base = REPO / top
        paths = [base]
        if base.is_dir():
            paths += [p for p in base.iterdir() if p.is_dir()]
            paths.append(base / "iocache" / "latest.pkl")
        for path in paths:
            try:
                state[str(path.relative_to(REPO))] = path.stat().st_mtime_ns
            except FileNotFoundError:
                pass
    return state


def _changed(before: dict, after: dict) -> list:
    return sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))


ROOT_WRITE = (
    "wrote into the repository root ({}): run snakemake with --directory in a temporary "
    "directory (tests/workflow/_workflow.py)"
)


@pytest.fixture(autouse=True)
def _repository_root_untouched():
    before = _root_state()
    yield
    changed = _changed(before, _root_state())
    if changed:
        pytest.fail("this test " + ROOT_WRITE.format(", ".join(changed)), pytrace=False)


def pytest_sessionstart(session):
    session.config.stash[_ROOT_AT_START] = _root_state()


def pytest_sessionfinish(session, exitstatus):
    # also catches what fixtures wider than one test wrote (module- or session-scoped ones)
    changed = _changed(session.config.stash.get(_ROOT_AT_START, {}), _root_state())
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("ERROR: the test session " + ROOT_WRITE.format(", ".join(changed)), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

