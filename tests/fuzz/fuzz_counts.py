"""Run the fuzz tests (tests/fuzz/) and print their counts, for README.md's "Reliability" section:

    .venv/bin/python tests/fuzz/fuzz_counts.py            # the CI examples (derandomized)
    NALM_FUZZ_SCALE=10 .venv/bin/python tests/fuzz/fuzz_counts.py   # ten times as many

Inputs tried: `nalm` calls and config checks; faults injected: damaged runs, event files,
run.json, metrics.csv, manifests and config keys; runs lost: runs neither exported nor named by
an error, the skipped list or the block manifest. Exits non-zero if any fuzz test failed.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        counts_file = Path(scratch) / "counts.json"
        env = {**os.environ, "NALM_FUZZ_COUNTS": str(counts_file)}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE)],
            cwd=HERE.parents[1], env=env, capture_output=True, text=True,
        )  # fmt: skip
        tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
        for line in result.stdout.splitlines():
            if line.startswith(("FAILED", "ERROR")):
                print(line, file=sys.stderr)
        if not counts_file.exists():
            print(f"no counts: {tail}", file=sys.stderr)
            return 1
        counts = json.loads(counts_file.read_text())
    print(f"pytest tests/fuzz: {tail}")
    print(f"inputs tried:     {counts['inputs']}")
    print(f"faults injected:  {counts['faults']}")
    print(f"runs lost:        {counts['runs_lost']}")
    print(f"damaged runs exported with changed values, seen by no check: {counts['undetected_changes']}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
