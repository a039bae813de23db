"""`nalm thresholds`: write the success-threshold file (as `bmistry4/nalm-benchmark`'s
`export/single_layer_task/benchmark/generate_exp_thresholds.r`)."""

from nalm.analysis.thresholds import (
    DEFAULT_EPSILON,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    OPERATIONS,
    select_cases,
    threshold_table,
)
from nalm.core.errors import UserError
from nalm.core.rcsv import write_r_csv


def _list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def _sizes(text):
    try:
        return [int(item) for item in _list(text)]
    except ValueError:
        raise UserError(f"malformed --input-sizes {text!r}: expected integers such as '2,10,100'") from None


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "thresholds",
        help="Monte Carlo success thresholds per operation, extrapolation range and input size",
        description=(
            "Estimate E[(f_eps - f_0)^2] by Monte Carlo for every case (by default the original's "
            "72: all ops at input size 2, add and sub also at 10 and 100) and write them with "
            "the exact closed form alongside."
        ),
    )
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--epsilon", type=float, default=DEFAULT_EPSILON, help="default: %(default)g")
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="Monte Carlo rows per case (default: %(default)d)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default: %(default)d")
    parser.add_argument("--ops", help=f"comma-separated subset of {','.join(OPERATIONS)}")
    parser.add_argument(
        "--input-sizes",
        help="comma-separated input sizes; replaces the original grid by ops x sizes x ranges",
    )
    parser.add_argument("--ranges", help="comma-separated range ids (r1..r9)")
    parser.set_defaults(func=run)


def run(args):
    # Lists are parsed here, not by argparse `type=`, so that a bad value is a UserError.
    cases = select_cases(
        _list(args.ops) if args.ops else None,
        _sizes(args.input_sizes) if args.input_sizes else None,
        _list(args.ranges) if args.ranges else None,
    )
    if not cases:
        raise UserError("no cases selected: check --ops, --input-sizes and --ranges")
    table = threshold_table(cases, epsilon=args.epsilon, samples=args.samples, seed=args.seed)
    try:
        write_r_csv(table, args.out)
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    return 0
