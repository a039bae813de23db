#!/usr/bin/env bash
# Test-only stand-in for `nalm` (tests/cluster/test_slurm_cluster.py puts it first on PATH;
# sbatch --export=ALL carries PATH into the jobs). It logs every `nalm train` call and can
# inject one fault, then hands over to the real `nalm` ($NALM_REAL). Library code knows nothing
# of this. Environment:
#   NALM_FAULT_DIR    where the call log and the claim marker go (required for train calls)
#   NALM_FAULT        fail-once: the first train call writes a half run directory and exits 1
#                     slow-once: the first train call trains 1000x the iterations (to be scancelled)
#                     (empty: no fault)
#   NALM_FAULT_DELAY  seconds every train call sleeps first (to make a run last long enough)
set -euo pipefail
real=${NALM_REAL:?NALM_REAL must name the real nalm executable}
if [[ ${1:-} != train || -z ${NALM_FAULT_DIR:-} ]]; then
    exec "$real" "$@"
fi

echo "$(date +%s.%N) job=${SLURM_JOB_ID:-none} $*" >>"$NALM_FAULT_DIR/train-calls.log"
[[ -n ${NALM_FAULT_DELAY:-} ]] && sleep "$NALM_FAULT_DELAY"

claim() {  # the first train call (of all jobs) wins the claim; mkdir is atomic
    mkdir "$NALM_FAULT_DIR/claimed" 2>/dev/null || return 1
    echo "${SLURM_JOB_ID:-none}" >"$NALM_FAULT_DIR/claimed/job"
    printf '%s\n' "$*" >"$NALM_FAULT_DIR/claimed/args"
}

args=("$@")
out="" range_id="" seed=""
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
        --out) out=${args[i + 1]} ;;
        --range-id) [[ -z $range_id ]] && range_id=${args[i + 1]} ;;
        --seeds) seed=${args[i + 1]%%[-,]*} ;;
    esac
done

case ${NALM_FAULT:-} in
    fail-once)
        if claim "$@"; then
            # What a crash mid-write could leave: a run directory without metrics.csv.
            run="$out/$range_id/seed$seed"
            mkdir -p "$run"
            echo '{"partial": true' >"$run/run.json"
            printf 'garbage' >"$run/events.out.tfevents.0.nalm"
            echo "fault-nalm: injected failure (first attempt of block $range_id seed $seed)" >&2
            exit 1
        fi
        ;;
    slow-once)
        if claim "$@"; then
            for ((i = 0; i < ${#args[@]}; i++)); do
                [[ ${args[i]} == --iterations ]] && args[i + 1]=$((args[i + 1] * 1000))
            done
            touch "$NALM_FAULT_DIR/claimed/training"
            exec "$real" "${args[@]}"
        fi
        ;;
esac
exec "$real" "$@"
