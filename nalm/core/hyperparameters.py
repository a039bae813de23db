"""The hyper-parameters of a block of runs: optimiser, schedules, regularisers, clipping.

Their defaults are the argument defaults of the Primer's single-module benchmark script
(`bmistry4/nalm-benchmark`, `experiments/single_layer_benchmark.py`); a paper's presets
(`nalm/papers/<paper>/presets.yaml`, loaded by `nalm.core.presets`) override them, and a user
overrides those with `--set key=value`.

`TYPES` is the one definition of what each field may hold: constructing `Hyperparameters`
checks every value against it (so a preset file, `--set` and any task's own values are checked
alike), and the workflow's schema of the config's `set:` mappings
(`workflow/schemas/hyperparameters.schema.yaml`) is generated from it:

    python -m nalm.core.hyperparameters > workflow/schemas/hyperparameters.schema.yaml
"""

import dataclasses
import math
import sys
from dataclasses import dataclass, field

import yaml

from nalm.core.errors import UserError


@dataclass(frozen=True)
class Hyperparameters:
    """Everything the training engine needs besides the task.

    The defaults are the argparse defaults of `bmistry4/nalm-benchmark`'s
    `experiments/single_layer_benchmark.py`; the loss terms follow its training loop.
    """

    preset: str
    #: the registered arithmetic module (tasks whose network is one module); None otherwise
    module: str | None = None
    #: the arithmetic operation of tasks that have one; None otherwise
    op: str | None = None
    module_options: dict = field(default_factory=dict)
    #: `adam`, `sgd` or `rmsprop` (`nalm.core.optim`); the Primer's script uses Adam throughout
    optimizer: str = "adam"
    #: extra keyword arguments of the optimiser, e.g. {momentum: 0.9} for RMSprop
    optimizer_options: dict = field(default_factory=dict)
    learning_rate: float = 1e-3
    batch_size: int = 128
    #: λ of the module's sparsity regulariser `W` (`--regualizer`), scaled by the ramp s(t)
    regularizer: float = 10.0
    #: s(t) = clip((t - start) / (end - start), 0, 1); never active by default (1e6 -> 2e6)
    regularizer_ramp: tuple = (1_000_000, 2_000_000)
    #: L1 over every parameter, weighted by β(t) (`--regualizer-l1`)
    l1: bool = False
    #: the norm of that term: 1 (Σ|p|) or 2 (Σ‖p‖₂ per parameter tensor, not squared; the
    #: division-module paper's `--lp-norm 2` appendix run, `bmistry4/nalm-division`,
    #: `stable_nalu/functional/regualizer.py` `lp_norm`)
    lp_norm: int = 1
    #: β(t): starts at beta[0], multiplied by beta_growth every beta_step iterations while < beta[1]
    beta: tuple = (1e-5, 1e-4)
    beta_step: int = 10_000
    beta_growth: float = 10.0
    #: `heim`: NPU-style terms use β(t); `madsen`: they use s(t) (`--reg-scale-type`)
    reg_scale_type: str = "heim"
    regularizer_npu_w: float = 0.0
    regularizer_gate: float = 0.0
    #: iNALU: add weight·R when the last logged validation MSE < mse_below and t > after_iteration
    inalu_regularizer: dict | None = None
    clip_grad_value: float | None = None
    clip_grad_norm: float | None = None
    #: iNALU re-initialisation (`--reinit`): interval, max_stored_losses, loss_threshold
    reinit: dict | None = None
    #: flags that only shape the original run name (`nalm.runs.names`)
    original: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in (f.name for f in dataclasses.fields(self)):
            object.__setattr__(self, name, check_value(name, getattr(self, name)))

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


FIELDS = {f.name for f in dataclasses.fields(Hyperparameters)}


# ---------------------------------------------------------------- value types
#
# Each type checks a value (returning it, a pair as a tuple, an integral float of an integer
# field as an int; other values keep their type, since run.json records them) or raises
# ValueError; `expected` says what it wants and `schema()` is the same rule as JSON Schema.
# Numbers are never NaN (workflow/rules/common.smk's type checker says so for the schema) and
# finite unless `infinite`; one keyword beyond the standard, `x-increasing` (a pair with
# start < end), is read by common.smk's validator.


