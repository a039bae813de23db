"""The run names of the division-module paper's code: format and parse.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022;
`bmistry4/nalm-division`, `experiments/single_layer.py` names every run's TensorBoard directory
with 28 `_`-separated fields, read back by its R scripts (`export/single_layer_task/
_single_layer_task_expand_name.r`: field 1 the layer, 2 the op, 8/9 the ranges, 10 the input
size, 12 the seed, 16 the distribution). Compared with the Primer's names (`nalm.runs.names`)
they add the distribution (`D-`), the noise range (`n-`), the NMU-noise flag (`nM`) and the
training criterion, and drop the gradient-value clipping and re-initialisation fields.

Values are rendered with Python `str()` as argparse typed them: `--regualizer 0` is a float
(`0.0`) while the default λ stays the int `10`; `--regualizer-npu-w` and `--regualizer-gate` are
ints. A halves range (`[[lo0,hi0],[lo1,hi1],[]]`) is named by its first two elements, so its
name is that of a mirrored range (the original's quirk; its R threshold table keys on it).
"""

import ast
import re

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range
from nalm.tasks.distributions import parse_distribution

#: field 1 (`layer_type.lower()`) of this project's modules
LAYER_OF_MODULE = {
    "RealNPU": "realnpu",
    "NPU": "npu",
    "NRU": "nru",
    "NMRU": "signnmru",
    "NMRU-plain": "nmru",
    "NMRU-gated": "gatedsignnmru",
}
MODULE_OF_LAYER = {layer: module for module, layer in LAYER_OF_MODULE.items()}
FIELDS = 28

_NUM = r"(-?\d+(?:\.\d+)?(?:e[-+]\d+)?)"
_LIST = r"(\[[^\]]*\])"
_RANGE = rf"(?:{_LIST}-{_LIST}|{_NUM}-{_NUM})"
_PATTERNS = [re.compile(pattern + r"\Z") for pattern in (
    r"(?P<layer>[a-z0-9]+)(?P<sep>-sS)?",
    r"op-(?P<op>[a-z]+)",
    r"oob-[cr]",
    r"rs-[a-z]+-[a-z]+",
    rf"eps-{_NUM}",
    rf"rl-{_NUM}-{_NUM}",
    rf"r-{_NUM}-{_NUM}-{_NUM}",
    rf"i-{_RANGE}",
    rf"e-{_RANGE}",
    rf"z-(?:simple|{_NUM}-{_NUM}-{_NUM})",
    rf"b{_NUM}",
    rf"s{_NUM}",
    rf"h{_NUM}",
    rf"z{_NUM}",
    rf"lr-(?P<optimizer>[a-z]+)-{_NUM}-{_NUM}",
    r"D-(?P<distribution>u|b|e-.+|tn(?:--?\d+){4})",
    rf"n-{_NUM}-{_NUM}",
    r"L1[TF]",
    rf"rb-{_NUM}-{_NUM}-{_NUM}-{_NUM}",
    rf"rWnpu-{_NUM}-\w",
    rf"rg-{_NUM}",
    r"r[HM]",
    r"clip-[a-z]+",
    r"WrI-xuc?",
    r"nM[TF]",
    rf"gn-(?:F|{_NUM})",
    r"(?P<criterion>[a-z]+(?:-\d+)?(?:-TC)?)",
    r"id(-?\d+)",
)]


def _number(value) -> str:
    """A number as argparse's float leaves it for `str()`: `1e-09`, `0.0`, `1.0`."""
    return str(float(value))


