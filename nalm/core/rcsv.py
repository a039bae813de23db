"""CSV files in the shape R's `write.csv(..., row.names = FALSE)` gives them.

The original pipeline joins and reads its tables with R, so our tables keep its conventions:
strings quoted, logicals as bare `TRUE`/`FALSE`, missing values as bare `NA`, numbers with
up to 15 significant digits (R's `write.csv` default precision). pandas reads all of these
back (`NA` → NaN, `TRUE`/`FALSE` → bool).
"""

import math

import numpy as np
import pandas as pd


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "NA"
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return f"{float(value):.15g}"
    return '"' + str(value).replace('"', '""') + '"'


def write_r_csv(frame: pd.DataFrame, path) -> None:
    """Write `frame` like `write.csv(frame, path, row.names = FALSE)`."""
    lines = [",".join(_cell(str(name)) for name in frame.columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append(",".join(_cell(value) for value in row))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines) + "\n")


def read_checked_csv(path, what, required):
    """Read `path` (a `what`, e.g. "thresholds") and insist on the `required` columns.

    Unreadable files and missing columns become one-line `UserError`s naming the file.
    """
    from nalm.core.errors import UserError

    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {what} {path}: {error}") from None
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)}")
    fields = _last_row_fields(path)
    if fields is not None and fields < len(frame.columns):
        # pandas fills a short row with NaN: a file cut inside its last row would read as data
        raise UserError(f"{path}: its last row has {fields} of {len(frame.columns)} fields (cut short?)")
    return frame


def _last_row_fields(path):
    """How many fields the last line of `path` holds (None: no data row, or not a plain file)."""
    import csv
    import io
    import os

    if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 65536))
        tail = handle.read().decode("utf-8", errors="replace")
    lines = tail.rstrip("\r\n").splitlines()
    if len(lines) < 2:  # the header alone, or one line longer than the window
        return None
    row = next(csv.reader(io.StringIO(lines[-1])), None)
    return None if row is None else len(row)
