"""Paper packages: what each reproduced paper is, as data.

One folder per paper (`primer/`, `division/`, …) holds that paper's facts and nothing else:
its module presets (`presets.yaml`), its experiment table, range tables and figure definitions.
Code reads them through the helpers here; the workflow reads the same files, so a figure's
definition is written once. Adding a paper = a new folder here, a rules file in
`workflow/rules/`, and a config section (docs/adding-a-paper.md).
"""

from importlib import resources


def papers() -> list:
    """The names of the paper packages shipped with nalm, sorted."""
    root = resources.files("nalm").joinpath("papers")
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and entry.joinpath("__init__.py").is_file())


def paper_file(paper: str, filename: str):
    """A data file of one paper package (an importlib resource; `.is_file()` says if it exists)."""
    return resources.files("nalm").joinpath("papers", paper, filename)


def paper_files(filename: str) -> list:
    """(paper, resource) for every paper package that has `filename`, in paper order."""
    found = []
    for paper in papers():
        resource = paper_file(paper, filename)
        if resource.is_file():
            found.append((paper, resource))
    return found
