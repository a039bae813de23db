"""The install files agree (issue 13): requirements/lock.txt pins every package exactly with a
hash, inside pyproject.toml's bounds, torch as its CPU build; envs/nalm.yaml (the rules' conda
environment) holds nalm's whole runtime closure at the lock's versions; a built wheel carries
the paper packages' data files and the licence."""

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
ENV = ROOT / "envs" / "nalm.yaml"


def lock_pins() -> dict:
    """{canonical name: (version, [sha256, ...])} from the lock's `name==version \\ --hash=...` entries."""
    text = LOCK.read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)", line)
        assert match, f"lock line is not 'name==version --hash=sha256:...': {line!r}"
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"{name} locked twice"
        pins[name] = (match.group(2), re.findall(r"[0-9a-f]{64}", match.group(3)))
    return pins


def env_pins() -> tuple:
    """(python version, {canonical name: version}, pip options) of envs/nalm.yaml."""
    env = yaml.safe_load(ENV.read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in pip:
        if line.startswith("-"):
            continue
        name, version = line.split("==")
        pins[canonicalize_name(name)] = version
    return python.split("=", 1)[1], pins, [line for line in pip if line.startswith("-")]


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_lock_pins_everything_exactly_with_hashes_and_torch_is_the_cpu_build():
    pins = lock_pins()
    assert len(pins) > 50
    assert pins["torch"][0] == "2.13.0+cpu"
    assert "nalm" not in pins  # installed from the checkout, --no-deps
    assert all(len(hashes) >= 1 for _, hashes in pins.values())


def test_lock_satisfies_the_package_bounds_of_every_dependency_and_extra():
    pins, project = lock_pins(), pyproject()["project"]
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is a dependency but not in the lock"
        assert requirement.specifier.contains(Version(pins[name][0]), prereleases=True), (text, pins[name][0])


def test_torch_is_bounded_not_pinned_in_the_package():
    torch = next(Requirement(r) for r in pyproject()["project"]["dependencies"] if r.startswith("torch"))
    assert not any(spec.operator in ("==", "===") for spec in torch.specifier)
    assert all(torch.specifier.contains(v) for v in ("2.2", "2.13.0", "2.13.0+cpu", "2.14.1"))
    assert not torch.specifier.contains("3.0")


def test_conda_env_pins_the_locks_versions_for_the_whole_runtime_closure():
    from importlib import metadata

    python, pins, options = env_pins()
    locked = lock_pins()
    assert python == "3.11"  # the lock's wheels are cp311
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in options
    for name, version in pins.items():
        assert name in locked, f"envs/nalm.yaml pins {name}, the lock does not"
        assert version == locked[name][0], f"{name}: envs/nalm.yaml {version}, lock {locked[name][0]}"
    # nalm's dependencies without extras, and theirs (from the installed metadata)
    needed, todo = set(), ["nalm"]
    while todo:
        for text in metadata.requires(todo.pop()) or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            name = canonicalize_name(requirement.name)
            if name not in needed:
                needed.add(name)
                todo.append(name)
    assert needed <= set(pins), f"envs/nalm.yaml lacks {sorted(needed - set(pins))}"


@pytest.mark.slow
def test_a_built_wheel_carries_every_paper_data_file_and_the_licence(tmp_path):
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "nalm", source / "nalm", ignore=shutil.ignore_patterns("__pycache__"))
    # --no-build-isolation: the installed setuptools (the lock's), no network
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "wheel"), str(source)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("nalm-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / "nalm").rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert data and {p for p in data if p.startswith("nalm/papers/")} == data
    assert data <= names, f"missing from the wheel: {sorted(data - names)}"
    assert any(name.endswith(("/licenses/LICENSE", "/LICENSE")) for name in names)
