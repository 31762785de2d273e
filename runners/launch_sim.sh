#!/usr/bin/env bash
# Simulated cluster: runs a whole benchmark job on any machine (no GPU, no
# container) with `infx serve-sim` as the server and `infx bench` as the
# client. A runner named sim_<n> picks this script (cluster = name before `_`).
# Contract: runners/README.md. Simulation knobs (all optional):
#   SIM_INPUT_LEN / SIM_OUTPUT_LEN   override ISL / OSL for the simulated requests
#   SIM_NUM_PROMPTS                  requests per concurrency (default CONC x 10)
#   SIM_STEP_MS, SIM_PREFILL_RATE    serve-sim speed (default 8 ms/step, 200k tok/s)
#   SIM_FAULT                        e.g. "http-500=1" to make the job fail on purpose
# With RUN_EVAL=true it runs the eval step of runners/lib/common.sh against
# serve-sim (INFX_LM_EVAL names the lm-eval command).
set -euo pipefail

: "${RESULT_FILENAME:?RESULT_FILENAME is not set (runners/README.md)}"
: "${MODEL:?MODEL is not set}"
: "${ISL:?ISL is not set}"
: "${OSL:?OSL is not set}"
SERVER_LOG_DIR="${SERVER_LOG_DIR:-server_logs}"
INFX_JOB_TAG="${INFX_JOB_TAG:-infx-local-$$}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFX=(node "$REPO_ROOT/dist/cli/infx.js")
mkdir -p "$SERVER_LOG_DIR"

if [[ "${IS_MULTINODE:-false}" == "true" ]]; then
  read -r -a CONCS <<< "${CONC_LIST:?CONC_LIST is not set for a multi-node entry}"
  GPUS=$(( ${PREFILL_GPUS:-0} + ${DECODE_GPUS:-0} ))
else
  CONCS=("${CONC:?CONC is not set}")
  GPUS="${TP:-1}"
fi
(( GPUS > 0 )) || GPUS=1

fault_args=()
if [[ -n "${SIM_FAULT:-}" ]]; then fault_args=(--fault "$SIM_FAULT"); fi

url_file="$SERVER_LOG_DIR/$INFX_JOB_TAG.url"
: > "$url_file"
"${INFX[@]}" serve-sim --port 0 --model "$MODEL" \
  --step-ms "${SIM_STEP_MS:-8}" --prefill-rate "${SIM_PREFILL_RATE:-200000}" \
  "${fault_args[@]}" > "$url_file" 2> "$SERVER_LOG_DIR/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 200); do
  [[ -s "$url_file" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "serve-sim exited early:" >&2; cat "$SERVER_LOG_DIR/server.log" >&2; exit 1; }
  sleep 0.05
done
base_url="$(head -n1 "$url_file")"
[[ -n "$base_url" ]] || { echo "serve-sim did not report its URL" >&2; exit 1; }
echo "serve-sim for $MODEL at $base_url (job $INFX_JOB_TAG)"

status=0
for c in "${CONCS[@]}"; do
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then out="${RESULT_FILENAME}_conc${c}"; else out="$RESULT_FILENAME"; fi
  "${INFX[@]}" bench --base-url "$base_url" --model "$MODEL" --backend vllm \
    --dataset-name random --random-input-len "${SIM_INPUT_LEN:-$ISL}" --random-output-len "${SIM_OUTPUT_LEN:-$OSL}" \
    --random-range-ratio 1 --num-prompts "${SIM_NUM_PROMPTS:-$(( c * 10 ))}" --max-concurrency "$c" \
    --ignore-eos --percentile-metrics ttft,tpot,itl,e2el --num-gpus "$GPUS" \
    --request-timeout "${INFX_REQUEST_TIMEOUT:-0}" --stall-timeout "${INFX_STALL_TIMEOUT:-600}" \
    --save-result --result-dir . --result-filename "$out.json" || status=$?
  [[ $status -eq 0 ]] || { echo "benchmark at concurrency $c failed (exit $status)" >&2; break; }
done
if [[ $status -eq 0 && "${RUN_EVAL:-false}" == "true" ]]; then
  # shellcheck source=lib/common.sh
  . "$REPO_ROOT/runners/lib/common.sh"
  infx_eval "$base_url" || status=$?
fi
exit "$status"
