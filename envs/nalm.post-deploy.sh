#!/usr/bin/env bash
# Run by Snakemake inside the freshly created envs/nalm.yaml environment, from the
# working directory. Installs this checkout's nalm (editable: library edits apply without
# rebuilding the environment; see README "Forcing reruns"). Its dependencies come from
# envs/nalm.yaml, hence --no-deps.
set -euo pipefail
root="${NALM_REPO:-$PWD}"
if [ ! -f "$root/pyproject.toml" ]; then
    echo "nalm post-deploy: no pyproject.toml in $root; run snakemake from the repository root or set NALM_REPO" >&2
    exit 1
fi
python -m pip install --no-deps --editable "$root"
