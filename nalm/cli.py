"""The `nalm` command line: one sub-command per pipeline stage.

Each sub-command lives in `nalm/commands/<name>.py` and exposes `add_parser(subparsers)`
(which registers its arguments and sets `func`) so this file stays a dispatcher. Every file of
`nalm/commands/` is a command: a paper's new verbs need no edit here. `nalm --help` imports no
command: it lists each with the help its source's first `add_parser(...)` call gives (read with
`ast`); `nalm COMMAND ...` imports that command's module only. `nalm --help` takes well under
0.3 s (benchmarks/cli_startup.py measures it).
"""

import argparse
import ast
import importlib
import importlib.util
import pkgutil
import sys

from nalm.core.errors import UserError

# Order shown by `nalm --help`: the Primer pipeline's order, then every other command by name.
PIPELINE = ["modules", "train", "thresholds", "export", "summarize", "plot", "profiles"]
EPILOG = "Run 'nalm COMMAND --help' for a command's options and an example. Exit status 2 means a usage error."


def command_names() -> list:
    import nalm.commands

    found = sorted(info.name for info in pkgutil.iter_modules(nalm.commands.__path__) if not info.name.startswith("_"))
    return [name for name in PIPELINE if name in found] + [name for name in found if name not in PIPELINE]


def command_summary(name: str):
    """(sub-command, one-line help) that `nalm/commands/<name>.py` registers, read from its source
    without importing it (a command's module may import pandas or scipy); None when its first
    `add_parser(...)` call is not literal."""
    spec = importlib.util.find_spec(f"nalm.commands.{name}")
    try:
        with open(spec.origin, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, TypeError):
        return None
    function = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "add_parser"), None)
    for node in ast.walk(function) if function is not None else ():
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_parser" and node.args:
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            first, text = node.args[0], keywords.get("help")
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and (
                    text is None or isinstance(text, ast.Constant) and isinstance(text.value, str)):
                return first.value, (text.value if text is not None else None)
            return None
    return None


class _Version(argparse.Action):
    """`--version`: the installed distribution's version, looked up only when asked."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from nalm.runs.provenance import package_version

        print(f"nalm {package_version()}")
        parser.exit()


def _requested(argv) -> str | None:
    """The sub-command named on the command line (the first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv=None) -> argparse.ArgumentParser:
    """The whole parser; with `argv`, only the named command's module is imported (the others
    appear in the listing with the help their source gives), so that `nalm --help` and
    `nalm train ...` do not pay for every command's imports."""
    parser = argparse.ArgumentParser(
        prog="nalm",
        description="Neural arithmetic logic modules: train, export, summarise and plot.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action=_Version, help="print the installed nalm version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    requested = None if argv is None else _requested(argv)
    for name in command_names():
        summary = None if argv is None else command_summary(name)
        if summary is None or summary[0] == requested:
            from nalm.commands._help import complete  # shared option help and examples

            before = set(subparsers.choices)
            importlib.import_module(f"nalm.commands.{name}").add_parser(subparsers)
            for command in set(subparsers.choices) - before:
                complete(command, subparsers.choices[command])
        else:  # listed only; never parsed, since the requested command is a different one
            subparsers.add_parser(summary[0], **({"help": summary[1]} if summary[1] is not None else {}))
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from nalm.runs.provenance import source_state

    # the checkout as this process loads its code: a run written an hour later records that state,
    # not the commit the tree has moved to meanwhile (source_state is cached per process)
    source_state()
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