def _is_number(value, infinite=False) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return math.isfinite(value) or (infinite and not math.isnan(value))


def _or_null(nullable: bool, expected: str, schema: dict):
    if not nullable:
        return expected, schema
    return f"null or {expected}", {"oneOf": [{"type": "null"}, schema]}


@dataclass(frozen=True)
class Number:
    minimum: float | None = None
    exclusive: bool = False  # minimum excluded
    integer: bool = False
    nullable: bool = False
    infinite: bool = False  # ±inf allowed (e.g. a bound that never binds)

    def check(self, value):
        if value is None and self.nullable:
            return value
        ok = _is_number(value, self.infinite) and (not self.integer or float(value).is_integer())
        if ok and self.minimum is not None:
            ok = value > self.minimum if self.exclusive else value >= self.minimum
        if not ok:
            raise ValueError(self.expected)
        return int(value) if self.integer else value

    def _bare(self):
        kind = "an integer" if self.integer else "a number" if self.infinite else "a finite number"
        schema = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            kind += f" {'>' if self.exclusive else '>='} {self.minimum:g}"
            schema["exclusiveMinimum" if self.exclusive else "minimum"] = self.minimum
        elif not self.infinite:
            schema["minimum"] = -sys.float_info.max
        if not self.infinite:
            schema["maximum"] = sys.float_info.max
        return kind, schema

    @property
    def expected(self):
        return _or_null(self.nullable, *self._bare())[0]

    def schema(self):
        return _or_null(self.nullable, *self._bare())[1]


@dataclass(frozen=True)
class Boolean:
    expected = "true or false"

    def check(self, value):
        if not isinstance(value, bool):
            raise ValueError(self.expected)
        return value

    def schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice:
    values: tuple

    @property
    def expected(self):
        return f"one of {', '.join(map(str, self.values))}"

    def check(self, value):
        for choice in self.values:
            if type(value) is type(choice) and value == choice:
                return value
            if isinstance(choice, int) and _is_number(value) and value == choice:
                return choice  # 2.0 for lp_norm 2
        raise ValueError(self.expected)

    def schema(self):
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Text:
    nullable: bool = False

    @property
    def expected(self):
        return _or_null(self.nullable, "a non-empty string", {})[0]

    def check(self, value):
        if (value is None and self.nullable) or (isinstance(value, str) and value):
            return value
        raise ValueError(self.expected)

    def schema(self):
        return _or_null(self.nullable, "", {"type": "string", "minLength": 1})[1]


@dataclass(frozen=True)
class Pair:
    item: Number
    increasing: bool = False

    @property
    def expected(self):
        order = " with start < end" if self.increasing else ""
        return f"a pair [start, end]{order}, each {self.item.expected}"

    def check(self, value):
        if not (isinstance(value, (list, tuple)) and len(value) == 2):
            raise ValueError(self.expected)
        try:
            start, end = (self.item.check(v) for v in value)
        except ValueError:
            raise ValueError(self.expected) from None
        if self.increasing and not start < end:
            raise ValueError(self.expected)
        return (start, end)

    def schema(self):
        schema = {"type": "array", "minItems": 2, "maxItems": 2, "items": self.item.schema()}
        if self.increasing:
            schema["x-increasing"] = True
        return schema


@dataclass(frozen=True)
class Mapping:
    #: key -> type; None: any string keys with any values (options passed on as keywords)
    keys: dict | None = None
    required: tuple = ()
    nullable: bool = False

    def _bare(self):
        if self.keys is None:
            return "a mapping", {"type": "object", "propertyNames": {"type": "string"}}
        listed = ", ".join(f"{key}{'' if key in self.required else '?'}" for key in self.keys)
        schema = {
            "type": "object", "additionalProperties": False, "required": list(self.required),
            "properties": {key: kind.schema() for key, kind in self.keys.items()},
        }  # fmt: skip
        return f"a mapping {{{listed}}}", schema

    @property
    def expected(self):
        return _or_null(self.nullable, *self._bare())[0]

    def check(self, value):
        if value is None and self.nullable:
            return value
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise ValueError(self.expected)
        if self.keys is None:
            return value
        if set(value) - set(self.keys) or set(self.required) - set(value):
            raise ValueError(self.expected)
        for key, item in value.items():
            try:
                self.keys[key].check(item)
            except ValueError as error:
                raise ValueError(f"{self.expected}, {key} {error}") from None
        return value

    def schema(self):
        return _or_null(self.nullable, *self._bare())[1]


