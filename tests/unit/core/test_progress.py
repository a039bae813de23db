"""Long commands show progress on stderr only on a terminal (issue 13)."""

import io
import sys

from nalm.core.progress import progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_no_bar_and_the_same_items_when_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    items = [1, 2, 3]
    assert progress(items, "x") is items
    assert sys.stderr.getvalue() == ""


def test_a_bar_on_a_terminal(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(progress(iter([1, 2, 3]), "reading", total=3)) == [1, 2, 3]
    assert "reading" in terminal.getvalue()
