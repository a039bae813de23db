"""The workflow's config check (workflow/rules/checks.py, included by rules/common.smk) fed
malformed configs, `set:` mappings, paper-table rows, range strings and block manifests.

Each check answers None or one line, never an exception, and it agrees with the nalm function
it mirrors: a range string the rules accept is one `nalm train` accepts (and the other way
round), and a `set:` mapping the schema accepts is one whose every `--set key=value` (as the rules
pass it) `nalm train` accepts, so that no value passes the config check and then fails in a job.
"""

import copy
import csv
import functools
import importlib.util
import json
import math
from pathlib import Path

import pytest
import yaml
from _fuzzing import COUNTS, fuzz
from hypothesis import assume, given
from hypothesis import strategies as st

from nalm.core.errors import UserError
from nalm.core.hyperparameters import FIELDS, NOT_SETTABLE, parse_override
from nalm.core.ranges import parse_range

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "workflow" / "schemas"


def _load_checks():
    spec = importlib.util.spec_from_file_location("workflow_checks", REPO / "workflow" / "rules" / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checks = _load_checks()


@functools.cache
def _schema_text(name):
    return (SCHEMAS / f"{name}.schema.yaml").read_text()


def schema(name):
    return yaml.safe_load(_schema_text(name))


def problem(instance, schema_name, where=()):
    """config_problem, counted; it must be None or one line naming a key."""
    COUNTS["inputs"] += 1
    answer = checks.config_problem(instance, schema(schema_name), where)
    assert answer is None or (answer.startswith("bad config key '") and "\n" not in answer), answer
    return answer


# ------------------------------------------------------------------ values as YAML and JSON give them

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["abc", "", "maybe", "1e-3", "nan", "[1,2]", "..", "/tmp", "\0"])
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


# ------------------------------------------------------------------ range strings: checks.py == nalm


def _nalm_accepts_range(text) -> bool:
    try:
        parse_range(text)
    except UserError:
        return False
    return True


numbers = st.integers(-(2**1030), 2**1030) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans()
range_values = st.recursive(
    numbers | st.none() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner),
    max_leaves=7,
)
range_texts = (
    range_values.map(repr)
    | st.text(alphabet="[](),.-+0123456789eE naif", max_size=20)
    | st.sampled_from(["[1,2]", "[[-2,-1],[1,2]]", "[[-2,-1],[1,2],[]]", "(1,2)", "[1,2", "[2,1]", "[1e999,2e999]",
                       "[[1,2],[3,5]]", "[1,1]", "[[1,2],[3,4],()]", "", "   [1, 2]  ", "[1,2]\n", "[True, 2]"])  # fmt: skip
)


@fuzz(300)
@given(range_texts)
def test_range_check_agrees_with_nalm_train(text):
    COUNTS["inputs"] += 1
    answer = checks.range_problem(text)
    assert answer is None or "\n" not in answer
    assert (answer is None) == _nalm_accepts_range(text), (text, answer)


def test_range_check_examples():
    """Pinned: the issue's probe values (a tuple, a bound beyond float range, unequal widths)."""
    assert checks.range_problem("[1,2]") is None and checks.range_problem("[[-2,-1],[1,2],[]]") is None
    for text in ["(1,2)", "[1, 10**400]", "[1,1]", "[[-3,-1],[1,2]]", "[1,2", 5, None]:
        assert checks.range_problem(text) is not None, text
        if isinstance(text, str):
            assert not _nalm_accepts_range(text), text


# ------------------------------------------------------------------ set: mappings: schema == nalm train

settable = sorted(FIELDS - set(NOT_SETTABLE))
set_keys = st.sampled_from(settable) | st.text(max_size=6)


def _train_accepts(values) -> bool:
    """What `nalm train` says of the flags the rules pass (common.smk's set_flags: JSON values)."""
    try:
        for key, value in values.items():
            parse_override(f"{key}={json.dumps(value, separators=(',', ':'))}")
    except UserError:
        return False
    return True


def _json_representable(value) -> bool:
    try:
        json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        return False
    return True


@fuzz(200)
@given(st.dictionaries(set_keys, values, max_size=3))
def test_set_mapping_the_schema_accepts_trains(values):
    assume(_json_representable(values))
    answer = problem(copy.deepcopy(values), "hyperparameters", ("primer", "experiments", "e", "set"))
    if answer is None:
        assert _train_accepts(values), values
    else:
        key = answer.split("'")[1]
        assert key.startswith("primer.experiments.e.set"), answer


@pytest.mark.parametrize(
    "values",
    [{"learning_rate": "abc"}, {"batch_size": 0}, {"batch_size": 1.5}, {"batch_size": -4}, {"regularizer": [1, 2]},
     {"clip_grad_norm": "abc"}, {"module_options": 5}, {"l1": "maybe"}, {"regularizer_ramp": [100, 10]},
     {"learning_rate": math.nan}, {"lerning_rate": 1}],
)  # fmt: skip
def test_set_values_of_the_issue_are_refused_by_both(values):
    assert problem(copy.deepcopy(values), "hyperparameters") is not None
    assert not _train_accepts(values)


# ------------------------------------------------------------------ the real config, mutated