def division_run_name(hyper, task, spec) -> str:
    """The name `experiments/single_layer.py` gives the run of `hyper` (a preset of
    `nalm/papers/division/presets.yaml`), `task` (`SingleModuleTask`) and `spec` (`RunSpec`)."""
    original, options = hyper.original, hyper.module_options
    layer = LAYER_OF_MODULE.get(hyper.module, str(hyper.module).lower())
    if options.get("div_mode") == "div-sepSign":
        layer += "-sS"
    # λ keeps the parser's int default 10 unless a script passed it (then a float, e.g. 0.0)
    regularizer = "10" if hyper.regularizer == 10 else _number(hyper.regularizer)
    momentum = _number(hyper.optimizer_options.get("momentum", 0.0))
    clip = options.get("clip", "none")
    fields = [
        layer,
        f"op-{task.op}",
        "oob-c",
        f"rs-linear-{original.get('regualizer_shape', 'linear')}",
        "eps-0",
        f"rl-{int(hyper.regularizer_ramp[0])}-{int(hyper.regularizer_ramp[1])}",
        f"r-{regularizer}-0-1",
        f"i-{spec.interpolation.run_name_field}",
        f"e-{spec.extrapolation.run_name_field}",
        f"z-{task.input_size}-{_number(task.subset_ratio)}-{_number(task.overlap_ratio)}",
        f"b{hyper.batch_size}",
        f"s{spec.seed}",
        "h2",
        f"z{task.num_subsets}",
        f"lr-{hyper.optimizer}-{'%.5f' % hyper.learning_rate}-{momentum}",
        f"D-{spec.distribution.run_name_field}",
        "n-1-5",
        f"L1{'T' if hyper.l1 else 'F'}",
        f"rb-{_number(hyper.beta[0])}-{_number(hyper.beta[1])}-{int(hyper.beta_step)}-{int(hyper.beta_growth)}",
        f"rWnpu-{int(hyper.regularizer_npu_w)}-{options.get('w_regularizer', 'W')[0]}",
        f"rg-{int(hyper.regularizer_gate)}",
        f"r{'H' if hyper.reg_scale_type == 'heim' else 'M'}",
        f"clip-{'n' if clip == 'none' else clip}",
        f"WrI-{'xuc' if options.get('init') == 'xavier-uniform-constrained' else 'xu'}",
        "nMF",
        f"gn-{'F' if hyper.clip_grad_norm is None else _number(hyper.clip_grad_norm)}",
        task.criterion,
        f"id{original.get('id', -1)}",
    ]
    return "_".join(fields)


def _range(groups):
    list0, list1, lo, hi = groups
    if list0 is not None:
        return parse_range([ast.literal_eval(list0), ast.literal_eval(list1)])
    return parse_range([ast.literal_eval(lo), ast.literal_eval(hi)])


def _distribution(field):
    if field == "u":
        return parse_distribution("uniform")
    if field == "b":
        return parse_distribution("benford")
    if field.startswith("tn-"):
        numbers = re.fullmatch(r"(-?\d+)-(-?\d+)-(-?\d+)-(-?\d+)", field[3:]).groups()
        return parse_distribution("truncated-normal " + " ".join(numbers))
    raise UserError(f"distribution field D-{field} is not one of this project's (u, b, tn-...)")


def parse_division_run_name(name: str) -> dict:
    """The settings in a division-paper run name: module, op, input_size, interpolation_range,
    extrapolation_range (`UniformRange`s), seed, distribution, criterion; `UserError` otherwise."""
    fields = str(name).split("_")
    if len(fields) != FIELDS:
        raise UserError(
            f"not a division-paper run name (expected {FIELDS} '_'-separated fields, got {len(fields)}): {name!r}"
        )
    matches = []
    for index, (pattern, field) in enumerate(zip(_PATTERNS, fields), start=1):
        match = pattern.match(field)
        if match is None:
            raise UserError(f"not a division-paper run name: field {index} {field!r} is malformed in {name!r}")
        matches.append(match)
    try:
        interpolation, extrapolation = _range(matches[7].groups()), _range(matches[8].groups())
    except (UserError, ValueError, SyntaxError) as error:
        raise UserError(f"not a division-paper run name: bad range in {name!r} ({error})") from None
    layer = matches[0].group("layer")
    dataset = matches[9].groups()
    return {
        "module": MODULE_OF_LAYER.get(layer, layer),
        "layer": layer + (matches[0].group("sep") or ""),
        "op": matches[1].group("op"),
        "interpolation_range": interpolation,
        "extrapolation_range": extrapolation,
        "input_size": None if dataset[0] is None else int(dataset[0]),
        "seed": int(matches[11].group(1)),
        "distribution": _distribution(matches[15].group("distribution")),
        "criterion": matches[26].group("criterion"),
    }
