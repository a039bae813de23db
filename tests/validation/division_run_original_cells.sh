#!/usr/bin/env bash
# Train the division-by-small-numbers validation cells (docs/validation-division.md, item 4b) with
# the ORIGINAL implementation, bmistry4/nalm-division, one run at a time on one core, skipping runs
# already complete, so that it can be stopped and restarted. The flags are those of the original's
# lfs_batch_jobs/single_layer_task/neurips_2021/divBy0.sh (the same U[0,r] for training and test):
# its "Easy" block (input [a], target 1/a, 5,000 iterations) and, for the NMRU, its "Medium" block
# (input [a,b], target 1/a) with --max-iterations 5000 instead of 50000 (25 runs of 50,000
# iterations did not fit this validation's CPU budget; docs/validation-division.md).
#
#   ORIGINAL_SRC  an export of bmistry4/nalm-division, outside this repository
#   PYTHON        a Python with torch==2.13.0 numpy scipy tensorboardX pandas tqdm
#   OUT           where tb/<cell>/<run name>/, logs/, done/ markers and cpu/ times go
#   CELLS         which cells to run, in order (default: the four compared cells)
#   FIRST_SEED, LAST_SEED  the seeds (default 0 and 24)
#
# About 18 CPU-s per run; seed-major so that every cell grows together.
set -uo pipefail
: "${ORIGINAL_SRC:?}" "${PYTHON:?}" "${OUT:?}"
export PYTHONPATH="$ORIGINAL_SRC" TENSORBOARD_DIR="$OUT/tb" SAVE_DIR="$OUT/saves"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT/tb" "$OUT/logs" "$OUT/done" "$OUT/cpu"
easy="--operation reciprocal --input-size 1 --subset-ratio 1 --num-subsets 1 --max-iterations 5000"
medium="--operation reciprocal --max-iterations 5000"
nru="--layer-type NRU --nac-mul mnac --regualizer-scaling-start 15000 --regualizer-scaling-end 20000 --learning-rate 1"
realnpu="--layer-type RealNPU --nac-mul real-npu --regualizer-shape none --regualizer 0 --learning-rate 5e-3 --npu-clip wg --npu-Wr-init xavier-uniform-constrained"
nmru="--layer-type SignNMRU --regualizer-scaling-start 20000 --regualizer-scaling-end 35000 --clip-grad-norm 1 --learning-rate 1e-2"
declare -A FLAGS RANGE
FLAGS[NRU-easy-z1]="$easy $nru";         RANGE[NRU-easy-z1]='[0,1e-4]'
FLAGS[NRU-easy-z2]="$easy $nru";         RANGE[NRU-easy-z2]='[0,1e-3]'
FLAGS[NRU-easy-z3]="$easy $nru";         RANGE[NRU-easy-z3]='[0,1e-2]'
FLAGS[RealNPU-easy-z1]="$easy $realnpu"; RANGE[RealNPU-easy-z1]='[0,1e-4]'
FLAGS[RealNPU-easy-z2]="$easy $realnpu"; RANGE[RealNPU-easy-z2]='[0,1e-3]'
FLAGS[NMRU-easy-z2]="$easy $nmru";       RANGE[NMRU-easy-z2]='[0,1e-3]'
FLAGS[NMRU-medium5k-z4]="$medium $nmru"; RANGE[NMRU-medium5k-z4]='[0,1e-1]'
# single runs that complete the figures' other series for the export + summary check (item 4c)
nru_medium="--layer-type NRU --nac-mul mnac --regualizer-scaling-start 20000 --regualizer-scaling-end 35000 --learning-rate 1"
realnpu_medium="--layer-type RealNPU --nac-mul real-npu --regualizer-shape none --regualizer 0 --learning-rate 5e-3 --regualizer-l1 --regualizer-beta-start 1e-9 --regualizer-beta-end 1e-7 --npu-clip wg --npu-Wr-init xavier-uniform-constrained --regualizer-npu-w 1 --regualizer-gate 1 --reg-scale-type madsen --regualizer-scaling-start 40000 --regualizer-scaling-end 50000"
FLAGS[NRU-medium5k-z4]="$medium $nru_medium";         RANGE[NRU-medium5k-z4]='[0,1e-1]'
FLAGS[RealNPU-medium5k-z4]="$medium $realnpu_medium"; RANGE[RealNPU-medium5k-z4]='[0,1e-1]'
cd "$ORIGINAL_SRC"
for seed in $(seq "${FIRST_SEED:-0}" "${LAST_SEED:-24}"); do
    for cell in ${CELLS:-NRU-easy-z2 NRU-easy-z3 NRU-easy-z1 NMRU-medium5k-z4}; do
        marker="$OUT/done/$cell-s$seed"
        [ -e "$marker" ] && continue
        # shellcheck disable=SC2086
        /usr/bin/time -f "%U %S" -o "$OUT/cpu/$cell-s$seed" nice -n 19 "$PYTHON" -u experiments/single_layer.py \
            ${FLAGS[$cell]} \
            --interpolation-range "${RANGE[$cell]}" --extrapolation-range "${RANGE[$cell]}" \
            --seed "$seed" --name-prefix "$cell" --remove-existing-data --no-cuda --no-save \
            > "$OUT/logs/$cell-s$seed.out" 2> "$OUT/logs/$cell-s$seed.err"
        echo "$?" > "$marker"
    done
done
