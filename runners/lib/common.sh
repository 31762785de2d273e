# shellcheck shell=bash
# shellcheck disable=SC2034 # INFX_IMAGE_*, INFX_DOWNLOAD_CMD, INFX_ENGINE_ENV are read by the cluster layers
# Shared by the launch scripts (sourced, never run): dry run, quoting, free
# port, health wait, the benchmark client, evals. Contract: runners/README.md.
#
# Knobs (all optional, from the runner's environment):
#   INFX_DRY_RUN=1            print the commands, one per line, and run none
#   INFX_SERVER_PORT          port of the server (default: a free port)
#   INFX_HEALTH_TIMEOUT       seconds to wait for the server (default 1800)
#   INFX_REQUEST_TIMEOUT      infx bench --request-timeout (default 0: no limit)
#   INFX_STALL_TIMEOUT        infx bench --stall-timeout (default 600)
#   INFX_LM_EVAL              the lm-eval command (default: lm_eval)
#   EVAL_TASK                 lm-eval task of an eval job (default: gsm8k)
#   INFX_REQUIRE_DIGEST=1     refuse an image the plan did not pin (no IMAGE_DIGEST, no @sha256:)
#   INFX_MODEL_DOWNLOAD=0     no download step: the model cache is pre-filled (HF_TOKEN then
#                             reaches no container at all)

INFX_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVER_LOG_DIR="${SERVER_LOG_DIR:-server_logs}"
EVAL_RESULT_DIR="${EVAL_RESULT_DIR:-eval_results}"

infx_dry() { [[ "${INFX_DRY_RUN:-0}" == "1" ]]; }
infx_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# One argument as the shell reads it back: bare when safe, else single-quoted
# (into INFX_Q: no subshell per argument, dry runs print long command lines).
infx_q() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then INFX_Q="$1"
  else INFX_Q="'${1//\'/\'\\\'\'}'"; fi
}
infx_line() { # the command line -> INFX_LINE
  local a
  INFX_LINE=""
  for a in "$@"; do infx_q "$a"; INFX_LINE+="$INFX_Q "; done
  INFX_LINE="${INFX_LINE% }"
}
infx_show() { infx_line "$@"; printf '%s\n' "$INFX_LINE"; }

# Run a command (or, in a dry run, print it).
infx_run() { if infx_dry; then infx_show "$@"; else "$@"; fi; }

# Run a command in the background with its output in LOG; its pid goes to
# $INFX_BG_PID and to the job's pid file (cleanup.sh after kills what is left).
infx_bg() {
  local log="$1"; shift
  if infx_dry; then infx_line "$@"; infx_q "$log"; echo "$INFX_LINE > $INFX_Q 2>&1 &"; INFX_BG_PID=0; return; fi
  "$@" > "$log" 2>&1 &
  INFX_BG_PID=$!
  echo "$INFX_BG_PID" >> "${RUNNER_TEMP:-/tmp}/${INFX_JOB_TAG:?}.pids"
}

