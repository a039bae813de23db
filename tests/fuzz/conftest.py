"""The fuzz tests' counts, printed at the end of a session that ran any of them (and written as
JSON to $NALM_FUZZ_COUNTS when set): tests/fuzz/fuzz_counts.py runs tests/fuzz and prints them
for README.md's "Reliability" section."""

import json
import os

from _fuzzing import COUNTS


def pytest_terminal_summary(terminalreporter):
    if not COUNTS["inputs"]:
        return
    terminalreporter.write_line(
        f"nalm fuzz: {COUNTS['inputs']} inputs tried, {COUNTS['faults']} faults injected, "
        f"{COUNTS['runs_lost']} runs lost; {COUNTS['undetected_changes']} faults exported with changed values, "
        "seen by no check (same-size edits with valid checksums or syntax)"
    )
    target = os.environ.get("NALM_FUZZ_COUNTS")
    if target:
        with open(target, "w") as handle:
            json.dump(dict(COUNTS), handle)
