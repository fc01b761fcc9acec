#!/usr/bin/env bash
# Submits a gcl seed sweep to Slurm: an array job with one shard per task, and a merge job that starts once
# every task has succeeded. Prints both job ids.
#
#   DATA=/shared/ucf/dataset.yaml SWEEP_DIR=/shared/sweeps/ucf-gcl SEEDS=0-9 SHARDS=4 examples/slurm/submit.sh
#
# Settings (environment; defaults in brackets):
#   DATA, SWEEP_DIR           the dataset and the sweep folder, both on storage every node sees (required)
#   SEEDS [0-9], VARIANTS [gcl-b,gcl-pt], GCL_ARGS [] (more gcl sweep options), BACKEND [auto], JOBS [1]
#   SHARDS [4]                array tasks; the runs are split among them (run k goes to task k mod SHARDS)
#   CPUS_PER_TASK [8], GPUS_PER_TASK [1] (0: no GPU request), MEM [32G], TIME [12:00:00], MERGE_MEM [4G]
#   PARTITION, ACCOUNT        passed to sbatch when set
#   GCL_CMD                   how tasks run gcl [gcl on PATH, else this checkout's ./gcl launcher]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${DATA:?set DATA to the dataset description on shared storage}"
: "${SWEEP_DIR:?set SWEEP_DIR to the sweep folder on shared storage}"
SHARDS=${SHARDS:-4}
GPUS_PER_TASK=${GPUS_PER_TASK:-1}

if [ -z "${GCL_CMD:-}" ]; then
  if command -v gcl >/dev/null 2>&1; then GCL_CMD=gcl; else GCL_CMD="$(cd "$here/../.." && pwd)/gcl"; fi
  # the launcher builds the jar when it is stale: once here, not in every task at the same time
  read -r -a gcl <<< "$GCL_CMD"
  "${gcl[@]}" --version >/dev/null
fi
DATA="$(cd "$(dirname "$DATA")" && pwd)/$(basename "$DATA")"   # tasks start in other folders
mkdir -p "$SWEEP_DIR/logs" "$SWEEP_DIR/shards"
SWEEP_DIR="$(cd "$SWEEP_DIR" && pwd)"
export DATA SWEEP_DIR GCL_CMD SEEDS VARIANTS GCL_ARGS BACKEND SHARDS JOBS

common=()
[ -n "${PARTITION:-}" ] && common+=(--partition="$PARTITION")
[ -n "${ACCOUNT:-}" ] && common+=(--account="$ACCOUNT")
gpu=()
[ "$GPUS_PER_TASK" -gt 0 ] && gpu=(--gres="gpu:$GPUS_PER_TASK")

array=$(sbatch --parsable "${common[@]}" "${gpu[@]}" --array="0-$((SHARDS - 1))" \
    --cpus-per-task="${CPUS_PER_TASK:-8}" --mem="${MEM:-32G}" --time="${TIME:-12:00:00}" \
    --output="$SWEEP_DIR/logs/shard-%a.out" "$here/sweep-array.sbatch")
array=${array%%;*}
echo "array job $array: $SHARDS shards -> $SWEEP_DIR/shards/<task>/ (logs in $SWEEP_DIR/logs/)"
merge=$(sbatch --parsable "${common[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --mem="${MERGE_MEM:-4G}" --output="$SWEEP_DIR/logs/merge.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "merge job $merge: after every shard succeeded -> $SWEEP_DIR/merged/summary.csv"
