"""`nalm profiles`: make the workflow's Snakemake profiles usable by name.

Snakemake resolves `--profile NAME` in the working directory, then in its user and site config
directories (platformdirs: `$XDG_CONFIG_HOME/snakemake/`, default `~/.config/snakemake/`, and
`/etc/xdg/snakemake/` on Linux; `~/Library/Application Support/snakemake/` on macOS),
but never in `workflow/profiles/`. `nalm profiles install` links each profile of
`workflow/profiles/` (except `default`, which Snakemake already loads by itself as the
workflow profile) into the user's profile directory, so that the literal
`snakemake results/figures/fig14_add.pdf --profile lsf` works. Links, not copies: the
profiles stay under version control, and site values (queue, account) edited in the
repository take effect at once.
"""

import os
from pathlib import Path

from nalm.core.errors import UserError
from nalm.core.outputs import check_output_directory

#: Loaded automatically by Snakemake as the workflow profile; never linked.
WORKFLOW_PROFILE = "default"
PROFILE_FILES = ("profile.yaml", "config.yaml")


def default_destination() -> Path:
    """Snakemake's own user profile directory: `platformdirs.AppDirs("snakemake", "snakemake")
    .user_config_dir`, as `snakemake.common.get_appdirs` computes it (`~/.config/snakemake` or
    `$XDG_CONFIG_HOME/snakemake` on Linux, `~/Library/Application Support/snakemake` on macOS)."""
    try:
        from platformdirs import AppDirs  # a dependency of snakemake
    except ImportError:  # snakemake not installed here: the Linux default
        base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
        return Path(base) / "snakemake"
    return Path(AppDirs("snakemake", "snakemake").user_config_dir)


def find_source(given=None) -> Path:
    """`workflow/profiles` of the checkout: given, under the cwd, or next to the package."""
    if given == "":
        raise UserError("--source '': expected the workflow/profiles directory")
    candidates = [Path(given)] if given is not None else [
        Path.cwd() / "workflow" / "profiles",
        Path(__file__).resolve().parents[2] / "workflow" / "profiles",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise UserError(
        f"no profile directory found (looked in {', '.join(str(c) for c in candidates)}): "
        "run this from the repository root or pass --source workflow/profiles"
    )


def profiles_in(source: Path) -> dict:
    """Profile name -> directory, for every sub-directory holding a profile file."""
    found = {}
    for directory in sorted(source.iterdir()):
        if directory.is_dir() and any((directory / name).is_file() for name in PROFILE_FILES):
            found[directory.name] = directory
    return found


def install(source: Path, destination: Path, names=None, force=False) -> list:
    """Symlink the chosen profiles into `destination`; returns (name, link, state) rows."""
    available = {name: path for name, path in profiles_in(source).items() if name != WORKFLOW_PROFILE}
    wanted = names or sorted(available)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise UserError(
            f"unknown profile {unknown[0]!r}: expected one of {', '.join(sorted(available)) or '(none)'}"
        )
    check_output_directory(destination, "--dest")
    destination.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in wanted:
        target = available[name]
        link = destination / name
        if link.is_symlink():
            if Path(os.readlink(link)) == target:
                rows.append((name, link, "already linked"))
                continue
            if not force:
                raise UserError(f"{link} already links to {os.readlink(link)}: pass --force to replace the link")
            link.unlink()
        elif link.exists():
            raise UserError(f"{link} exists and is not a link: move it away first (nothing was changed there)")
        link.symlink_to(target, target_is_directory=True)
        rows.append((name, link, "linked"))
    return rows


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "profiles",
        help="link the workflow's Snakemake profiles (lsf, slurm, ...) so --profile NAME finds them",
        description=__doc__.split("\n\n")[1],
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    install_parser = actions.add_parser("install", help="symlink workflow/profiles/* into the Snakemake profile directory")
    install_parser.add_argument("names", nargs="*", help="profiles to link (default: all but 'default')")
    install_parser.add_argument("--dest", help=f"profile directory (default: {default_destination()})")
    install_parser.add_argument("--source", help="the workflow/profiles directory (default: found from the checkout)")
    install_parser.add_argument("--force", action="store_true", help="replace existing links (never real directories)")
    install_parser.set_defaults(func=run_install)

    list_parser = actions.add_parser("list", help="the workflow's profiles and where they are linked")
    list_parser.add_argument("--dest", help=f"profile directory (default: {default_destination()})")
    list_parser.add_argument("--source", help="the workflow/profiles directory (default: found from the checkout)")
    list_parser.set_defaults(func=run_list)


def _destination(given) -> Path:
    if given == "":
        raise UserError("--dest '': expected a directory name")
    return Path(given).expanduser() if given is not None else default_destination()


def run_install(args):
    source = find_source(args.source)
    destination = _destination(args.dest)
    for name, link, state in install(source, destination, args.names, args.force):
        print(f"{name}: {state}: {link} -> {source / name}")
    print(f"now: snakemake results/figures/fig14_add.pdf --profile NAME  (NAME from {destination})")
    return 0


def run_list(args):
    source = find_source(args.source)
    destination = _destination(args.dest)
    for name, path in profiles_in(source).items():
        if name == WORKFLOW_PROFILE:
            state = "loaded automatically (workflow profile)"
        else:
            link = destination / name
            if link.is_symlink() and Path(os.readlink(link)) == path:
                state = f"installed: --profile {name}"
            elif link.exists() or link.is_symlink():
                state = f"not installed: {link} is something else"
            else:
                state = f"not installed: use --profile {path}"
        print(f"{name}\t{state}")
    return 0
