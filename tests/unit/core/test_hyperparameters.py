"""Hyper-parameter types: one definition (`nalm.core.hyperparameters.TYPES`) checks `--set`
values, preset files and, through the generated schema, the workflow config's `set:`."""

from pathlib import Path

import pytest
import yaml

from nalm.core import optim
from nalm.core.errors import UserError
from nalm.core.hyperparameters import FIELDS, TYPES, Hyperparameters, check_value, parse_override, schema
from nalm.core.presets import load_presets, resolve

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "workflow" / "schemas" / "hyperparameters.schema.yaml"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("learning_rate=abc", "expected a finite number >= 0"),
        ("learning_rate=-1", "expected a finite number >= 0"),
        ("learning_rate=.nan", "expected a finite number >= 0"),
        ("learning_rate=.inf", "expected a finite number >= 0"),
        ("batch_size=0", "expected an integer >= 1"),
        ("batch_size=1.5", "expected an integer >= 1"),
        ("batch_size=-4", "expected an integer >= 1"),
        ("batch_size=true", "expected an integer >= 1"),
        ("regularizer=[1,2]", "expected a finite number >= 0"),
        ("clip_grad_norm=abc", "expected null or a finite number > 0"),
        ("module_options=5", "expected a mapping"),
        ("l1=maybe", "expected true or false"),
        ("regularizer_ramp=[100,10]", "expected a pair [start, end] with start < end"),
        ("regularizer_ramp=[100,100]", "expected a pair [start, end] with start < end"),
        ("regularizer_ramp=100", "expected a pair [start, end] with start < end"),
        ("optimizer=adamw", "expected one of adam, sgd, rmsprop"),
        ("reinit={interval: 0}", "interval"),
        ("inalu_regularizer={weight: 1}", "expected null or a mapping"),
        ("lp_norm=3", "expected one of 1, 2"),
        ("beta_growth=0", "expected a finite number > 0"),
    ],
)
def test_bad_set_values_are_one_line_errors_naming_key_and_value(text, expected):
    with pytest.raises(UserError) as caught:
        parse_override(text)
    message = str(caught.value)
    assert "\n" not in message
    assert text.split("=")[0] in message and expected in message
    assert repr(text) in message


def test_good_set_values_keep_their_meaning():
    assert parse_override("learning_rate=5e-3") == ("learning_rate", 5e-3)
    assert parse_override("batch_size=1e3") == ("batch_size", 1000)  # YAML 1.1 reads 1e3 as a string
    assert parse_override("regularizer_ramp=[50000,75000]") == ("regularizer_ramp", (50000, 75000))
    assert parse_override("clip_grad_norm=null") == ("clip_grad_norm", None)
    assert parse_override("l1=true") == ("l1", True)
    assert parse_override("module_options={init: xavier}") == ("module_options", {"init": "xavier"})


def test_every_field_has_one_type_and_the_optimisers_match_the_engine():
    assert set(TYPES) == FIELDS
    assert TYPES["optimizer"].values == optim.OPTIMIZERS


@pytest.mark.parametrize("name", sorted(load_presets()))
def test_every_preset_of_every_paper_passes_the_checks(name):
    for op in load_presets()[name].get("ops", ["add"]):
        resolve(name, op)


def test_construction_checks_the_values_whatever_the_caller():
    with pytest.raises(UserError, match="bad value 0 for batch_size: expected an integer >= 1"):
        Hyperparameters(preset="x", batch_size=0)
    hyper = Hyperparameters(preset="x", batch_size=64.0, beta=[1e-7, 1e-5])
    assert hyper.batch_size == 64 and type(hyper.batch_size) is int and hyper.beta == (1e-7, 1e-5)
    # values given as they are in the presets keep their type (run.json records them)
    assert type(Hyperparameters(preset="x", regularizer=10).regularizer) is int


def test_check_value_names_key_and_value():
    with pytest.raises(UserError, match=r"bad value 'x' for l1: expected true or false"):
        check_value("l1", "x")


def test_the_workflow_schema_is_generated_from_the_types():
    # regenerate with: python -m nalm.core.hyperparameters > workflow/schemas/hyperparameters.schema.yaml
    committed = yaml.safe_load(SCHEMA_FILE.read_text())
    assert committed == schema()
    settable = set(committed["properties"])
    assert settable == FIELDS - {"preset", "op"}
