"""Damaged runs fed to `nalm export`: an event file truncated anywhere, bit-flipped, with a wrong
CRC, with a reframed (CRC-correct) altered payload, empty, deleted or left as a writer's hidden
temporary; a run.json or metrics.csv truncated, bit-flipped, emptied, deleted or replaced by
other JSON; a whole run directory deleted.

For every fault, no run is lost: either the export refuses with one line naming the damaged
run (and the CSV already there is unchanged), or the export holds every run; and with
`--skip-corrupt` every run is either exported or listed in the skipped companion. A fault that
changes a file's size is also seen by the workflow's block manifest (rules/checks.py's
manifest_problem), which retrains the block. Counted (README.md, "Reliability"): faults
injected, runs lost (must be 0), and the faults no check can see (same-size edits that keep
the files valid: a record re-framed with correct CRCs, a digit of run.json), which export with
changed values.
"""

import contextlib
import csv
import importlib.util
import json
import os
import shutil
import struct
from pathlib import Path

import pytest
from _fuzzing import COUNTS, assert_refused, call_nalm, fuzz, tree_digest
from hypothesis import given
from hypothesis import strategies as st

from nalm.runs.tfrecord import FOOTER_SIZE, HEADER_SIZE, iter_records, masked_crc

REPO = Path(__file__).resolve().parents[2]
SEEDS = (0, 1, 2)
GROUP = "r7"


def _load_checks():
    spec = importlib.util.spec_from_file_location("workflow_checks_runs", REPO / "workflow" / "rules" / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checks = _load_checks()


@pytest.fixture(scope="module")
def block(tmp_path_factory):
    """Three runs of a 20-iteration block (logged every 5), their manifest and their export."""
    root = tmp_path_factory.mktemp("block")
    argv = ["train", "--preset", "NAU", "--op", "add", "--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]",
            "--range-id", GROUP, "--seeds", "0-2", "--iterations", "20", "--log-interval", "5", "--out", "runs",
            "--manifest", "block.txt"]  # fmt: skip
    code, err = call_nalm(argv, cwd=root)
    assert code == 0, err
    code, err = call_nalm(["export", "runs", "--out", "reference.csv"], cwd=root)
    assert code == 0, err
    return root


def _rows_by_run(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_run = {}
    for row in rows:
        by_run.setdefault(row["seed"], []).append(row)
    return by_run


def _record_spans(data):
    """(offset, payload length) of every record of an event file."""
    return [(offset, len(payload)) for offset, payload in iter_records(data, "events")]


def _event_fault(data: bytes, draw):
    kind = draw(st.sampled_from(["truncate", "truncate at a record", "flip", "wrong crc", "reframed payload", "empty",
                                 "append", "drop a record"]), label="event fault")  # fmt: skip
    spans = _record_spans(data)
    if kind == "truncate":
        return kind, data[: draw(st.integers(0, len(data) - 1), label="size")]
    if kind == "truncate at a record":
        offset, _ = draw(st.sampled_from(spans[1:]), label="record")
        return kind, data[:offset]
    if kind == "flip":
        position, bit = draw(st.integers(0, len(data) - 1), label="byte"), draw(st.integers(0, 7), label="bit")
        return kind, data[:position] + bytes([data[position] ^ (1 << bit)]) + data[position + 1 :]
    if kind == "wrong crc":
        offset, length = draw(st.sampled_from(spans), label="record")
        where = draw(st.sampled_from([offset + 8, offset + HEADER_SIZE + length]), label="which crc")
        wrong = (struct.unpack_from("<I", data, where)[0] + draw(st.integers(1, 2**32 - 1), label="delta")) % 2**32
        return kind, data[:where] + struct.pack("<I", wrong) + data[where + 4 :]
    if kind == "reframed payload":
        offset, length = draw(st.sampled_from(spans), label="record")
        payload = bytearray(data[offset + HEADER_SIZE : offset + HEADER_SIZE + length])
        position = draw(st.integers(0, len(payload) - 1), label="payload byte")
        payload[position] = draw(st.integers(0, 255).filter(lambda value: value != payload[position]), label="value")
        header = struct.pack("<Q", len(payload))
        record = header + struct.pack("<I", masked_crc(header)) + bytes(payload) + struct.pack("<I", masked_crc(bytes(payload)))
        return kind, data[:offset] + record + data[offset + HEADER_SIZE + length + FOOTER_SIZE :]
    if kind == "empty":
        return kind, b""
    if kind == "append":
        return kind, data + draw(st.binary(min_size=1, max_size=40), label="tail")
    offset, length = draw(st.sampled_from(spans[1:]), label="record")
    return kind, data[:offset] + data[offset + HEADER_SIZE + length + FOOTER_SIZE :]


def _text_fault(data: bytes, draw, json_file: bool):
    kinds = ["truncate", "flip", "empty", "drop a line", "garbage"] + (["other json"] if json_file else [])
    kind = draw(st.sampled_from(kinds), label="text fault")
    if kind == "truncate":
        return kind, data[: draw(st.integers(0, len(data) - 1), label="size")]
    if kind == "flip":
        position, bit = draw(st.integers(0, len(data) - 1), label="byte"), draw(st.integers(0, 7), label="bit")
        return kind, data[:position] + bytes([data[position] ^ (1 << bit)]) + data[position + 1 :]
    if kind == "empty":
        return kind, b""
    if kind == "drop a line":
        lines = data.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1), label="line")
        return kind, b"".join(lines[:index] + lines[index + 1 :])
    if kind == "garbage":
        return kind, draw(st.binary(min_size=1, max_size=60), label="garbage")
    config = json.loads(data)
    key = draw(st.sampled_from(sorted(config)), label="key")
    value = draw(st.none() | st.booleans() | st.integers(-5, 10**20) | st.text(max_size=5) | st.lists(st.integers(), max_size=2),
                 label="value")  # fmt: skip
    if draw(st.booleans(), label="delete"):
        del config[key]
    else:
        config[key] = value
    return f"{kind} ({key})", json.dumps(config).encode()


