"""The protocol every module family keeps (nalm/modules/base.py; architecture.md "A block"):
per-run initialisation from the run's own generator, re-initialisation of selected runs only,
[1, B, I] inputs broadcast to every run, and [R] regulariser and sparsity values."""

import pytest
import torch
from _module_inputs import generators

from nalm.modules import available, build

NAMES = available()
OPTIONS = {  # the non-default options worth running through the protocol too
    "NPU": [{}, {"init": "xavier-uniform-constrained", "clip": "wig"}],
    "RealNPU": [{}, {"init": "xavier-uniform-constrained", "clip": "wg", "w_regularizer": "bias"}],
    "NRU": [{}, {"div_mode": "div-sepSign"}],
}
CASES = [(name, options) for name in NAMES for options in OPTIONS.get(name, [{}])]


def _state(module):
    return {key: value.clone() for key, value in module.state_dict().items()}


@pytest.mark.parametrize("name, options", CASES)
def test_run_k_initialises_from_its_own_generator_only(name, options):
    block = build(name, input_size=3, runs=5, **options)
    block.reset_parameters(generators([10, 11, 12, 13, 14]))
    alone = build(name, input_size=3, runs=1, **options)
    alone.reset_parameters(generators([12]))
    for key, value in alone.state_dict().items():
        torch.testing.assert_close(block.state_dict()[key][2], value[0], rtol=0, atol=0)


@pytest.mark.parametrize("name, options", CASES)
def test_reset_of_selected_runs_leaves_the_others_untouched(name, options):
    module = build(name, input_size=3, runs=4, **options)
    module.reset_parameters(generators([0, 1, 2, 3]))
    before = _state(module)
    module.reset_parameters(generators([7]), runs=[2])
    fresh = build(name, input_size=3, runs=1, **options)
    fresh.reset_parameters(generators([7]))
    for key, value in module.state_dict().items():
        for run in (0, 1, 3):
            assert torch.equal(value[run], before[key][run]), key
        assert torch.equal(value[2], fresh.state_dict()[key][0]), key


@pytest.mark.parametrize("name, options", CASES)
@pytest.mark.parametrize("training", [True, False])
def test_shared_input_broadcasts_to_every_run(name, options, training):
    module = build(name, input_size=3, runs=4, **options)
    module.reset_parameters(generators([0, 1, 2, 3]))
    module.train(training)
    x = 1 + torch.rand(1, 8, 3, generator=torch.Generator().manual_seed(5))
    log_shared, log_expanded = {}, {}
    y = module(x, log_shared)
    assert y.shape == (4, 8, 1)
    torch.testing.assert_close(y, module(x.expand(4, 8, 3), log_expanded))
    assert list(log_shared) == list(log_expanded)
    for value in log_shared.values():
        assert value.shape == (4,)
    assert module.sparsity_error().shape == (4,)
    for value in module.regularizers().values():
        assert value.shape == (4,)



def test_logged_sparsity_tags_are_those_of_the_original_event_files():  # runs of the original code
    from _original_events import readout_rows

    original = {}
    for row in readout_rows():
        tags = {item.split("=")[0] for item in row["sparsity_tags"].split(";") if item}
        original.setdefault(row["module_dir"], set()).update(tags)
    for module_dir, tags in original.items():
        module = build(module_dir, input_size=2, runs=1)
        module.reset_parameters(generators([0]))
        log = {}
        module(torch.ones(1, 2, 2), log)
        assert {tag for tag in log if tag.endswith("/sparsity_error")} == tags, module_dir
