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


def read_yaml(paper: str, filename: str):
    """A YAML data file of a paper package (mappings keep the file's order)."""
    import yaml

    resource = paper_file(paper, filename)
    if not resource.is_file():
        raise FileNotFoundError(f"nalm/papers/{paper}/{filename}")
    return yaml.safe_load(resource.read_text(encoding="utf-8"))


def read_table(paper: str, filename: str) -> list:
    """A tab-separated table of a paper package ('#' lines are comments) as a list of dicts."""
    resource = paper_file(paper, filename)
    if not resource.is_file():
        raise FileNotFoundError(f"nalm/papers/{paper}/{filename}")
    lines = [line for line in resource.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t") + [""] * (len(header) - line.count("\t") - 1))) for line in lines[1:]]


def range_pairs(paper: str) -> dict:
    """Range pair id -> (interpolation, extrapolation) range texts, from `ranges.yaml`."""
    return {pair_id: (pair["interpolation"], pair["extrapolation"]) for pair_id, pair in read_yaml(paper, "ranges.yaml").items()}


def experiments(paper: str) -> dict:
    """Experiment id -> {preset, op, input_size, iterations, set}, from `experiments.tsv`."""
    import json

    table = {}
    for row in read_table(paper, "experiments.tsv"):
        table[row["experiment"]] = {
            "preset": row["preset"], "op": row["op"], "input_size": int(row["input_size"]),
            "iterations": int(row["iterations"]), "set": json.loads(row["set"]) if row.get("set") else {},
        }
    return table


def figures(paper: str) -> dict:
    """Figure name -> definition (`id`, `title`, `series`), from `figures.yaml`."""
    return read_yaml(paper, "figures.yaml")