def _leaves(tree, path=()):
    """(path, value) of every value in a nested mapping."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, (*path, key))
    if path:
        yield path, tree


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
SECTIONS = [name for name in CONFIG if (SCHEMAS / f"{name}.schema.yaml").exists()]
TOP_LEVEL = {key: value for key, value in CONFIG.items() if key not in SECTIONS}


def test_every_paper_section_has_a_schema_and_passes_unchanged():
    assert set(CONFIG) == {"papers", "device", *SECTIONS}, sorted(CONFIG)
    assert problem(copy.deepcopy(TOP_LEVEL), "config") is None
    for section in SECTIONS:
        assert problem(copy.deepcopy(CONFIG[section]), section, (section,)) is None, section


def _open_mapping(schema_of_section, path) -> bool:
    """Whether `path` lies inside a mapping the section's schema leaves open (`type: object` with
    no properties, e.g. ntm.training): what such a mapping holds is for the paper's rules to check
    (the Primer's `set:` through check_hyperparameters), not the schema."""
    node = schema_of_section
    for key in path[:-1]:
        node = (node.get("properties") or {}).get(key)
        if not isinstance(node, dict):
            return False
        if "$ref" in node:
            node = schema_of_section["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if node.get("type") == "object" and "properties" not in node and "additionalProperties" not in node:
            return True
    return False


def test_a_string_where_anything_else_is_expected_is_refused_for_every_key():
    """Every key of config/config.yaml whose value is a number, flag, list or mapping: a string
    there is one line naming that key."""
    tried = 0
    for section in ["config", *SECTIONS]:
        original = TOP_LEVEL if section == "config" else CONFIG[section]
        where = () if section == "config" else (section,)
        for path, value in _leaves(original):
            if value is None or isinstance(value, str) or _open_mapping(schema(section), path):
                continue
            tree = copy.deepcopy(original)
            _set(tree, path, "§garbage")
            COUNTS["faults"] += 1
            answer = problem(tree, section, where)
            assert answer is not None, (section, path)
            assert answer.startswith(f"bad config key '{'.'.join(map(str, (*where, *path)))}'"), answer
            tried += 1
    assert tried > 50


@fuzz(150)
@given(st.data())
def test_mutated_config_section_is_none_or_one_line(data):
    section = data.draw(st.sampled_from(["config", *SECTIONS]), label="section")
    tree = copy.deepcopy(TOP_LEVEL if section == "config" else CONFIG[section])
    path, _ = data.draw(st.sampled_from(list(_leaves(tree))), label="key")
    mutation = data.draw(st.sampled_from(["value", "unknown key", "delete"]), label="mutation")
    COUNTS["faults"] += 1
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    if mutation == "value":
        parent[path[-1]] = data.draw(values, label="value")
    elif mutation == "unknown key":
        parent[data.draw(st.text(min_size=1, max_size=6), label="new key")] = data.draw(values, label="its value")
    else:
        del parent[path[-1]]
    problem(tree, section, () if section == "config" else (section,))


# ------------------------------------------------------------------ the paper tables' rows, mutated


def _table_rows(paper):
    path = REPO / "nalm" / "papers" / paper / "experiments.tsv"
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _row_instance(row):
    """A row as helpers/primer.smk turns it into the instance it validates."""
    return {"preset": row["preset"], "op": row["op"], "input_size": int(row["input_size"]),
            "iterations": int(row["iterations"]), "set": json.loads(row["set"]) if row["set"] else {}}  # fmt: skip


PRIMER_ROWS = [_row_instance(row) for row in _table_rows("primer")]


def test_every_primer_row_passes():
    for row in PRIMER_ROWS:
        assert problem(copy.deepcopy(row), "primer_experiments") is None, row
        assert problem(copy.deepcopy(row["set"]), "hyperparameters") is None, row


@fuzz(100)
@given(st.sampled_from(PRIMER_ROWS), st.sampled_from(["preset", "op", "input_size", "iterations", "set"]), values)
def test_mutated_primer_row_is_none_or_one_line(row, key, value):
    COUNTS["faults"] += 1
    row = {**copy.deepcopy(row), key: value}
    answer = problem(row, "primer_experiments", ("nalm/papers/primer/experiments.tsv", "e"))
    if answer is None and isinstance(row["set"], dict) and _json_representable(row["set"]):
        if problem(copy.deepcopy(row["set"]), "hyperparameters") is None:
            assert _train_accepts(row["set"]), row


# ------------------------------------------------------------------ block manifests and blocked paths


@fuzz(150)
@given(st.binary(max_size=200) | st.text(alphabet="0123456789\t\n#abc/.", max_size=80))
def test_manifest_check_never_raises(tmp_path_factory, content):
    COUNTS["inputs"] += 1
    COUNTS["faults"] += 1
    directory = tmp_path_factory.mktemp("manifest")
    path = directory / "block.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    answer = checks.manifest_problem(str(path))
    assert answer is None or "\n" not in answer


@fuzz(100)
@given(st.lists(st.sampled_from(["results", "runs", "a", "..", ".", "", "x.txt"]), min_size=1, max_size=5))
def test_blocked_path_finds_the_file_in_the_way(tmp_path_factory, parts):
    COUNTS["inputs"] += 1
    root = tmp_path_factory.mktemp("blocked")
    (root / "results").mkdir()
    (root / "results" / "x.txt").write_text("keep")
    path = str(root.joinpath(*parts))
    blocked = checks.blocked_path(path)
    if blocked is not None:
        assert Path(blocked).is_file()


def test_an_unknown_key_holding_a_newline_is_still_one_line():
    """Found by the fuzz test: the key was printed as it is, so the error took two lines."""
    answer = problem({**copy.deepcopy(CONFIG["primer"]), "a\nb": 1}, "primer", ("primer",))
    assert answer == "bad config key 'primer.a\\nb': unknown key " + answer.split("unknown key ", 1)[1]


def test_a_manifest_line_holding_a_nul_is_damage(tmp_path):
    """Found by the fuzz test: os.stat raised ValueError (embedded null byte) while the rules parsed."""
    path = tmp_path / "block.txt"
    path.write_bytes(b"12\truns/a\0b\n")
    assert "no file can have" in checks.manifest_problem(str(path))
