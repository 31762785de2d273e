#!/usr/bin/env bash
# Example launch script for a Slurm cluster (the runner runs on a login node
# named slurm_<n>; copy it to launch_<your cluster>.sh). Submits one batch job
# named $INFX_JOB_TAG (unique per run, attempt and entry, so cleanup.sh cancels
# exactly it), which starts the server in the entry's container with pyxis,
# benchmarks it from the same node and writes the result into the shared
# workspace. Multi-node entries run every concurrency of $CONC_LIST.
# Contract: runners/README.md.
set -euo pipefail

: "${RESULT_FILENAME:?}" "${MODEL:?}" "${IMAGE:?}" "${ISL:?}" "${OSL:?}" "${INFX_JOB_TAG:?}"
SERVER_LOG_DIR="${SERVER_LOG_DIR:-server_logs}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PARTITION="${SLURM_PARTITION:-gpu}"
mkdir -p "$SERVER_LOG_DIR"

if [[ "${IS_MULTINODE:-false}" == "true" ]]; then
  gpus=$(( ${PREFILL_GPUS:?} + ${DECODE_GPUS:?} ))
  concs="${CONC_LIST:?}"
else
  gpus="${TP:?}"
  concs="${CONC:?}"
fi
nodes=$(( (gpus + 7) / 8 ))

sbatch --wait --parsable --job-name "$INFX_JOB_TAG" --partition "$PARTITION" \
  --nodes "$nodes" --gpus-per-node "$(( gpus < 8 ? gpus : 8 ))" --time "${SLURM_TIME:-04:00:00}" \
  --output "$SERVER_LOG_DIR/slurm-%j.log" --export ALL,INFX_CONCS="$concs",INFX_REPO="$REPO_ROOT",INFX_WORKDIR="$PWD" \
  <<'JOB'
#!/usr/bin/env bash
set -euo pipefail
cd "$INFX_WORKDIR"
srun --container-image "$IMAGE" --container-mounts "$INFX_WORKDIR:$INFX_WORKDIR" --ntasks-per-node 1 \
  bash -c 'python3 -m sglang.launch_server --model-path "$MODEL" --tp "${TP:-8}" --port 8000 --host 0.0.0.0' \
  > "${SERVER_LOG_DIR:-server_logs}/server.log" 2>&1 &
until curl -sf http://127.0.0.1:8000/health > /dev/null; do sleep 10; done
for c in $INFX_CONCS; do
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then out="${RESULT_FILENAME}_conc${c}"; else out="$RESULT_FILENAME"; fi
  node "$INFX_REPO/dist/cli/infx.js" bench --base-url http://127.0.0.1:8000 --model "$MODEL" \
    --random-input-len "$ISL" --random-output-len "$OSL" --random-range-ratio 0.8 \
    --num-prompts $(( c * 10 )) --max-concurrency "$c" --ignore-eos --percentile-metrics ttft,tpot,itl,e2el \
    --save-result --result-dir . --result-filename "$out.json"
done
JOB
