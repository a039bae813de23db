"""Progress of a long command on stderr: a tqdm bar on a terminal, nothing otherwise (logs and
Snakemake jobs stay quiet). tqdm is imported only when a bar is shown."""

import sys


def progress(items, description: str, unit: str = " items", total=None):
    """`items`, iterated once, with a bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, unit=unit, total=total, file=sys.stderr, leave=False)
