"""`nalm profiles install` links into the directory Snakemake itself searches for `--profile NAME`
(platformdirs, as snakemake.common.get_appdirs): right on macOS too (issue 13)."""

from pathlib import Path

import platformdirs
from snakemake.common import get_appdirs

from nalm.commands.profiles import default_destination


def test_destination_is_snakemakes_user_config_dir():
    assert default_destination() == Path(get_appdirs().user_config_dir)


def test_destination_follows_the_platform(monkeypatch):
    class MacDirs:
        def __init__(self, *args):
            self.user_config_dir = str(Path.home() / "Library" / "Application Support" / args[0])

    monkeypatch.setattr(platformdirs, "AppDirs", MacDirs)
    assert default_destination() == Path.home() / "Library" / "Application Support" / "snakemake"
