"""`nalm train --threads N` on the CPU: N single-threaded worker processes, one contiguous
sub-block of the runs each (nalm/core/parallel.py), writing exactly the files one process writes;
a worker that fails or dies fails the command with nothing written."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nalm.cli import main
from nalm.core.errors import UserError
from nalm.core.parallel import WorkerFailed, map_in_processes, split_contiguous

BLOCK = ["train", "--preset", "NAU", "--op", "add", "--iterations", "200", "--log-interval", "100", "--seeds", "0,3",
         "--range-id", "r7", "--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]",
         "--range-id", "r5", "--interpolation-range", "[-2,2]", "--extrapolation-range", "[[-6,-2],[2,6]]"]


def _files(root: Path) -> dict:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_two_workers_write_the_bytes_of_one_process(tmp_path, monkeypatch, capsys):
    """Every file, run.json's provenance included (it records the one torch thread each run was
    trained with), and the manifest: the same bytes for 1 and 2 workers (block independence)."""
    trees = {}
    for threads in ("1", "2"):
        work = tmp_path / threads
        work.mkdir()
        monkeypatch.chdir(work)  # the manifest lists relative paths: the same text in both
        assert main(BLOCK + ["--threads", threads, "--out", "runs", "--manifest", "manifest.txt"]) == 0
        trees[threads] = _files(work)
    assert "2 processes" in capsys.readouterr().err
    assert len(trees["1"]) == 2 * 2 * 3 + 1
    assert trees["1"].keys() == trees["2"].keys()
    for name, content in trees["1"].items():
        assert trees["2"][name] == content, name


def test_split_contiguous_keeps_the_order_and_balances():
    assert split_contiguous(range(5), 2) == [[0, 1, 2], [3, 4]]
    assert split_contiguous(range(4), 3) == [[0, 1], [2], [3]]
    assert split_contiguous(range(2), 8) == [[0], [1]]  # at most one piece per run
    assert split_contiguous([7], 1) == [[7]]
    with pytest.raises(ValueError):
        split_contiguous(range(3), 0)


@pytest.mark.parametrize("value, message", [("0", "bad --threads 0: expected a number >= 1"),
                                            ("-2", "bad --threads -2: expected a number >= 1")])
def test_bad_threads_are_one_line(tmp_path, capsys, value, message):
    assert main(BLOCK + ["--threads", value, "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_threads_that_is_no_number_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(BLOCK + ["--threads", "two", "--out", str(tmp_path / "out")])
    assert exit.value.code == 2 and "--threads: invalid int value: 'two'" in capsys.readouterr().err


# Functions the spawned workers import from this module by name.
def _square(x, progress):
    if progress is not None:
        progress(x)
    return x * x


def _refuse(x, progress):
    raise UserError(f"bad value {x}")


def _crash(x, progress):
    if x == 2:
        raise ZeroDivisionError("a bug in the worker")
    time.sleep(60)  # terminated by the parent when the other worker fails


def test_workers_return_in_order_and_report_progress():
    reported = []
    assert map_in_processes(_square, [3, 1, 2], threads=None, progress=reported.append) == [9, 1, 4]
    assert sorted(reported) == [1, 2, 3]


def test_a_worker_error_reaches_the_parent():
    with pytest.raises(UserError, match="bad value 5"):
        map_in_processes(_refuse, [5], threads=None)
    started = time.monotonic()
    with pytest.raises(WorkerFailed, match="(?s)worker 2 of 2 failed.*ZeroDivisionError: a bug in the worker"):
        map_in_processes(_crash, [1, 2], threads=None)
    assert time.monotonic() - started < 50  # the sleeping worker was terminated, not awaited


def _children(pid: int) -> list:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_killed_worker_fails_the_command_with_nothing_written(tmp_path):
    out, manifest = tmp_path / "runs", tmp_path / "manifest.txt"
    argv = [a if a != "200" else "1000000" for a in BLOCK]
    command = subprocess.Popen([sys.executable, "-m", "nalm.cli", *argv, "--threads", "2", "--out", str(out),
                                "--manifest", str(manifest)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(workers := _children(command.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(workers) >= 2, "the workers did not start"
    os.kill(workers[-1], signal.SIGKILL)  # as the kernel's OOM killer would
    _, err = command.communicate(timeout=120)
    assert command.returncode != 0
    assert "ended with exit code -9 before sending its result" in err.strip().splitlines()[-1]
    assert not manifest.exists() and not list(tmp_path.rglob("metrics.csv"))
    assert not any(pid in _children(command.pid) for pid in workers)
