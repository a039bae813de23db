# Checks the rules make before any job, in plain Python: no nalm, no torch, no snakemake, so that
# parsing stays cheap (cluster jobs re-parse every rules file) and the tests can import this file
# (tests/fuzz/test_fuzz_config.py holds each check against the nalm function it mirrors).
# Included by rules/common.smk; every check returns what is wrong, or None.

import ast
import copy
import math
import os

import jsonschema


def config_validator():
    """Draft 2020-12 that also fills in each property's `default` (the schema's, only there).

    Two rules beyond the standard: a number is never NaN (YAML's `.nan` passes every comparison),
    and `x-increasing: true` asks a pair for start < end (nalm/core/hyperparameters.py)."""
    base = jsonschema.Draft202012Validator
    check_properties = base.VALIDATORS["properties"]

    def properties_with_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for key, subschema in properties.items():
                if isinstance(subschema, dict) and "default" in subschema and key not in instance:
                    instance[key] = copy.deepcopy(subschema["default"])
        yield from check_properties(validator, properties, instance, schema)

    def increasing(validator, wanted, instance, schema):
        if wanted and isinstance(instance, list) and len(instance) == 2:
            try:
                ordered = instance[0] < instance[1]
            except TypeError:
                return  # the items' own types are reported by `items`
            if not ordered:
                yield jsonschema.ValidationError(f"{instance!r}: expected a pair [start, end] with start < end")

    def is_number(checker, instance):
        return base.TYPE_CHECKER.is_type(instance, "number") and not (isinstance(instance, float) and math.isnan(instance))

    def is_integer(checker, instance):
        return base.TYPE_CHECKER.is_type(instance, "integer") and is_number(checker, instance)

    types = base.TYPE_CHECKER.redefine_many({"number": is_number, "integer": is_integer})
    return jsonschema.validators.extend(
        base, {"properties": properties_with_defaults, "x-increasing": increasing}, type_checker=types
    )


def config_problem(instance, schema, where=()):
    """`instance` checked against `schema` (defaults filled in): None, or one line naming the
    first bad key, `bad config key 'a.b.c': what is wrong`."""
    error = jsonschema.exceptions.best_match(config_validator()(schema).iter_errors(instance))
    if error is None:
        return None
    path, message = [*where, *error.absolute_path], error.message
    if error.validator == "additionalProperties" and "properties" in error.schema:
        known = error.schema["properties"]
        unknown = sorted((key for key in error.instance if key not in known), key=str)
        path += unknown[:1]
        message = f"unknown key (expected one of: {', '.join(known)})"
    elif error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        path += missing[:1]
        message = "missing"
    key = ".".join(str(part) for part in path) or "(top level)"
    return one_line(f"bad config key '{key}': {message}")


def one_line(text):
    """`text` with every unprintable character escaped (a key or value holding a newline still
    gives one line)."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


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
        except ValueError:  # a NUL in the line: the manifest itself is damaged
            return f"the manifest lists a path no file can have ({listed!r})"
        if size is not None and size != str(found):
            return f"{listed} has {found} bytes, {size} when it was written"
    return None
