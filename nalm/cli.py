"""The `nalm` command line: one sub-command per pipeline stage.

Each sub-command lives in `nalm/commands/<name>.py` and exposes `add_parser(subparsers)`
(which registers its arguments and sets `func`) so this file stays a dispatcher. Every file of
`nalm/commands/` is a command: a paper's new verbs need no edit here. `add_parser` must stay
cheap (no torch, pandas or scipy at import time) so that `nalm --help` is fast.
"""

import argparse
import importlib
import pkgutil
import sys

from nalm import __version__
from nalm.core.errors import UserError

# Order shown by `nalm --help`: the Primer pipeline's order, then every other command by name.
PIPELINE = ["modules", "train", "thresholds", "export", "summarize", "plot", "profiles"]


def command_names() -> list:
    import nalm.commands

    found = sorted(info.name for info in pkgutil.iter_modules(nalm.commands.__path__) if not info.name.startswith("_"))
    return [name for name in PIPELINE if name in found] + [name for name in found if name not in PIPELINE]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nalm",
        description="Neural arithmetic logic modules: train, export, summarise and plot.",
    )
    parser.add_argument("--version", action="version", version=f"nalm {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in command_names():
        importlib.import_module(f"nalm.commands.{name}").add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"nalm {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"nalm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
