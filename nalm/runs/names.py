"""The original code's long run name: format it and parse it.

The name is the f-string passed to `SummaryWriter` in `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py`; the R side parses it in `expand.name`
(`export/single_layer_task/_single_layer_task_expand_name.r`).

The name is the run's TensorBoard directory and becomes the `name` column of the exported CSV,
which the original R analysis splits on `_` to recover the module, op, ranges and seed. It has
26 `_`-separated fields; values are rendered with Python `str()`, so their types matter
(`10` vs `10.0`, `1e-05`): pass floats where the original parsed a command-line flag as a
float, and ints where it kept an int default (the script's argparse defaults are not converted).

`parse_run_name(name)` returns the keyword arguments of `format_run_name`, so
`format_run_name(**parse_run_name(name)) == name` for every well-formed name.
"""

import ast
import re

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range

# Field 1 (`layer_type.lower()` plus suffixes) of this project's registry names (the `--layer-type`
# values of `lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh`).
LAYER_OF_MODULE = {
    "NAC+": "nac",
    "NAC*": "mnac",
    "NALU": "nalu",
    "G-NALU": "nalu-gr",
    "iNALU": "inalu",
    "NAU": "reregualizedlinearnac",
    "NMU": "reregualizedlinearmnac",
    "NPU": "npu",
    "RealNPU": "realnpu",
    "MCFC": "mcfc",
    "MulMCFC": "mulmcfc",
    "MulMCFCSignINALU": "mulmcfcsigninalu",
    "MulMCFCSignRealNPU": "mulmcfcsignrealnpu",
    # The division-module paper's units (presets_division.yaml, `original.layer_type`).
    "NRU": "nru",
    "NMRU": "signnmru",
    "NMRU-plain": "nmru",
}
MODULE_OF_LAYER = {layer: module for module, layer in LAYER_OF_MODULE.items()}

# The labels the original R code gives field 1 (`expand.name`), for figures and tables.
R_MODEL_LABEL = {
    "NAC+": r"$\mathrm{NAC}_{+}$",
    "NAC*": r"$\mathrm{NAC}_{\bullet}$",
    "NALU": "NALU",
    "G-NALU": "G-NALU",
    "iNALU": "iNALU",
    "NAU": "NAU",
    "NMU": "NMU",
    "NPU": "NPU",
    "RealNPU": "Real NPU",
    "MCFC": "MCFC",
    "MulMCFC": "MulMCFC",
    "MulMCFCSignINALU": "MulMCFC (sign: iNALU)",
    "MulMCFCSignRealNPU": "MulMCFC (sign: Real NPU)",
}

# The original argument parser's defaults (`experiments/single_layer_benchmark.py`), typed as
# argparse leaves them.
DEFAULTS = {
    "op": "add",
    "oob_mode": "clip",
    "regualizer_scaling": "linear",
    "regualizer_shape": "linear",
    "mnac_epsilon": 0,
    "regualizer_scaling_start": 1000000,
    "regualizer_scaling_end": 2000000,
    "regualizer": 10,
    "regualizer_z": 0,
    "regualizer_oob": 1,
    "interpolation_range": [1, 2],
    "extrapolation_range": [2, 6],
    "simple": False,
    "input_size": 2,
    "subset_ratio": 0.5,
    "overlap_ratio": 0.0,
    "batch_size": 128,
    "seed": 0,
    "hidden_size": 2,
    "num_subsets": 2,
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "momentum": 0.0,
    "regualizer_l1": False,
    "regualizer_beta_start": 1e-5,
    "regualizer_beta_end": 1e-4,
    "regualizer_beta_step": 10000,
    "regualizer_beta_growth": 10,
    "regualizer_npu_w": 0,
    "realnpu_reg_type": "W",
    "regualizer_gate": 0,
    "reg_scale_type": "heim",
    "npu_clip": "none",
    "npu_wr_init": "xavier-uniform",
    "clip_grad_norm": None,
    "clip_grad_value": None,
    "reinit": False,
    "reinit_epoch_interval": 10,
    "reinit_max_stored_losses": 5000,
    "id": -1,
}

_WR_INIT = {"xavier-uniform": "xu", "xavier-uniform-constrained": "xuc"}
_OOB = {"clip": "c", "regualized": "r"}
_SCALE_TYPE = {"heim": "H", "madsen": "M"}


def _flag(value, true="T", false="F") -> str:
    return true if value else false


