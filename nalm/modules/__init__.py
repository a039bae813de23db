"""Registry of arithmetic modules by the names the presets and the CLI use.

Each module family lives in its own file and registers itself with `@register(...)`.
`build(name, ...)` makes one with R runs; `available()` lists the names.
"""

import importlib

from nalm.core.errors import UserError
from nalm.modules.base import ArithmeticModule

_REGISTRY: dict = {}

# Files that hold module families; imported on first use so `nalm --help` stays fast.
_FAMILIES = ["nac", "nalu", "inalu", "nau", "nmu", "npu", "nru", "nmru", "mcfc", "naive_npu", "nalu_jl", "nalu_nkarasovd", "nalu_xavier"]


def register(*names):
    """Class decorator: make the module buildable under each of `names`."""

    def decorate(cls):
        cls.names = tuple(names)
        for name in names:
            _REGISTRY[name] = cls
        return cls

    return decorate


def _load_families() -> None:
    for family in _FAMILIES:
        try:
            importlib.import_module(f"nalm.modules.{family}")
        except ModuleNotFoundError as error:
            if error.name != f"nalm.modules.{family}":
                raise


def available() -> list:
    _load_families()
    return sorted(_REGISTRY)


def module_class(name: str):
    _load_families()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UserError(f"unknown module {name!r}: expected one of {', '.join(available())}") from None


def build(name: str, input_size: int, output_size: int = 1, runs: int = 1, **options) -> ArithmeticModule:
    """A module of registry name `name` holding `runs` independent runs (not yet initialised)."""
    cls = module_class(name)
    try:
        return cls(input_size=input_size, output_size=output_size, runs=runs, **options)
    except (TypeError, ValueError) as error:
        raise UserError(f"bad options {options!r} for module {name!r}: {error}") from None
