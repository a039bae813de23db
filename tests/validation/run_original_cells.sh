#!/usr/bin/env bash
# Train the validation cells (docs/validation.md) with the ORIGINAL implementation, one run at a
# time on one core, skipping runs already complete, so that it can be stopped and restarted.
#
#   ORIGINAL_SRC  an export of bmistry4/nalm-benchmark (commit 120ec8e), outside this repository
#   PYTHON        a Python with torch==2.13.0 numpy scipy tensorboardX pandas tqdm
#   STUBS         a folder holding empty `torchvision` and `tensorflow` packages (only imported)
#   OUT           where tb/<cell>/<run name>/, logs/ and done/ markers go
#
# About 40 s per run on a free core; 7 cells x 25 seeds, primary cells first, seed-major.
set -uo pipefail
: "${ORIGINAL_SRC:?}" "${PYTHON:?}" "${STUBS:?}" "${OUT:?}"
export PYTHONPATH="$ORIGINAL_SRC:$STUBS" TENSORBOARD_DIR="$OUT/tb" SAVE_DIR="$OUT/saves"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT/tb" "$OUT/logs" "$OUT/done"
ramp="--regualizer-scaling-start 20000 --regualizer-scaling-end 35000"
npu_mul="--learning-rate 5e-3 --regualizer-beta-start 1e-7 --regualizer-beta-end 1e-5 --regualizer-l1 --regualizer-shape none --regualizer 0"
npu_div="--learning-rate 5e-3 --regualizer-beta-start 1e-9 --regualizer-beta-end 1e-7 --regualizer-l1 --regualizer-shape none --regualizer 0"
declare -A FLAGS RANGES
FLAGS[NALU-mul-r7]="--operation mul --layer-type NALU";                                   RANGES[NALU-mul-r7]='[1,2] [2,6]'
FLAGS[NMU-mul-r3]="--operation mul --layer-type ReRegualizedLinearMNAC --nac-mul mnac $ramp"; RANGES[NMU-mul-r3]='[-1.2,-1.1] [-6.1,-1.2]'
FLAGS[NPU-mul-r5]="--operation mul --layer-type NPU --nac-mul npu $npu_mul";              RANGES[NPU-mul-r5]='[-2,2] [[-6,-2],[2,6]]'
FLAGS[NALU-add-r2]="--operation add --layer-type NALU";                                   RANGES[NALU-add-r2]='[-2,-1] [-6,-2]'
FLAGS[NMU-mul-r5]="--operation mul --layer-type ReRegualizedLinearMNAC --nac-mul mnac $ramp"; RANGES[NMU-mul-r5]='[-2,2] [[-6,-2],[2,6]]'
FLAGS[RealNPU-div-r7]="--operation div --layer-type RealNPU --nac-mul real-npu $npu_div"; RANGES[RealNPU-div-r7]='[1,2] [2,6]'
FLAGS[GNALU-add-r5]="--operation add --layer-type NALU --nalu-gate golden-ratio --nalu-mul golden-ratio --nac-weight golden-ratio"; RANGES[GNALU-add-r5]='[-2,2] [[-6,-2],[2,6]]'
cd "$ORIGINAL_SRC"
for group in "NALU-mul-r7 NMU-mul-r3 NPU-mul-r5 NALU-add-r2" "GNALU-add-r5" "NMU-mul-r5 RealNPU-div-r7"; do
    for seed in $(seq 0 24); do
        for cell in $group; do
            marker="$OUT/done/$cell-s$seed"
            [ -e "$marker" ] && continue
            read -r interpolation extrapolation <<< "${RANGES[$cell]}"
            # shellcheck disable=SC2086
            nice -n 19 "$PYTHON" -u experiments/single_layer_benchmark.py ${FLAGS[$cell]} \
                --interpolation-range "$interpolation" --extrapolation-range "$extrapolation" \
                --seed "$seed" --max-iterations 50000 --log-interval 1000 \
                --name-prefix "$cell" --remove-existing-data --no-cuda --no-save \
                > "$OUT/logs/$cell-s$seed.out" 2> "$OUT/logs/$cell-s$seed.err"
            echo "$?" > "$marker"
        done
    done
done
