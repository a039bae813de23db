"""The Primer pipeline writes the recorded bytes (issue: one engine and one layout; refactors
must not change a single number). Re-record with `python tests/regression/primer_bytes.py --write`
only when a change of numbers is intended, and say why in the commit."""

import json

import primer_bytes
import pytest


@pytest.mark.slow
def test_every_preset_and_the_fig14_chain_write_the_recorded_bytes():
    expected = json.loads(primer_bytes.RECORD.read_text())
    actual = primer_bytes.record()
    assert primer_bytes.differences(expected, actual) == []
