"""What every fuzz test of tests/fuzz/ shares: the hypothesis settings, a `nalm` call that
turns a traceback into a test failure, the check of a refused input (one line, non-zero exit),
a digest of an output tree (nothing already written may change), and the counts that
tests/fuzz/conftest.py prints at the end of the session (README.md, "Reliability").

The settings are derandomized (the same examples on every run, so CI is deterministic), with no
deadline (a machine shared by many jobs is slow at times) and no example database. Each test
names its number of examples; NALM_FUZZ_SCALE=10 runs ten times as many (a longer search,
by hand).
"""

import contextlib
import hashlib
import io
import os
import re
import signal
from collections import Counter

from hypothesis import HealthCheck, settings

from nalm.cli import main

#: inputs tried (one `nalm` call or one config check each), faults injected (a damaged run, event
#: file, run.json or CSV), runs lost (a run that was damaged or present but neither exported
#: nor named in an error or in the skipped list; must stay 0), undetected changes (a damaged
#: run exported with other values and seen by no check)
COUNTS = Counter(inputs=0, faults=0, runs_lost=0, undetected_changes=0)

SCALE = max(1, int(os.environ.get("NALM_FUZZ_SCALE", "1")))

settings.register_profile(
    "nalm-fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],  # fmt: skip
)


def fuzz(examples: int):
    """The settings of a fuzz test trying `examples` inputs (times NALM_FUZZ_SCALE)."""
    return settings(settings.get_profile("nalm-fuzz"), max_examples=examples * SCALE)


class TooSlow(Exception):
    """A call that neither finished nor refused its input within the time allowed: an input that
    should have been refused before any work started work."""


@contextlib.contextmanager
def time_limit(seconds: int):
    def expire(signum, frame):
        raise TooSlow(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def call_nalm(argv, cwd=None, seconds: int = 60):
    """Run `nalm ARGV` in this process (from `cwd`); returns (exit code, stderr).

    argparse's exits come back as their code; any other exception propagates, so a traceback
    fails the test (and hypothesis shrinks the input that caused it)."""
    COUNTS["inputs"] += 1
    err, out = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), time_limit(seconds):
            try:
                code = main([str(arg) for arg in argv])
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(here)
    return code, err.getvalue()


ERROR_LINE = re.compile(r"^nalm( [a-z0-9-]+( [a-z]+)?)?: error: \S")


def assert_refused(code, err, argv=()):
    """A refused input: a non-zero exit, and stderr ends in one line `nalm <command>: error: ...`
    (argparse prints its usage lines before it; warnings may come before it)."""
    assert code not in (0, None), f"accepted {list(argv)!r}\n{err[-1500:]}"
    assert "Traceback" not in err, err[-3000:]
    lines = err.rstrip("\n").splitlines()
    assert lines and ERROR_LINE.match(lines[-1]), f"{list(argv)!r} did not end in one error line:\n{err[-1500:]}"


def tree_digest(root) -> str:
    """A digest of every path, kind and content below `root` (the output tree before and after)."""
    digest = hashlib.sha256()
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files) + [f"{d}/" for d in subdirectories]:
            path = os.path.join(directory, name.rstrip("/"))
            digest.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                digest.update(b"link:" + os.readlink(path).encode("utf-8", "surrogateescape"))
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()
