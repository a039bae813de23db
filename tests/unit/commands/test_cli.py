"""The `nalm` dispatcher: every file of nalm/commands is a command, in pipeline order; `nalm --help`
imports no command module (issue 13: it must start in well under 0.3 s, benchmarks/cli_startup.py)."""

import json
import subprocess
import sys
from pathlib import Path

import nalm.commands
from nalm.cli import build_parser, command_names, command_summary


def _files():
    return sorted(p.stem for p in Path(nalm.commands.__file__).parent.glob("*.py") if not p.stem.startswith("_"))


def _choices(parser):
    return next(a for a in parser._actions if a.dest == "command").choices


def test_every_command_file_is_a_command():
    files = _files()
    assert sorted(command_names()) == files
    assert command_names()[:6] == ["modules", "train", "thresholds", "export", "summarize", "plot"]
    # a module's sub-command is its file name with '-' for '_'
    assert sorted(_choices(build_parser())) == sorted(name.replace("_", "-") for name in files)


def test_the_listing_read_from_sources_is_what_the_modules_register():
    full, lazy = build_parser(), build_parser(["--help"])
    assert list(_choices(lazy)) == list(_choices(full))
    helps = {a.dest: a.help for a in next(a for a in full._actions if a.dest == "command")._choices_actions}
    for name in command_names():
        command, text = command_summary(name)
        assert helps[command] == text, name
        assert text, f"nalm {command} has no one-line help"


def test_help_imports_no_command_and_a_command_imports_only_itself():
    probe = ("import sys, contextlib, io, json\n"
             "from nalm.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    try: main(sys.argv[1:])\n"
             "    except SystemExit: pass\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('nalm.commands.', 'pandas', 'scipy', 'torch')))))")
    def imported(*argv):
        out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True).stdout
        return set(json.loads(out.splitlines()[-1]))
    assert imported("--help") == set()
    assert imported("modules", "--help") == {"nalm.commands.modules", "nalm.commands._help"}


def test_every_option_has_help_and_every_command_an_example():
    import argparse

    for command, parser in _choices(build_parser()).items():
        text = (parser.description or "") + (parser.epilog or "")
        assert "xample" in text, f"nalm {command} --help shows no example"
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert action.help, f"nalm {command}: {action.option_strings or action.dest} has no help"
        parser.format_help()  # every %(...)s in the help texts resolves