def _inject(runs: Path, draw):
    """Damage one run below `runs`; returns (run directory, fault, whether any file's size changed)."""
    seed = draw(st.sampled_from(SEEDS), label="seed")
    run = runs / GROUP / f"seed{seed}"
    target = draw(st.sampled_from(["events.out.tfevents.0.nalm", "run.json", "metrics.csv", "(directory)", "(event file)"]),
                  label="target")  # fmt: skip
    if target == "(directory)":
        shutil.rmtree(run)
        return run, "run directory deleted", True
    if target == "(event file)":
        how = draw(st.sampled_from(["deleted", "hidden temporary", "moved away"]), label="how")
        event = run / "events.out.tfevents.0.nalm"
        if how == "deleted":
            event.unlink()
        elif how == "hidden temporary":
            event.rename(run / ".events.out.tfevents.0.nalm.tmp")
        else:
            event.rename(runs.parent / "moved.events")
        return run, f"event file {how}", True
    path = run / target
    data = path.read_bytes()
    if target.startswith("events"):
        kind, damaged = _event_fault(data, draw)
    else:
        kind, damaged = _text_fault(data, draw, json_file=target == "run.json")
    path.write_bytes(damaged)
    return run, f"{target}: {kind}", len(damaged) != len(data)


@fuzz(150)
@given(st.data())
def test_no_damaged_run_is_lost(block, tmp_path_factory, data):
    work = tmp_path_factory.mktemp("damaged")
    shutil.copytree(block / "runs", work / "runs")
    shutil.copy(block / "block.txt", work / "block.txt")
    shutil.copy(block / "reference.csv", work / "out.csv")  # an earlier export, which must survive a refusal
    run, fault, resized = _inject(work / "runs", data.draw)
    COUNTS["faults"] += 1
    reference = _rows_by_run(block / "reference.csv")
    with contextlib.chdir(work):  # the manifest lists the paths `nalm train` was given
        manifest_damage = checks.manifest_problem("block.txt")
    before = tree_digest(work)

    code, err = call_nalm(["export", "runs", "--out", "out.csv"], cwd=work)
    if code != 0:
        assert_refused(code, err, [fault])
        assert str(run.relative_to(work)) in err.splitlines()[-1], (fault, err)  # it names the run
        assert tree_digest(work) == before, fault
    else:
        exported = _rows_by_run(work / "out.csv")
        lost = set(reference) - set(exported)
        if lost and manifest_damage is None:
            COUNTS["runs_lost"] += len(lost)
        assert not lost or manifest_damage is not None, f"{fault}: runs {sorted(lost)} vanished from the export"
        if exported != reference and manifest_damage is None:
            COUNTS["undetected_changes"] += 1
    if resized:
        assert manifest_damage is not None, f"{fault}: a file changed size and the manifest did not notice"

    code, err = call_nalm(["export", "runs", "--out", "skipping.csv", "--skip-corrupt"], cwd=work)
    if code == 0:
        exported = set(_rows_by_run(work / "skipping.csv"))
        skipped_file = work / "skipping.skipped.csv"
        skipped = skipped_file.read_text() if skipped_file.exists() else ""
        missing = {seed for seed in set(reference) - exported if f"seed{seed}" not in skipped}
        assert not missing or manifest_damage is not None, f"{fault}: runs {sorted(missing)} neither exported nor listed"
    else:
        assert_refused(code, err, [fault, "--skip-corrupt"])

