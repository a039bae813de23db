#!/usr/bin/env bash
# Retrain this project's side of the validation cells (docs/validation.md) and rewrite
# nalm_outcomes.csv. About 5 minutes on one core. Usage: run_nalm_cells.sh [OUT_DIR] [SEEDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-${TMPDIR:-/tmp}/nalm-validation}"
seeds="${2:-0-24}"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mirror_i='[-2,2]'; mirror_e='[[-6,-2],[2,6]]'
cell() {
    local name=$1; shift
    nalm train "$@" --seeds "$seeds" --iterations 50000 --threads 1 --out "$out/$name"
}
# Primary cells (success rates strictly between 0 and 1).
cell NALU-mul-r7 --preset NALU --op mul --interpolation-range '[1,2]' --extrapolation-range '[2,6]' --range-id r7
cell NMU-mul-r3 --preset NMU --op mul --interpolation-range '[-1.2,-1.1]' --extrapolation-range '[-6.1,-1.2]' --range-id r3
cell NPU-mul-r5 --preset NPU --op mul --interpolation-range "$mirror_i" --extrapolation-range "$mirror_e" --range-id r5
cell NALU-add-r2 --preset NALU --op add --interpolation-range '[-2,-1]' --extrapolation-range '[-6,-2]' --range-id r2
# Supplementary cells.
cell NMU-mul-r5 --preset NMU --op mul --interpolation-range "$mirror_i" --extrapolation-range "$mirror_e" --range-id r5
cell RealNPU-div-r7 --preset RealNPU --op div --interpolation-range '[1,2]' --extrapolation-range '[2,6]' --range-id r7
cell GNALU-add-r5 --preset G-NALU --op add --interpolation-range "$mirror_i" --extrapolation-range "$mirror_e" --range-id r5
python "$here/extract_original_outcomes.py" "$out" --out "$here/nalm_outcomes.csv"
python "$here/compare_outcomes.py" "$here/original_outcomes.csv" "$here/nalm_outcomes.csv"
