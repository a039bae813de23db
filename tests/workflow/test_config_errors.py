"""A bad config is one clear error naming the key, before any job starts."""

import pytest
from _workflow import PAPER_CONFIG, snakemake

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    "overlay, named",
    [
        ("primer: {experiments: {in2_add_NAU: {op: mul}}}\n", "primer.experiments.in2_add_NAU.op"),
        ("primer: {experiments: {in2_add_NAUU: {iterations: 10}}}\n", "primer.experiments.in2_add_NAUU"),
        ("primer: {iteration_capp: 100}\n", "primer.iteration_capp"),
        ("iteration_cap: 100\n", "iteration_cap"),
        ("primer: {block: {ranges: 0}}\n", "primer.block.ranges"),
        ("primer: {range_ids: [r1, r10]}\n", "primer.range_ids"),
        ("papers: [primer, nope]\n", "papers"),
        ("device: gpu\n", "device"),
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
