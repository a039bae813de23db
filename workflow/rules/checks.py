# Checks the rules make before any job, in plain Python: no nalm, no torch, no snakemake, so that
# parsing stays cheap (cluster jobs re-parse every rules file) and the tests can import this file
# (tests/unit/workflow/test_checks.py holds each check against the nalm function it mirrors).
# Included by rules/common.smk; every function returns what is wrong, or None.

import ast
import math
import os

RANGE_EXPECTED = (
    "expected '[lo,hi]' with lo < hi, '[[lo0,hi0],[lo1,hi1]]' with equal widths, "
    "or the halves form '[[lo0,hi0],[lo1,hi1],[]]'"
)


def _range_number(value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _range_pair(item):
    if isinstance(item, list) and len(item) == 2 and all(_range_number(v) for v in item) and item[0] < item[1]:
        return item
    return None


def range_problem(text):
    """What is wrong with a range string, as `nalm.core.ranges.parse_range` reads it (None if nothing).

    The same grammar: a Python literal of lists (no tuples) `[lo,hi]`, mirrored
    `[[lo0,hi0],[lo1,hi1]]` with equal widths, or halves `[[lo0,hi0],[lo1,hi1],[]]`.
    """
    if not isinstance(text, str):
        return f"expected a string, not {type(text).__name__}: {RANGE_EXPECTED}"
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return RANGE_EXPECTED
    if _range_pair(value) is not None:
        return None
    if isinstance(value, list) and len(value) == 3 and value[2] == [] and isinstance(value[2], list):
        value = value[:2]
    if isinstance(value, list) and len(value) == 2:
        parts = [_range_pair(item) for item in value]
        if all(part is not None for part in parts):
            (lo0, hi0), (lo1, hi1) = parts
            if lo0 - hi0 != lo1 - hi1:
                return "the two sides of a mirrored range must have equal widths"
            return None
    return RANGE_EXPECTED


def blocked_path(path):
    """The part of `path` (a file or directory the rules will write) that exists but is not a
    directory although something must be written below it, e.g. `results/runs` left as a file."""
    parts = os.path.normpath(path).split(os.sep)
    for end in range(1, len(parts)):
        prefix = os.sep.join(parts[:end]) or os.sep
        if os.path.lexists(prefix) and not os.path.isdir(prefix):
            return prefix
    return None


def manifest_problem(path):
    """What no longer matches between a block manifest (`nalm train --manifest`: size<TAB>path per
    run file) and the disk: a listed file missing, or of another size (None: all match, or no
    manifest). Manifests of older versions list paths only; those are checked for existence."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        return f"the manifest is unreadable ({error})"
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        size, tab, listed = line.partition("\t")
        if not tab:
            size, listed = None, line
        try:
            found = os.stat(listed).st_size
        except OSError:
            return f"{listed} is missing"
        if size is not None and size != str(found):
            return f"{listed} has {found} bytes, {size} when it was written"
    return None