# Run FUNC when the script ends, also when the job is cancelled (the runner
# sends SIGINT, then SIGTERM): logs are saved and steps torn down either way.
infx_on_exit() {
  # shellcheck disable=SC2064 # FUNC is fixed now
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Write a file (a dry run prints it as a here-document); never through a symlink.
infx_write() {
  local file="$1" text="$2"
  [[ ! -L "$file" ]] || infx_die "$file is a symlink (left by an earlier job?); refusing to write through it"
  if infx_dry; then infx_q "$file"; printf "cat > %s <<'EOF'\n%s\nEOF\n" "$INFX_Q" "$text"; return; fi
  printf '%s\n' "$text" > "$file"
}

# A free TCP port on this host (INFX_SERVER_PORT wins).
infx_free_port() {
  if [[ -n "${INFX_SERVER_PORT:-}" ]]; then echo "$INFX_SERVER_PORT"; return; fi
  node -e 'const s=require("net").createServer();s.listen(0,"0.0.0.0",()=>{console.log(s.address().port);s.close()})'
}

# Wait until URL serves /v1/models listing MODEL (every engine here is
# OpenAI-compatible). ALIVE is a command that fails once the server is gone;
# TAIL prints the server log. Fails after INFX_HEALTH_TIMEOUT seconds.
infx_wait_ready() {
  local url="$1" alive="$2" tail="$3"
  local timeout="${INFX_HEALTH_TIMEOUT:-1800}" start=$SECONDS
  if infx_dry; then echo "# wait up to ${timeout}s for $url/v1/models to list $MODEL"; return; fi
  until curl -sf --max-time 10 "$url/v1/models" 2>/dev/null | grep -qF "\"$MODEL\""; do
    if ! $alive; then
      echo "server exited before it was ready; last lines of its log:" >&2; $tail >&2; return 1
    fi
    if (( SECONDS - start > timeout )); then
      echo "server not ready after ${timeout}s (INFX_HEALTH_TIMEOUT); last lines of its log:" >&2; $tail >&2; return 1
    fi
    sleep 5
  done
  echo "server ready at $url after $(( SECONDS - start ))s"
}

# infx bench for one concurrency: writes OUT.json in the working directory.
infx_bench() {
  local url="$1" conc="$2" out="$3" gpus="$4"
  infx_run node "$INFX_REPO/dist/cli/infx.js" bench --base-url "$url" --model "$MODEL" --backend vllm \
    --dataset-name random --random-input-len "$ISL" --random-output-len "$OSL" --random-range-ratio "${INFX_RANGE_RATIO:-0.8}" \
    --num-prompts "$(( conc * ${INFX_PROMPTS_PER_CONC:-10} ))" --max-concurrency "$conc" --ignore-eos --num-warmups "$conc" \
    --percentile-metrics ttft,tpot,itl,e2el --num-gpus "$gpus" \
    --request-timeout "${INFX_REQUEST_TIMEOUT:-0}" --stall-timeout "${INFX_STALL_TIMEOUT:-600}" \
    --save-result --result-dir . --result-filename "$out.json"
}

# Every concurrency of the job (CONC, or CONC_LIST for multi-node), stopping at the first failure.
infx_bench_all() {
  local url="$1" gpus="$2" c out status=0
  local concs=("${CONC:-}")
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then read -r -a concs <<< "${CONC_LIST:?CONC_LIST is not set}"; fi
  for c in "${concs[@]}"; do
    if [[ "${IS_MULTINODE:-false}" == "true" ]]; then out="${RESULT_FILENAME}_conc${c}"; else out="$RESULT_FILENAME"; fi
    infx_bench "$url" "$c" "$out" "$gpus" || status=$?
    [[ $status -eq 0 ]] || { echo "benchmark at concurrency $c failed (exit $status)" >&2; return "$status"; }
  done
}

# With RUN_EVAL=true: lm-evaluation-harness against the same server, results
# and meta_env.json under $EVAL_RESULT_DIR (where `infx collect --kind eval`
# reads them); lm-eval's own log goes to $SERVER_LOG_DIR/lm_eval.log.
# Flags: lm-eval docs/interface.md (--model local-completions, --model_args
# model=,base_url=,num_concurrent=,tokenized_requests=False, --tasks, --output_path).
infx_eval() {
  local url="$1"
  [[ "${RUN_EVAL:-false}" == "true" ]] || return 0
  local conc="${CONC:-}"
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then conc="${CONC_LIST##* }"; fi
  local -a lm_eval
  read -r -a lm_eval <<< "${INFX_LM_EVAL:-lm_eval}"
  infx_run mkdir -p "$EVAL_RESULT_DIR"
  infx_meta_env "$conc"
  if infx_dry; then
    infx_line "${lm_eval[@]}" --model local-completions --model_args "model=$MODEL,base_url=$url/v1/completions,num_concurrent=$conc,tokenized_requests=False" --tasks "${EVAL_TASK:-gsm8k}" --output_path "$EVAL_RESULT_DIR"
    echo "$INFX_LINE > $SERVER_LOG_DIR/lm_eval.log 2>&1"
    return
  fi
  "${lm_eval[@]}" --model local-completions \
    --model_args "model=$MODEL,base_url=$url/v1/completions,num_concurrent=$conc,tokenized_requests=False" \
    --tasks "${EVAL_TASK:-gsm8k}" --output_path "$EVAL_RESULT_DIR" > "$SERVER_LOG_DIR/lm_eval.log" 2>&1 \
    || { echo "lm-eval failed; last lines of $SERVER_LOG_DIR/lm_eval.log:" >&2; tail -n 30 "$SERVER_LOG_DIR/lm_eval.log" >&2; return 1; }
}

# meta_env.json: the eval's configuration (src/results/evals.ts, MetaEnv).
infx_meta_env() {
  local conc="$1" multi="${IS_MULTINODE:-false}"
  local tp="${TP:-}" ep="${EP_SIZE:-1}" dpa="${DP_ATTENTION:-false}"
  if [[ "$multi" == "true" ]]; then tp="$DECODE_TP"; ep="$DECODE_EP"; dpa="$DECODE_DP_ATTN"; fi
  local json
  json="$(INFX_M_CONC="$conc" INFX_M_TP="$tp" INFX_M_EP="$ep" INFX_M_DPA="$dpa" node -e '
    const e = process.env;
    console.log(JSON.stringify({
      infmax_model_prefix: e.MODEL_PREFIX, model_prefix: e.MODEL_PREFIX, model: e.MODEL, hw: e.RUNNER_TYPE, runner_type: e.RUNNER_TYPE,
      framework: e.FRAMEWORK, precision: e.PRECISION, spec_decoding: e.SPEC_DECODING || "none",
      tp: Number(e.INFX_M_TP), ep: Number(e.INFX_M_EP || 1), dp_attention: e.INFX_M_DPA || "false",
      conc: Number(e.INFX_M_CONC), isl: Number(e.ISL), osl: Number(e.OSL), is_multinode: e.IS_MULTINODE === "true",
    }, null, 2));')"
  infx_write "$EVAL_RESULT_DIR/meta_env.json" "$json"
}

# The image the job runs -> INFX_IMAGE_REF and INFX_IMAGE_PINNED (docs/security.md):
# IMAGE_DIGEST (the plan's image-digest) or an IMAGE already @sha256: gives
# <name>@sha256:... (the tag dropped: Enroot reads no tag@digest), so a tag moved
# on the registry or re-tagged on this host is never what runs; without a digest
# the tag is pulled fresh (INFX_IMAGE_PINNED=0), or refused with INFX_REQUIRE_DIGEST=1.
infx_image_ref() {
  local image="${IMAGE:?}" digest="${IMAGE_DIGEST:-}" name
  if [[ "$image" == *@* ]]; then
    [[ -z "$digest" || "${image##*@}" == "$digest" ]] || infx_die "IMAGE $image and IMAGE_DIGEST $digest name different digests"
    digest="${image##*@}"
  fi
  if [[ -n "$digest" ]]; then
    [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || infx_die "image digest '$digest' is not sha256:<64 hex> (the plan's image-digest)"
    name="${image%%@*}"
    if [[ "${name##*/}" == *:* ]]; then name="${name%:*}"; fi
    INFX_IMAGE_REF="$name@$digest"; INFX_IMAGE_PINNED=1
    return
  fi
  [[ "${INFX_REQUIRE_DIGEST:-0}" != "1" ]] ||
    infx_die "IMAGE $image has no digest and INFX_REQUIRE_DIGEST=1: plan with resolve-digests (plan action input) or pin image: name@sha256:... in the config"
  INFX_IMAGE_REF="$image"; INFX_IMAGE_PINNED=0
  echo "warning: IMAGE $image runs by tag (the plan gave no IMAGE_DIGEST); it is pulled fresh, not taken from this host's images" >&2
}

# Environment of the engine container: an explicit allow-list (docs/security.md).
# The model cache is read-only there, so the hub is told to stay offline
# (huggingface_hub HF_HUB_OFFLINE, transformers TRANSFORMERS_OFFLINE) and
# remote code goes to a writable HF_MODULES_CACHE; then the recipe's
# ENGINE_ENV, whose names may not look like a credential or the runner's own.
# No HF_TOKEN: only the download step (infx_download_cmd) gets it. -> INFX_ENGINE_ENV
infx_engine_env() {
  local kv
  INFX_ENGINE_ENV=(HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_MODULES_CACHE=/tmp/infx-hf-modules)
  for kv in "${ENGINE_ENV[@]}"; do
    [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || infx_die "engine environment entry '$kv' is not KEY=VALUE"
    if [[ "${kv%%=*}" =~ ^(GITHUB_|ACTIONS_|RUNNER_)|TOKEN|SECRET|PASSWORD|CREDENTIAL ]]; then
      infx_die "the recipe passes ${kv%%=*} to the engine; secrets and runner variables never reach it (runners/README.md, \"Secrets\")"
    fi
    INFX_ENGINE_ENV+=("$kv")
  done
}

# The models the download step fetches -> INFX_MODELS: MODEL, and DRAFT_MODEL
# for draft_model; a local path (/...) is nobody's to download.
infx_models() {
  local m all=("$MODEL")
  if [[ "${SPEC_DECODING:-none}" == "draft_model" ]]; then all+=("${DRAFT_MODEL:-}"); fi
  INFX_MODELS=()
  for m in "${all[@]}"; do
    if [[ -n "$m" && "$m" != /* ]]; then INFX_MODELS+=("$m"); fi
  done
}

# The download step, the only one with write access to the model cache and
# HF_TOKEN (when set): huggingface_hub.snapshot_download of INFX_MODELS in the
# entry's image. -> INFX_DOWNLOAD_CMD (empty: nothing to download, or INFX_MODEL_DOWNLOAD=0)
infx_download_cmd() {
  infx_models
  INFX_DOWNLOAD_CMD=()
  [[ "${INFX_MODEL_DOWNLOAD:-1}" != "0" && ${#INFX_MODELS[@]} -gt 0 ]] || return 0
  INFX_DOWNLOAD_CMD=(python3 -c 'import sys; from huggingface_hub import snapshot_download; [snapshot_download(repo_id=m) for m in sys.argv[1:]]' "${INFX_MODELS[@]}")
}

# Outputs are this job's alone: the log and eval directories and the result
# files may not be symlinks (refused) and are emptied when a crashed job left
# them (the checkout's clean removes them first; this covers hosts that keep a workspace).
infx_fresh_outputs() {
  local p
  for p in "$SERVER_LOG_DIR" "$EVAL_RESULT_DIR" "$RESULT_FILENAME"; do
    [[ -n "$p" && "$p" != /* && "$p" != . && ! "$p" =~ (^|/)\.\.(/|$) ]] ||
      infx_die "'$p' (SERVER_LOG_DIR, EVAL_RESULT_DIR or RESULT_FILENAME) must be a path inside the working directory"
  done
  for p in "$SERVER_LOG_DIR" "$EVAL_RESULT_DIR" "$RESULT_FILENAME.json" "$RESULT_FILENAME"_conc*.json; do
    [[ ! -L "$p" ]] || infx_die "$p is a symlink (left by an earlier job?); refusing to write the job's outputs through it"
  done
  infx_dry && return 0
  rm -rf -- "$SERVER_LOG_DIR" "$EVAL_RESULT_DIR" "$RESULT_FILENAME.json" "$RESULT_FILENAME"_conc*.json
  mkdir -p "$SERVER_LOG_DIR"
}

# Check the job's environment before anything starts.
infx_require_job_env() {
  local v missing=()
  for v in RESULT_FILENAME MODEL IMAGE FRAMEWORK ISL OSL MAX_MODEL_LEN INFX_JOB_TAG; do [[ -n "${!v:-}" ]] || missing+=("$v"); done
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then
    for v in CONC_LIST PREFILL_NUM_WORKERS PREFILL_TP DECODE_NUM_WORKERS DECODE_TP; do [[ -n "${!v:-}" ]] || missing+=("$v"); done
  else
    for v in TP CONC; do [[ -n "${!v:-}" ]] || missing+=("$v"); done
  fi
  (( ${#missing[@]} == 0 )) || infx_die "the job's environment lacks ${missing[*]} (runners/README.md lists what the workflow sets)"
  infx_image_ref
  infx_fresh_outputs
}
