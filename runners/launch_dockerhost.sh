#!/usr/bin/env bash
# Example launch script for a single-node Docker cluster (runners named
# dockerhost_<n>; copy it to launch_<your cluster>.sh). Starts the entry's
# serving image (vLLM or SGLang) on this host's GPUs, waits for it, runs
# `infx bench` against it, and leaves the server log in $SERVER_LOG_DIR.
# Contract: runners/README.md.
set -euo pipefail

: "${RESULT_FILENAME:?}" "${MODEL:?}" "${IMAGE:?}" "${FRAMEWORK:?}" "${ISL:?}" "${OSL:?}" "${TP:?}" "${CONC:?}" "${INFX_JOB_TAG:?}"
SERVER_LOG_DIR="${SERVER_LOG_DIR:-server_logs}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HF_CACHE="${HF_HUB_CACHE:-/data/hf-cache}"
PORT="${INFX_SERVER_PORT:-8000}"
mkdir -p "$SERVER_LOG_DIR"

ep_args=()
case "$FRAMEWORK" in
  vllm)
    [[ "${EP_SIZE:-1}" -gt 1 ]] && ep_args=(--enable-expert-parallel)
    server=(vllm serve "$MODEL" --host 0.0.0.0 --port "$PORT" --tensor-parallel-size "$TP" --max-model-len "${MAX_MODEL_LEN:?}" "${ep_args[@]}")
    ;;
  sglang)
    [[ "${EP_SIZE:-1}" -gt 1 ]] && ep_args=(--ep-size "$EP_SIZE")
    [[ "${DP_ATTENTION:-false}" == "true" ]] && ep_args+=(--enable-dp-attention --dp-size "$TP")
    server=(python3 -m sglang.launch_server --model-path "$MODEL" --host 0.0.0.0 --port "$PORT" --tp "$TP" --context-length "${MAX_MODEL_LEN:?}" "${ep_args[@]}")
    ;;
  *) echo "launch_dockerhost.sh: framework '$FRAMEWORK' is not set up on this cluster" >&2; exit 1 ;;
esac

# Named and labelled after the job, so cleanup.sh removes exactly this container.
docker run -d --name "$INFX_JOB_TAG" \
  --label "infx.job=$INFX_JOB_TAG" --label "infx.runner=${RUNNER_NAME:-$(hostname)}" \
  --gpus all --ipc host --network host --shm-size 32g \
  -v "$HF_CACHE:/root/.cache/huggingface" -e HF_TOKEN \
  "$IMAGE" "${server[@]}" > /dev/null
trap 'docker logs "$INFX_JOB_TAG" > "$SERVER_LOG_DIR/server.log" 2>&1 || true' EXIT

for _ in $(seq 1 360); do   # up to 30 minutes for weights to load
  curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break
  [[ "$(docker inspect -f '{{.State.Running}}' "$INFX_JOB_TAG")" == "true" ]] || { echo "server container exited" >&2; exit 1; }
  sleep 5
done

node "$REPO_ROOT/dist/cli/infx.js" bench --base-url "http://127.0.0.1:$PORT" --model "$MODEL" --backend vllm \
  --dataset-name random --random-input-len "$ISL" --random-output-len "$OSL" --random-range-ratio 0.8 \
  --num-prompts $(( CONC * 10 )) --max-concurrency "$CONC" --ignore-eos --num-warmups "$CONC" \
  --percentile-metrics ttft,tpot,itl,e2el --num-gpus "$TP" \
  --save-result --result-dir . --result-filename "$RESULT_FILENAME.json"
