"""Write one trained run's directory (`docs/run-format.md`).

    <out>/<range-id>/seed<k>/events.out.tfevents.0.nalm, run.json, metrics.csv

Every file goes through a temporary file and a rename; `metrics.csv` comes last, so a
directory whose `metrics.csv` exists is complete.
"""

import json
import os
from pathlib import Path

from nalm import __version__
from nalm.core.atomic import write_text_atomic
from nalm.runs.events import event_file_name, write_event_file
from nalm.runs.names import LAYER_OF_MODULE, format_run_name

METRICS_COLUMNS = ("step", "interpolation_mse", "extrapolation_mse", "sparsity_error", "diverged")


def run_directory(out, range_id: str, seed: int) -> Path:
    return Path(out) / range_id / f"seed{seed}"


def _integral(value):
    """`10.0` → `10`: the original's int defaults print without a decimal point (§5.2)."""
    return int(value) if float(value).is_integer() else value


def original_run_name(hyper, task, spec) -> str:
    """The long name the original script would give this run (§5.2)."""
    original = hyper.original
    fields = dict(
        op=task.op,
        regualizer_shape=original.get("regualizer_shape", "linear"),
        mnac_epsilon=hyper.module_options.get("epsilon", 0),
        regualizer_scaling_start=hyper.regularizer_ramp[0],
        regualizer_scaling_end=hyper.regularizer_ramp[1],
        regualizer=hyper.regularizer,
        interpolation_range=spec.interpolation,
        extrapolation_range=spec.extrapolation,
        input_size=task.input_size,
        subset_ratio=task.subset_ratio,
        overlap_ratio=float(task.overlap_ratio),
        batch_size=hyper.batch_size,
        seed=spec.seed,
        learning_rate=hyper.learning_rate,
        regualizer_l1=hyper.l1,
        regualizer_beta_start=hyper.beta[0],
        regualizer_beta_end=hyper.beta[1],
        regualizer_beta_step=hyper.beta_step,
        regualizer_beta_growth=_integral(hyper.beta_growth),
        # 0 is the original's int default; a value given on its command line is a float
        regualizer_npu_w=hyper.regularizer_npu_w or 0,
        regualizer_gate=hyper.regularizer_gate or 0,
        reg_scale_type=hyper.reg_scale_type,
        clip_grad_norm=hyper.clip_grad_norm,
        clip_grad_value=hyper.clip_grad_value,
        reinit=hyper.reinit is not None,
    )
    if "id" in original:
        fields["id"] = original["id"]
    if hyper.reinit is not None:
        fields["reinit_epoch_interval"] = hyper.reinit["interval"]
        fields["reinit_max_stored_losses"] = hyper.reinit["max_stored_losses"]
    if hyper.module in LAYER_OF_MODULE:
        return format_run_name(module=hyper.module, **fields)
    # modules the benchmark's script does not know: field 1 is the layer type, lower-cased
    return format_run_name(layer=str(original.get("layer_type", hyper.module)).lower(), **fields)


def _number(value) -> str:
    return repr(float(value))


def metrics_csv(log) -> str:
    lines = [",".join(METRICS_COLUMNS)]
    for row in zip(log.steps, log.interpolation_mse, log.extrapolation_mse, log.sparsity_error, log.diverged):
        step, interpolation, extrapolation, sparsity, diverged = row
        lines.append(f"{step},{_number(interpolation)},{_number(extrapolation)},{_number(sparsity)},{diverged}")
    return "\n".join(lines) + "\n"


def run_config(hyper, task, spec, log, iterations: int, log_interval: int) -> dict:
    return {
        "module": hyper.module,
        "preset": hyper.preset,
        "op": task.op,
        "input_size": task.input_size,
        "subset_ratio": task.subset_ratio,
        "overlap_ratio": task.overlap_ratio,
        "interpolation_range": spec.interpolation.text,
        "extrapolation_range": spec.extrapolation.text,
        "range_id": spec.range_id,
        "seed": spec.seed,
        "iterations": iterations,
        "log_interval": log_interval,
        "batch_size": hyper.batch_size,
        "operand_offset": log.operand_offset,
        "reinitialisations": log.reinits,
        "hyperparameters": hyper.as_dict(),
        "original_run_name": original_run_name(hyper, task, spec),
        "nalm_version": __version__,
    }


def write_run(out, hyper, task, log, iterations: int, log_interval: int) -> Path:
    """Write the run's directory; returns it."""
    spec = log.spec
    directory = run_directory(out, spec.range_id, spec.seed)
    os.makedirs(directory, exist_ok=True)
    # A rerun replaces a complete run: drop the marker first so a crash in between leaves
    # a directory that does not look complete.
    metrics = directory / "metrics.csv"
    if metrics.exists():
        metrics.unlink()
    write_event_file(directory / event_file_name(), log.scalars, log.texts)
    config = run_config(hyper, task, spec, log, iterations, log_interval)
    write_text_atomic(directory / "run.json", json.dumps(config, indent=2, sort_keys=True) + "\n")
    write_text_atomic(metrics, metrics_csv(log))
    return directory
