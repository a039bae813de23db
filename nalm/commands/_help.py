"""Help that several commands share, applied by the dispatcher (nalm/cli.py) where a command's
own parser gives none: the meaning of the options every training command has, the choices of a
positional argument, and an example for the Primer pipeline's commands. A command's own help
text always wins."""

import argparse

#: option -> help, for options with one meaning in every command that has them
SHARED_OPTIONS = {
    "--device": "where to train: %(choices)s (default: %(default)s); cuda needs a CUDA build of torch",
    "--threads": "torch intra-op threads (default: %(default)s); numbers do not depend on it",
    "--log-interval": "iterations between logged evaluations: metrics.csv rows and event-file steps "
                      "(default: %(default)s)",
    "--overlap-ratio": "fraction of overlap between the two operand subsets (default: %(default)s)",
    "--task": "which task: %(choices)s",
}

#: (command, positional argument) -> help
POSITIONALS = {
    ("plot", "summaries"): "summary CSV files (nalm summarize output) of the figure's experiments",
    ("division-plot", "summary"): "the figure's summary CSV (nalm division-summary output)",
}

#: command -> example lines (the Primer's commands, as its rules call them)
EXAMPLES = {
    "modules": ["nalm modules"],
    "train": ["nalm train --preset NAU --op add --input-size 2 --seeds 0,1 --iterations 5000 \\",
              "    --range-id r2 --interpolation-range '[-2,-1]' --extrapolation-range '[-6,-2]' \\",
              "    --out results/runs/in2_add_NAU"],
    "thresholds": ["nalm thresholds --ops add --input-sizes 2 --ranges r2,r5 --out results/thresholds/fig14_add.csv"],
    "export": ["nalm export results/runs/in2_add_NAU --out results/tables/in2_add_NAU.csv"],
    "summarize": ["nalm summarize results/tables/in2_add_*.csv --thresholds results/thresholds/fig14_add.csv \\",
                  "    --out results/summaries/fig14_add.csv"],
    "plot": ["SOURCE_DATE_EPOCH=0 nalm plot results/summaries/fig14_add.csv --figure fig14 \\",
             "    --out results/figures/fig14_add.pdf"],
    "profiles": ["nalm profiles install lsf", "nalm profiles list"],
}


def complete(name: str, parser: argparse.ArgumentParser) -> None:
    """Fill in the shared help of `parser` (the sub-command `name`) where it has none."""
    for action in parser._actions:
        if action.help or isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        shared = next((SHARED_OPTIONS[o] for o in action.option_strings if o in SHARED_OPTIONS),
                      POSITIONALS.get((name, action.dest)))
        if shared is not None and ("%(choices)s" not in shared or action.choices):
            action.help = shared
        elif action.choices:
            action.help = "one of: %(choices)s"
    text = (parser.description or "") + (parser.epilog or "")
    if name in EXAMPLES and "xample" not in text:
        parser.epilog = "example:\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])
        if parser.formatter_class is argparse.HelpFormatter:
            parser.formatter_class = argparse.RawDescriptionHelpFormatter