def format_run_name(module=None, layer=None, **fields) -> str:
    """The run name the original code gives these settings.

    `module` is a registry name (`NAU`, `RealNPU`, ...); `layer` (field 1 verbatim, e.g.
    `nalu-b`) overrides it for names outside the registry. Every other keyword is one of
    `DEFAULTS`; ranges may be strings, lists or `nalm.core.ranges.UniformRange`.
    """
    unknown = set(fields) - set(DEFAULTS)
    if unknown:
        raise UserError(f"unknown run-name field(s): {', '.join(sorted(unknown))}")
    if layer is None:
        if module not in LAYER_OF_MODULE:
            raise UserError(f"unknown module {module!r}: expected one of {', '.join(LAYER_OF_MODULE)}")
        layer = LAYER_OF_MODULE[module]
    f = {**DEFAULTS, **fields}
    if f["simple"]:
        dataset = "simple"
    else:
        dataset = f"{f['input_size']}-{f['subset_ratio']}-{f['overlap_ratio']}"
    parts = [
        layer,
        f"op-{f['op'].lower()}",
        f"oob-{_OOB[f['oob_mode']]}",
        f"rs-{f['regualizer_scaling']}-{f['regualizer_shape']}",
        f"eps-{f['mnac_epsilon']}",
        f"rl-{f['regualizer_scaling_start']}-{f['regualizer_scaling_end']}",
        f"r-{f['regualizer']}-{f['regualizer_z']}-{f['regualizer_oob']}",
        f"i-{parse_range(f['interpolation_range']).run_name_field}",
        f"e-{parse_range(f['extrapolation_range']).run_name_field}",
        f"z-{dataset}",
        f"b{f['batch_size']}",
        f"s{f['seed']}",
        f"h{f['hidden_size']}",
        f"z{f['num_subsets']}",
        f"lr-{f['optimizer']}-{'%.5f' % f['learning_rate']}-{f['momentum']}",
        f"L1{_flag(f['regualizer_l1'])}",
        f"rb-{f['regualizer_beta_start']}-{f['regualizer_beta_end']}"
        f"-{f['regualizer_beta_step']}-{f['regualizer_beta_growth']}",
        f"rWnpu-{f['regualizer_npu_w']}-{f['realnpu_reg_type'][0]}",
        f"rg-{f['regualizer_gate']}",
        f"r{_SCALE_TYPE[f['reg_scale_type']]}",
        f"clip-{'n' if f['npu_clip'] == 'none' else f['npu_clip']}",
        f"WrI-{_WR_INIT[f['npu_wr_init']]}",
        f"gn-{'F' if f['clip_grad_norm'] is None else f['clip_grad_norm']}",
        f"gv-{'F' if f['clip_grad_value'] is None else f['clip_grad_value']}",
        f"r{str(bool(f['reinit']))[0]}-{f['reinit_epoch_interval']}-{f['reinit_max_stored_losses']}",
        f"id{f['id']}",
    ]
    return "_".join(parts)


# ----------------------------------------------------------------------------- parsing

_NUM = r"(-?\d+(?:\.\d+)?(?:e[-+]\d+)?)"
_LIST = r"(\[[^\]]*\])"
_FIELDS = [
    r"(?P<layer>[a-z0-9-]+)",
    r"op-(?P<op>[a-z]+)",
    r"oob-(?P<oob>[cr])",
    r"rs-(?P<regualizer_scaling>[a-z]+)-(?P<regualizer_shape>[a-z]+)",
    rf"eps-{_NUM}",
    rf"rl-{_NUM}-{_NUM}",
    rf"r-{_NUM}-{_NUM}-{_NUM}",
    rf"i-(?:{_LIST}-{_LIST}|{_NUM}-{_NUM})",
    rf"e-(?:{_LIST}-{_LIST}|{_NUM}-{_NUM})",
    rf"z-(?:(?P<simple>simple)|{_NUM}-{_NUM}-{_NUM})",
    rf"b{_NUM}",
    rf"s{_NUM}",
    rf"h{_NUM}",
    rf"z{_NUM}",
    rf"lr-(?P<optimizer>[a-z]+)-{_NUM}-{_NUM}",
    r"L1(?P<l1>[TF])",
    rf"rb-{_NUM}-{_NUM}-{_NUM}-{_NUM}",
    rf"rWnpu-{_NUM}-(?P<reg_type>\w)",
    rf"rg-{_NUM}",
    r"r(?P<scale>[HM])",
    r"clip-(?P<clip>[a-z0-9]+)",
    r"WrI-(?P<wr>xuc?)",
    rf"gn-(?:F|{_NUM})",
    rf"gv-(?:F|{_NUM})",
    rf"r(?P<reinit>[TF])-{_NUM}-{_NUM}",
    r"id(-?\d+)",
]
_PATTERNS = [re.compile(pattern + r"\Z") for pattern in _FIELDS]


