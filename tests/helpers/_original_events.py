"""Where the original implementation's event files live (shared/fixtures/original-events).

Tests that need them skip when the fixtures are not checked out next to the repository.
"""

import csv
import os
from pathlib import Path

import pytest

_CANDIDATES = [
    os.environ.get("NALM_FIXTURES", ""),
    Path(__file__).resolve().parents[2] / "shared" / "fixtures",
    Path(__file__).resolve().parents[3] / "shared" / "fixtures",
]


def original_events_dir() -> Path:
    for candidate in _CANDIDATES:
        if candidate and (Path(candidate) / "original-events" / "tensorboard-readout.csv").is_file():
            return Path(candidate) / "original-events"
    pytest.skip("shared/fixtures/original-events is not available")


def fixture_runs():
    """[(module_dir, run_dir, event_file)] sorted by module_dir, as in tensorboard-readout.csv."""
    root = original_events_dir()
    runs = []
    for module_dir in sorted(p.name for p in root.iterdir() if p.is_dir()):
        (run_dir,) = (root / module_dir).iterdir()
        (event_file,) = run_dir.glob("events.out.tfevents.*")
        runs.append((module_dir, run_dir, event_file))
    return runs


def readout_rows():
    """tensorboard-readout.csv as a list of dicts (all values as the strings written)."""
    with open(original_events_dir() / "tensorboard-readout.csv", newline="") as handle:
        return list(csv.DictReader(handle))
