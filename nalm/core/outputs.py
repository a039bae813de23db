"""Where a command may write, checked before any work: one `UserError` naming the path.

A command checks its outputs first, so that a long job never ends in an `OSError` after its work
(an `--out` that is a file, a missing parent directory). Nothing is created here.
"""

import os

from nalm.core.errors import UserError


def _nearest_existing(path: str) -> str:
    """`path` itself or its closest ancestor that exists ('.' for a relative path with none)."""
    current = os.path.abspath(path)
    while not os.path.lexists(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


def _no_nul(path, option):
    if "\0" in path:
        raise UserError(f"{option} {path!r}: a path cannot hold a NUL character")


def check_output_directory(path, option: str = "--out") -> None:
    """`path` is a directory, or can be made one: every part of it that exists is a writable directory."""
    path = os.fspath(path)
    _no_nul(path, option)
    if not path:
        raise UserError(f"{option} '': expected a directory name")
    existing = _nearest_existing(path)
    if not os.path.isdir(existing):
        what = "is" if existing == os.path.abspath(path) else f"is inside {existing}, which is"
        raise UserError(f"{option} {path} {what} not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{option} {path}: cannot write in {existing} (permission denied)")


def check_output_file(path, option: str = "--out", suffixes=None, create_directory=False) -> None:
    """`path` can be written as a file: not a directory, in an existing writable directory (or,
    with `create_directory`, one that can be made), and (when `suffixes` is given) ending in one of them."""
    path = os.fspath(path)
    _no_nul(path, option)
    if not path or path.endswith(os.sep):
        raise UserError(f"{option} {path!r}: expected a file name")
    if os.path.isdir(path):
        raise UserError(f"{option} {path} is a directory: expected a file name")
    if suffixes is not None and not path.lower().endswith(tuple(suffixes)):
        raise UserError(f"{option} {path}: expected a file name ending in {', '.join(suffixes)}")
    directory = os.path.dirname(os.path.abspath(path))
    if create_directory:
        check_output_directory(directory, f"{option} {path}: directory")
        return
    if not os.path.isdir(directory):
        raise UserError(f"{option} {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UserError(f"{option} {path}: cannot write in {directory} (permission denied)")
