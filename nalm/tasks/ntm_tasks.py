"""The four NTM tasks by name, built from the paper package's facts (`nalm/papers/ntm/tasks.yaml`).

    task = build_task("copy", variant="repository")          # nalm.tasks.ntm_copy.CopyTask
    config = model_config("copy", network_variant="repository")   # NTMConfig(10, 8, C=100, ...)

Task names are the repository's JSON file names: copy, repeatcopy, associative, prioritysort.
"""

from functools import cache

from nalm.tasks.ntm_associative_recall import AssociativeRecallTask
from nalm.tasks.ntm_copy import CopyTask
from nalm.tasks.ntm_priority_sort import PrioritySortTask
from nalm.tasks.ntm_repeat_copy import RepeatCopyTask

TASK_CLASSES = {
    "copy": CopyTask,
    "repeatcopy": RepeatCopyTask,
    "associative": AssociativeRecallTask,
    "prioritysort": PrioritySortTask,
}
TASKS = tuple(TASK_CLASSES)


@cache
def _facts() -> dict:
    from nalm.papers import read_yaml

    return read_yaml("ntm", "tasks.yaml")


def task_facts(name: str) -> dict:
    """The paper package's entry for task `name` (json, model, generator, parameters, …)."""
    check_task(name)
    return _facts()[name]


def training_facts() -> dict:
    """The repository's training settings (optimiser, learning rate, clipping, logging)."""
    return _facts()["training"]


def check_task(name: str) -> str:
    if name not in TASK_CLASSES:
        raise ValueError(f"unknown NTM task {name!r}: expected one of {', '.join(TASKS)}")
    return name


def build_task(name: str, variant: str = "repository"):
    """The generator of task `name` with the repository's settings and the given variant."""
    return TASK_CLASSES[check_task(name)](**task_facts(name)["generator"], variant=variant)


def model_config(name: str, network_variant: str = "repository", **changes):
    """The NTM the repository trains for task `name`, in the given variant (`nalm.networks.ntm.VARIANTS`)."""
    from nalm.networks.ntm import VARIANTS, NTMConfig

    if network_variant not in VARIANTS:
        raise ValueError(f"bad network variant {network_variant!r}: expected one of {', '.join(VARIANTS)}")
    return NTMConfig(**{**task_facts(name)["model"], **VARIANTS[network_variant], **changes})