_POSITIVE, _NON_NEGATIVE = Number(0, exclusive=True), Number(0)

#: what each field of `Hyperparameters` may hold
TYPES = {
    "preset": Text(),
    "module": Text(nullable=True),
    "op": Text(nullable=True),
    "module_options": Mapping(),
    "optimizer": Choice(("adam", "sgd", "rmsprop")),
    "optimizer_options": Mapping(),
    "learning_rate": _NON_NEGATIVE,
    "batch_size": Number(1, integer=True),
    "regularizer": _NON_NEGATIVE,
    "regularizer_ramp": Pair(Number(), increasing=True),
    "l1": Boolean(),
    "lp_norm": Choice((1, 2)),
    "beta": Pair(_NON_NEGATIVE),
    "beta_step": Number(1, integer=True),
    "beta_growth": _POSITIVE,
    "reg_scale_type": Choice(("heim", "madsen")),
    "regularizer_npu_w": _NON_NEGATIVE,
    "regularizer_gate": _NON_NEGATIVE,
    "inalu_regularizer": Mapping(
        {"weight": _NON_NEGATIVE, "mse_below": Number(infinite=True), "after_iteration": Number(0, integer=True)},
        required=("weight", "mse_below", "after_iteration"), nullable=True,
    ),
    "clip_grad_value": Number(0, exclusive=True, nullable=True),
    "clip_grad_norm": Number(0, exclusive=True, nullable=True),
    "reinit": Mapping(
        {"interval": Number(1, integer=True), "max_stored_losses": Number(1, integer=True), "loss_threshold": Number()},
        nullable=True,
    ),
    "original": Mapping(),
}
#: fields a user may not `--set` (a preset and its op are chosen by name)
NOT_SETTABLE = ("preset", "op")


def check_value(key: str, value, where: str = ""):
    """`value` checked against `TYPES[key]` (see the types above); a `UserError` naming both if bad."""
    try:
        return TYPES[key].check(value)
    except ValueError as error:
        place = f" in {where}" if where else ""
        raise UserError(f"bad value {value!r} for {key}{place}: expected {error}") from None


def schema() -> dict:
    """The JSON Schema of a `set:` mapping (workflow/schemas/hyperparameters.schema.yaml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "hyper-parameters of a `set:` mapping (generated from nalm/core/hyperparameters.py)",
        "type": "object",
        "additionalProperties": False,
        "properties": {key: kind.schema() for key, kind in TYPES.items() if key not in NOT_SETTABLE},
    }


def parse_override(text: str) -> tuple:
    """`key=value` with a YAML value (`regularizer_ramp=[50000,75000]`, `learning_rate=5e-3`)."""
    if "=" not in text:
        raise UserError(f"bad override {text!r}: expected key=value")
    key, raw = text.split("=", 1)
    key = key.strip()
    if key not in FIELDS or key in NOT_SETTABLE:
        raise UserError(f"unknown hyper-parameter {key!r} in {text!r}: expected one of {', '.join(sorted(FIELDS - set(NOT_SETTABLE)))}")
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise UserError(f"bad value in {text!r}: expected a YAML value") from None
    return key, check_value(key, _numbers(value), repr(text))


def _numbers(value):
    """YAML 1.1 reads `5e-3` (and JSON's `1e-07`) as a string; numbers are what every numeric key
    wants, also inside lists such as `beta=[1e-07,1e-05]`."""
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


if __name__ == "__main__":
    sys.stdout.write(
        "# Generated from nalm/core/hyperparameters.py (TYPES): do not edit; regenerate with\n"
        "#     python -m nalm.core.hyperparameters > workflow/schemas/hyperparameters.schema.yaml\n"
    )
    yaml.safe_dump(schema(), sys.stdout, sort_keys=False, width=100)
