"""The `nalm` command line: one sub-command per pipeline stage.

Each sub-command lives in `nalm/commands/<name>.py` and exposes `add_parser(subparsers)`
(which registers its arguments and sets `func`) so this file stays a dispatcher.
"""

import argparse
import importlib
import sys

from nalm import __version__
from nalm.core.errors import UserError

# Order shown by `nalm --help`: the order of the pipeline.
COMMANDS = ["modules", "train", "thresholds", "export", "summarize", "plot", "profiles"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nalm",
        description="Neural arithmetic logic modules: train, export, summarise and plot.",
    )
    parser.add_argument("--version", action="version", version=f"nalm {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            command = importlib.import_module(f"nalm.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"nalm.commands.{name}":
                continue  # a stage not built yet in this checkout
            raise
        command.add_parser(subparsers)
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
