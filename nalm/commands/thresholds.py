"""`nalm thresholds`: write the success-threshold file (as `bmistry4/nalm-benchmark`'s
`export/single_layer_task/benchmark/generate_exp_thresholds.r`)."""

import math

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


def _list(text, option="--ops", example="add,sub"):
    """A comma-separated option value; given but empty is an error (not "everything")."""
    if text is None:
        return None
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise UserError(f"{option} {text!r}: expected a comma-separated list such as '{example}'")
    return items


def _sizes(text):
    try:
        return [int(item) for item in _list(text, "--input-sizes", "2,10,100")]
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
    from nalm.core.outputs import check_output_file

    # Lists are parsed here, not by argparse `type=`, so that a bad value is a UserError.
    check_output_file(args.out)
    if args.seed < 0:
        raise UserError(f"--seed {args.seed}: expected an integer >= 0")
    if not (math.isfinite(args.epsilon) and args.epsilon >= 0):  # argparse's float takes 'inf' and 'nan'
        raise UserError(f"--epsilon {args.epsilon}: expected a finite number >= 0")
    cases = select_cases(
        _list(args.ops),
        _sizes(args.input_sizes) if args.input_sizes is not None else None,
        _list(args.ranges, "--ranges", "r1,r7"),
    )
    if not cases:
        raise UserError("no cases selected: check --ops, --input-sizes and --ranges")
    from nalm.core.progress import progress

    table = threshold_table(progress(cases, "nalm thresholds", " cases"), epsilon=args.epsilon, samples=args.samples,
                            seed=args.seed)
    try:
        write_r_csv(table, args.out)
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    return 0
