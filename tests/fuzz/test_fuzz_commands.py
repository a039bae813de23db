"""Every `nalm` command (discovered as the CLI discovers them: every file of nalm/commands/), fed
calls built from its own argparse definition in which one argument holds a value that is wrong
whatever the argument means, the others plausible values: each call is one line and a non-zero
exit, never a traceback, within a few seconds (an input refused only after work started is a
failure), and nothing in the working directory changes.

Wrong whatever the argument means: an empty string, a path below a regular
file (no input is there; no output can be made there), a choice not offered, a number that is
not one or NaN/infinite, a negative count; for positional arguments (every one is an input) also
an empty directory, garbage bytes, an empty file, a CSV cut inside its last row, and run
directories whose event file is cut. `nalm export --unmark-damaged` is left out: removing a
damaged run's metrics.csv is the change it is asked for. (No NUL: a command line cannot hold
one; tests/fuzz/test_fuzz_train.py gives one to the output checks directly.)
"""

import argparse
import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from _fuzzing import COUNTS, assert_refused, call_nalm, fuzz, tree_digest
from hypothesis import given
from hypothesis import strategies as st

from nalm.cli import build_parser, command_names

#: (parser, argument) left out: export --unmark-damaged changes run directories on purpose;
#: profiles list --dest only reads, and a directory that is not there has no profiles installed
LEFT_OUT = {("nalm export", "--unmark-damaged"), ("nalm profiles list", "--dest")}

WRONG_ANYWHERE = ["", "afile/x", "adir/../afile/y"]
WRONG_NUMBER = ["abc", "", "1.5x", "0x10", "--"]
WRONG_COUNT = ["-1", "-99999999999999999999"]
WRONG_FLOAT = ["nan", "inf", "-inf", "abc", ""]
WRONG_INPUT = ["adir", "garbage.bin", "empty.csv", "cut.csv", "cut_runs", "missing_dir/none.csv"]
PLAUSIBLE = ["runs", "export.csv", "fresh.csv", "fresh.pdf", "fig14", "NAU", "add", "0", "0-1", "[1,2]", "r7", "copy",
             "1", "adir"]  # fmt: skip


def _subparsers(parser):
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


PARSER = build_parser()
COMMANDS = [name.replace("_", "-") for name in command_names()]  # file name -> command


def _arguments(parser):
    return [action for action in parser._actions if not isinstance(action, (argparse._HelpAction, argparse._VersionAction))]


def _wrong_values(action):
    if isinstance(action, argparse._SubParsersAction):
        return ["nope"]
    if action.choices is not None:
        return ["nope", ""]
    if action.type is int:
        return WRONG_NUMBER + WRONG_COUNT
    if action.type is float:
        return WRONG_FLOAT
    return WRONG_ANYWHERE + (WRONG_INPUT if not action.option_strings else [])


def _plausible(action, draw):
    if action.choices is not None:
        return draw(st.sampled_from(sorted(action.choices)), label=action.dest)
    if action.type is int:
        return draw(st.sampled_from(["1", "2", "0"]), label=action.dest)
    if action.type is float:
        return draw(st.sampled_from(["0.5", "1e-4"]), label=action.dest)
    return draw(st.sampled_from(PLAUSIBLE), label=action.dest)


def _call(parser, draw, prefix):
    """argv for `parser`: one argument (of this parser or a sub-parser) gets a wrong value."""
    arguments = [a for a in _arguments(parser) if (parser.prog, (a.option_strings or [""])[0]) not in LEFT_OUT]
    sub = _subparsers(parser)
    if sub is not None and draw(st.booleans(), label="into a sub-command"):
        name = draw(st.sampled_from(sorted(sub.choices)), label="sub-command")
        rest = [a for a in arguments if a is not sub]
        return [*_plain(rest, draw, target=None), name, *_call(sub.choices[name], draw, prefix)]
    wrongable = [a for a in arguments if not isinstance(a, (argparse._StoreTrueAction, argparse._StoreFalseAction))]
    if not wrongable:  # nothing to give a wrong value (`nalm modules`): an argument it does not take
        return [*_plain(arguments, draw, None), draw(st.sampled_from(["--nope", "extra", ""]), label="unknown")]
    target = draw(st.sampled_from(wrongable), label="wrong argument")
    return _plain(arguments, draw, target)


def _plain(arguments, draw, target):
    argv, positionals = [], []
    for action in arguments:
        if action is target:
            value = draw(st.sampled_from(_wrong_values(action)), label=f"wrong {action.dest}")
        elif isinstance(action, argparse._SubParsersAction):
            continue
        elif isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            if draw(st.booleans(), label=action.dest):
                argv.append(action.option_strings[0])
            continue
        elif action.required or not action.option_strings or draw(st.booleans(), label=f"give {action.dest}"):
            value = _plausible(action, draw)
        else:
            continue
        if action.option_strings:
            argv += [action.option_strings[0], value]
        else:
            positionals.append(value)
    return [*argv, *positionals]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A working directory holding real and damaged inputs: three trained runs, their export,
    an empty directory, a regular file, garbage bytes, an empty file, a CSV cut inside its last
    row, and runs whose event file is cut."""
    root = tmp_path_factory.mktemp("inputs")
    argv = ["train", "--preset", "NAU", "--op", "add", "--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]",
            "--range-id", "r7", "--seeds", "0-1", "--iterations", "10", "--log-interval", "5", "--out", "runs"]  # fmt: skip
    assert call_nalm(argv, cwd=root)[0] == 0
    assert call_nalm(["export", "runs", "--out", "export.csv"], cwd=root)[0] == 0
    (root / "adir").mkdir()
    (root / "afile").write_text("keep\n")
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 3)
    (root / "empty.csv").write_bytes(b"")
    text = (root / "export.csv").read_text()
    last_row_start = text.rstrip("\n").rfind("\n") + 1
    third_comma = last_row_start
    for _ in range(3):
        third_comma = text.index(",", third_comma) + 1
    (root / "cut.csv").write_text(text[:third_comma])
    with open(root / "cut.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows[-1]) < len(rows[0])
    shutil.copytree(root / "runs", root / "cut_runs")
    event = root / "cut_runs" / "r7" / "seed0" / "events.out.tfevents.0.nalm"
    event.write_bytes(event.read_bytes()[:-7])
    return root


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_wrong_value_in_one_line(inputs, command):
    parser = _subparsers(PARSER).choices[command]

    @fuzz(15)
    @given(st.data())
    def check(data):
        argv = [command, *_call(parser, data.draw, (command,))]
        work = Path(tempfile.mkdtemp(dir=inputs.parent)) / "work"
        shutil.copytree(inputs, work, symlinks=True)
        try:
            before = tree_digest(work)
            code, err = call_nalm(argv, cwd=work, seconds=30)
            assert_refused(code, err, argv)
            assert tree_digest(work) == before, f"{argv!r} changed the working directory"
        finally:
            shutil.rmtree(work.parent)

    check()


def test_every_command_file_is_fuzzed():
    """The commands come from nalm/commands/ itself: a new command is fuzzed without an edit here."""
    import pkgutil

    import nalm.commands

    files = {info.name.replace("_", "-") for info in pkgutil.iter_modules(nalm.commands.__path__) if not info.name.startswith("_")}
    assert files == set(COMMANDS) and len(COMMANDS) >= 7
    COUNTS["inputs"] += 0
