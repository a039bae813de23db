"""The `nalm` dispatcher: every file of nalm/commands is a command, in pipeline order."""

from pathlib import Path

import nalm.commands
from nalm.cli import build_parser, command_names


def test_every_command_file_is_a_command():
    files = sorted(p.stem for p in Path(nalm.commands.__file__).parent.glob("*.py") if not p.stem.startswith("_"))
    assert sorted(command_names()) == files
    assert command_names()[:6] == ["modules", "train", "thresholds", "export", "summarize", "plot"]
    choices = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert sorted(choices) == files