def _number(text):
    """`str()` inverted: `10` is an int, `10.0` and `1e-05` are floats, None stays None."""
    if text is None:
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return float(text)


def _range(groups):
    """A range field's groups (two lists or two numbers) as a `UniformRange`."""
    list0, list1, lo, hi = groups
    if list0 is not None:
        return parse_range([ast.literal_eval(list0), ast.literal_eval(list1)])
    return parse_range([_number(lo), _number(hi)])


def parse_run_name(name: str) -> dict:
    """Split an original run name into `format_run_name`'s keyword arguments.

    Besides those, `module` is the registry name of field 1 (None when field 1 is not one of
    `LAYER_OF_MODULE`'s, e.g. a NALU variant), and ranges are `UniformRange`s. Raises
    `UserError` naming the first field that does not fit.
    """
    fields = str(name).split("_")
    if len(fields) != len(_PATTERNS):
        raise UserError(
            f"not an original run name (expected {len(_PATTERNS)} '_'-separated fields, got {len(fields)}): {name!r}"
        )
    matches = []
    for index, (pattern, field) in enumerate(zip(_PATTERNS, fields), start=1):
        match = pattern.match(field)
        if match is None:
            raise UserError(f"not an original run name: field {index} {field!r} is malformed in {name!r}")
        matches.append(match)
    m = matches
    number = _number
    simple = m[9].group("simple") is not None
    dataset = [None, None, None] if simple else [number(g) for g in m[9].groups()[1:]]
    try:
        interpolation_range, extrapolation_range = _range(m[7].groups()), _range(m[8].groups())
    except (UserError, ValueError, SyntaxError) as error:
        raise UserError(f"not an original run name: bad range in {name!r} ({error})") from None
    layer = m[0].group("layer")
    return {
        "module": MODULE_OF_LAYER.get(layer),
        "layer": layer,
        "op": m[1].group("op"),
        "oob_mode": "clip" if m[2].group("oob") == "c" else "regualized",
        "regualizer_scaling": m[3].group("regualizer_scaling"),
        "regualizer_shape": m[3].group("regualizer_shape"),
        "mnac_epsilon": number(m[4].group(1)),
        "regualizer_scaling_start": number(m[5].group(1)),
        "regualizer_scaling_end": number(m[5].group(2)),
        "regualizer": number(m[6].group(1)),
        "regualizer_z": number(m[6].group(2)),
        "regualizer_oob": number(m[6].group(3)),
        "interpolation_range": interpolation_range,
        "extrapolation_range": extrapolation_range,
        "simple": simple,
        "input_size": dataset[0],
        "subset_ratio": dataset[1],
        "overlap_ratio": dataset[2],
        "batch_size": number(m[10].group(1)),
        "seed": number(m[11].group(1)),
        "hidden_size": number(m[12].group(1)),
        "num_subsets": number(m[13].group(1)),
        "optimizer": m[14].group("optimizer"),
        "learning_rate": float(m[14].group(2)),
        "momentum": number(m[14].group(3)),
        "regualizer_l1": m[15].group("l1") == "T",
        "regualizer_beta_start": number(m[16].group(1)),
        "regualizer_beta_end": number(m[16].group(2)),
        "regualizer_beta_step": number(m[16].group(3)),
        "regualizer_beta_growth": number(m[16].group(4)),
        "regualizer_npu_w": number(m[17].group(1)),
        "realnpu_reg_type": m[17].group("reg_type"),  # only its first letter survives in the name
        "regualizer_gate": number(m[18].group(1)),
        "reg_scale_type": "heim" if m[19].group("scale") == "H" else "madsen",
        "npu_clip": "none" if m[20].group("clip") == "n" else m[20].group("clip"),
        "npu_wr_init": "xavier-uniform" if m[21].group("wr") == "xu" else "xavier-uniform-constrained",
        "clip_grad_norm": number(m[22].group(1)),
        "clip_grad_value": number(m[23].group(1)),
        "reinit": m[24].group("reinit") == "T",
        "reinit_epoch_interval": number(m[24].group(2)),
        "reinit_max_stored_losses": number(m[24].group(3)),
        "id": int(m[25].group(1)),
    }
