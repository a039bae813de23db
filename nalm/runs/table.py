"""One run's event records as the original export's rows (`bmistry4/nalm-benchmark`,
`stable_nalu/reader/tensorboard_metric_reader.py`, used by `export/simple_function_static.py`).

The original reader walks the events in file order. A value of `metric/valid/interpolation` or
`metric/test/extrapolation` goes into its column; whenever that makes the column longer than
`step` (or `wall.time`), the event's step (wall time) is appended, which opens a row. Sparsity
tags count only while the last metric seen had the same step, and fill `sparse.error.max`:

* `…W/sparsity_error`, `…W_real/sparsity_error`, `…mcfc_junction/sparsity_error` open the
  row's value, or, if the row has one, replace it by the max (NALU logs SE(W) twice per step);
* `…W_im/sparsity_error` and `…mcfc_out_gate/sparsity_error` average with it: (a + b)/2;
* `…mulmcfc_bias/sparsity_error`: (2a + b)/3; `…mulmcfcsignrealnpu_g_hat/sparsity_error`: (3a + b)/4;
  these three do nothing when the row has no value yet (the original's no-op
  `assert "<string>"`), which is why MulMCFC's bias and g_hat, logged before the junction,
  are dropped;
* every other tag (iNALU's W_a, W_m and gate, the NPU gates, NALU's gate mean) is ignored.

So iNALU gets its logged `W` value (the mean of W_a and W_m), the NPU the mean of W_re and
W_im, the Real NPU SE(W_re). A run with no sparsity tag gets an empty column. Arithmetic is
in double precision on the float32 values, as in the original.
"""

INTERPOLATION = "metric/valid/interpolation"
EXTRAPOLATION = "metric/test/extrapolation"

#: The two original exporters: the Primer's (`bmistry4/nalm-benchmark`) and the division-module
#: paper's (`bmistry4/nalm-division`, same file), which adds `…W_im/sparsity_error` to the row's
#: value (a + b) instead of averaging it.
READERS = ("benchmark", "division")

# Checked in this order, as the original's elif chain: the first matching suffix decides.
_SPARSITY_RULES = (
    ("W/sparsity_error", "open"),
    ("W_real/sparsity_error", "open"),
    ("W_im/sparsity_error", 2),
    ("mcfc_junction/sparsity_error", "open"),
    ("mcfc_out_gate/sparsity_error", 2),
    ("mulmcfc_bias/sparsity_error", 3),
    ("mulmcfcsignrealnpu_g_hat/sparsity_error", 4),
)

_DIVISION_RULES = (
    ("W/sparsity_error", "open"),
    ("W_real/sparsity_error", "open"),
    ("W_im/sparsity_error", "add"),
)


def sparsity_rule(tag: str, reader: str = "benchmark"):
    """'open', the cardinality n of a running mean ((n-1)·a + b)/n, 'add', or None to ignore the tag."""
    for suffix, rule in _DIVISION_RULES if reader == "division" else _SPARSITY_RULES:
        if tag.endswith(suffix):
            return rule
    return None


def _larger(current, value):
    # Python's max(current, value) keeps `current` unless `value` is strictly greater, so a
    # NaN already in the row stays and a NaN arriving second is dropped: keep that exactly.
    return value if value > current else current


def run_rows(records, reader="benchmark"):
    """The run's rows as a list of (step, wall_time, interpolation, extrapolation, sparse_error_max).

    `records`: (wall_time, step, tag, value) in file order, as `nalm.runs.events.read_event_file`
    yields them. Missing values are None. Where the original pads a column that is exactly one
    short (its "flushing issue" fix) and crashes on anything shorter, every short column is
    padded here.
    """
    steps, walls, interpolation, extrapolation, sparse = [], [], [], [], []
    metric_columns = {INTERPOLATION: interpolation, EXTRAPOLATION: extrapolation}
    rules = {}  # tag -> rule; tags repeat at every logged step
    last_metric_step = None
    for wall_time, step, tag, value in records:
        column = metric_columns.get(tag)
        if column is not None:
            column.append(value)
            last_metric_step = step
            if len(steps) != len(column):
                steps.append(step)
            if len(walls) != len(column):
                walls.append(wall_time)
            continue
        if step != last_metric_step:
            continue
        rule = rules.get(tag, "unknown")
        if rule == "unknown":
            rule = rules[tag] = sparsity_rule(tag, reader)
        if rule is None:
            continue
        row_open = len(sparse) == len(steps)
        if rule == "open":
            if row_open:
                sparse[-1] = _larger(sparse[-1], value)
            else:
                sparse.append(value)
        elif rule == "add":
            if row_open:
                sparse[-1] = sparse[-1] + value
        elif row_open:
            sparse[-1] = (sparse[-1] * (rule - 1) + value) / rule
    rows = len(steps)
    for column in (walls, interpolation, extrapolation, sparse):
        column.extend([None] * (rows - len(column)))
    return list(zip(steps, walls, interpolation, extrapolation, sparse))

