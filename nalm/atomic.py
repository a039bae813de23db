"""Write a file so that readers see either the old file or the whole new one (docs/run-format.md).

The temporary file lives in the destination's directory (a rename is atomic only within one
file system) and its name starts with a dot, so directory scans that skip hidden files, such
as the export's and the original reader's (`single-module-benchmark.md` §5.1), never see it.
"""

import os
import secrets


def write_bytes_atomic(path, data: bytes) -> str:
    """Write `data` to `path` through a hidden temporary file and `os.replace`; return `path`."""
    path = os.fspath(path)
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # os.open with 0o666 keeps the usual umask-derived permissions (mkstemp would force 0o600).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text_atomic(path, text: str) -> str:
    """`write_bytes_atomic` for UTF-8 text; newlines are written as given."""
    return write_bytes_atomic(path, text.encode("utf-8"))
