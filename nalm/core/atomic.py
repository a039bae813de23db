"""Write a file so that readers see either the old file or the whole new one (docs/run-format.md).

The temporary file lives in the destination's directory (a rename is atomic only within one
file system) and its name starts with a dot, so directory scans that skip hidden files, such
as the export's and the original reader's (`stable_nalu/reader/tensorboard_reader.py` in
`bmistry4/nalm-benchmark`), never see it.
"""

import contextlib
import os
import secrets


@contextlib.contextmanager
def atomic_output(path, mode="wb", **open_kwargs):
    """Yield a file open on a hidden temporary next to `path`; rename it to `path` on success.

    If the block raises, the temporary is removed and an existing `path` is left untouched.
    """
    path = os.fspath(path)
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # os.open with 0o666 keeps the usual umask-derived permissions (mkstemp would force 0o600).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, mode, **open_kwargs) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_bytes_atomic(path, data: bytes) -> str:
    """Write `data` to `path` atomically; return `path`."""
    with atomic_output(path, "wb") as handle:
        handle.write(data)
    return os.fspath(path)


def write_text_atomic(path, text: str) -> str:
    """`write_bytes_atomic` for UTF-8 text; newlines are written as given."""
    return write_bytes_atomic(path, text.encode("utf-8"))
