"""Fixtures of the workflow tests (helpers are in _workflow.py)."""

import pytest


@pytest.fixture
def workdir(tmp_path):
    """An empty working directory for a run: results/, logs and .snakemake/ land there."""
    directory = tmp_path / "work"
    directory.mkdir()
    return directory
