"""A bad config is one clear error naming the key, before any job starts."""

import pytest

from _workflow import PAPER_CONFIG, snakemake

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    "overlay, named",
    [
        ("experiments: {in2_add_NAU: {op: mull}}\n", "experiments.in2_add_NAU.op"),
        ("iteration_capp: 100\n", "iteration_capp"),
        ("block: {ranges: 0}\n", "block.ranges"),
        ("range_ids: [r1, r10]\n", "range_ids"),
        ("figures: {fig14_add: {experiments: [in2_add_NAUU]}}\n", "figures.fig14_add.experiments"),
        ("ranges: {r1: {interpolation: '1,2'}}\n", "ranges.r1.interpolation"),
    ],
)
def test_bad_config_fails_before_any_job(workdir, overlay, named):
    bad = workdir / "bad.yaml"
    bad.write_text(overlay)
    result = snakemake("--cores", "1", "--configfile", str(PAPER_CONFIG), str(bad), workdir=workdir)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"bad config key '{named}'" in output, output[-3000:]
    assert output.count("bad config key") == 1
    assert not (workdir / "results").exists()
