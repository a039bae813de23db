"""Standalone layers (nalm/layers.py): the runs-dimension modules with one run, and the
README's example, which this test runs as written."""

import re
from pathlib import Path

import pytest
import torch

from nalm import layers, modules

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_module_family_has_a_layer():
    wrapped = {cls.module_name for cls in vars(layers).values()
               if isinstance(cls, type) and issubclass(cls, layers.ArithmeticLayer) and cls.module_name}
    classes = {modules.module_class(name) for name in modules.available()}
    assert {modules.module_class(name) for name in wrapped} == classes


def test_a_layer_computes_its_modules_formula():
    torch.manual_seed(0)
    layer = layers.NAU(3, 2)
    x = torch.randn(7, 3)
    W = layer.module.W[0].clamp(-1, 1)  # [O, I]
    assert torch.allclose(layer(x), x @ W.T)
    assert layer(torch.randn(4, 5, 3)).shape == (4, 5, 2)  # any leading shape


def test_global_seed_makes_layers_reproducible():
    torch.manual_seed(3)
    first = layers.NPU(2, 4).module.W_real.clone()
    torch.manual_seed(3)
    assert torch.equal(first, layers.NPU(2, 4).module.W_real)


def test_project_and_regularizers_reach_the_module():
    layer = layers.NAU(2, 1)
    with torch.no_grad():
        layer.module.W.fill_(2.0)
    assert layer.regularizers()["W"].shape == ()
    layer.project_()
    assert layer.module.W.max() == 1.0


def test_bad_input_width_is_one_clear_error():
    with pytest.raises(ValueError, match="NAU takes 2 inputs"):
        layers.NAU(2, 1)(torch.randn(3, 5))


def test_the_readme_example_runs_and_learns():
    block = re.search(r"<!-- layers-example -->\n+```python\n(.*?)```", README.read_text(), re.S)
    assert block, "README.md lost its layers example"
    namespace = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["loss"].item() < 1e-3
