# shellcheck shell=bash
# shellcheck disable=SC2034 # ENGINE_* are read by the cluster layers and the overrides
# Engine recipes (sourced): the job's environment -> the engine's server
# command line. `engine_command ROLE PORT` sets
#   ENGINE_CMD    the command (an array) to run inside the entry's image
#   ENGINE_ENV    extra KEY=VALUE for the container
#   ENGINE_YAML   a config file's text (TensorRT-LLM), written to ENGINE_YAML_FILE
# ROLE is `serve` (single node: TP, EP_SIZE, DP_ATTENTION), `prefill` or
# `decode` (multi-node: PREFILL_*/DECODE_*). Every flag below names the page
# it comes from. A config key tunes its recipe in runners/recipes/<key>.sh
# (see engine_override and runners/recipes/README.md), not here.
#
# Speculative decoding (SPEC_DECODING): `mtp` uses the model's own MTP heads,
# `draft_model` needs DRAFT_MODEL; SPEC_NUM_TOKENS draft tokens (default 3,
# a decode worker's DECODE_MTP_SIZE wins); `none` adds no flag at all.

# Role's parallel layout -> E_TP E_EP E_DPA.
engine_layout() {
  case "$1" in
    serve) E_TP="${TP:?}"; E_EP="${EP_SIZE:-1}"; E_DPA="${DP_ATTENTION:-false}" ;;
    prefill) E_TP="${PREFILL_TP:?}"; E_EP="${PREFILL_EP:-1}"; E_DPA="${PREFILL_DP_ATTN:-false}" ;;
    decode) E_TP="${DECODE_TP:?}"; E_EP="${DECODE_EP:-1}"; E_DPA="${DECODE_DP_ATTN:-false}" ;;
    *) infx_die "unknown engine role '$1'" ;;
  esac
  [[ -n "$E_EP" ]] || E_EP=1
  [[ -n "$E_DPA" ]] || E_DPA=false
  E_SPEC_TOKENS="${SPEC_NUM_TOKENS:-3}"
  if [[ "$1" == "decode" && -n "${DECODE_MTP_SIZE:-}" ]]; then E_SPEC_TOKENS="$DECODE_MTP_SIZE"; fi
  case "${SPEC_DECODING:-none}" in
    none|mtp) ;;
    draft_model) [[ -n "${DRAFT_MODEL:-}" ]] || infx_die "SPEC_DECODING=draft_model needs DRAFT_MODEL (the draft model's name or path); set it in runners/recipes/<config key>.sh" ;;
    *) infx_die "SPEC_DECODING='${SPEC_DECODING}' is not one of mtp, draft_model, none" ;;
  esac
}

# GPUs one worker of ROLE occupies -> E_GPUS: TP, or EP when it is larger (DP attention + EP).
engine_gpus() {
  engine_layout "$1"
  E_GPUS=$(( E_EP > E_TP ? E_EP : E_TP ))
}

# `KEY=VALUE` words of *_ADDITIONAL_SETTINGS become variables the recipes and
# overrides read (e.g. DECODE_MTP_SIZE=2, PREFILL_MAX_NUM_TOKENS=16384).
engine_settings() {
  local word
  for word in ${PREFILL_ADDITIONAL_SETTINGS:-} ${DECODE_ADDITIONAL_SETTINGS:-}; do
    [[ "$word" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || infx_die "additional setting '$word' is not KEY=VALUE"
    printf -v "${BASH_REMATCH[1]}" '%s' "${BASH_REMATCH[2]}"
    export "${BASH_REMATCH[1]?}"
  done
}

# vLLM: docs.vllm.ai serving/data_parallel_deployment (--tensor-parallel-size,
# --data-parallel-size for DP attention, --enable-expert-parallel),
# features/speculative_decoding mtp.md and draft_model.md (--speculative-config
# {"method": "mtp" | "draft_model", "model", "num_speculative_tokens"}),
# engine args (--max-model-len, --host, --port).
engine_vllm() {
  local port="$1"
  ENGINE_CMD=(vllm serve "$MODEL" --host 0.0.0.0 --port "$port" --max-model-len "$MAX_MODEL_LEN" --trust-remote-code)
  if [[ "$E_DPA" == "true" ]]; then ENGINE_CMD+=(--tensor-parallel-size 1 --data-parallel-size "$E_TP")
  else ENGINE_CMD+=(--tensor-parallel-size "$E_TP"); fi
  if (( E_EP > 1 )); then ENGINE_CMD+=(--enable-expert-parallel); fi
  case "${SPEC_DECODING:-none}" in
    mtp) ENGINE_CMD+=(--speculative-config "{\"method\":\"mtp\",\"num_speculative_tokens\":$E_SPEC_TOKENS}") ;;
    draft_model) ENGINE_CMD+=(--speculative-config "{\"method\":\"draft_model\",\"model\":\"$DRAFT_MODEL\",\"num_speculative_tokens\":$E_SPEC_TOKENS}") ;;
  esac
}

# SGLang: docs.sglang.io advanced_features/server_arguments (--model-path,
# --tp-size/--tp, --ep-size, --enable-dp-attention with --dp-size/--dp,
# --context-length), advanced_features/speculative_decoding (MTP of DeepSeek
# through --speculative-algorithm EAGLE with --speculative-num-steps,
# --speculative-eagle-topk, --speculative-num-draft-tokens; a separate draft
# LLM through STANDALONE + --speculative-draft-model-path).
engine_sglang() {
  local port="$1"
  ENGINE_CMD=(python3 -m sglang.launch_server --model-path "$MODEL" --host 0.0.0.0 --port "$port"
    --tp "$E_TP" --context-length "$MAX_MODEL_LEN" --trust-remote-code)
  if (( E_EP > 1 )); then ENGINE_CMD+=(--ep-size "$E_EP"); fi
  if [[ "$E_DPA" == "true" ]]; then ENGINE_CMD+=(--enable-dp-attention --dp "$E_TP"); fi
  local spec=(--speculative-num-steps "$E_SPEC_TOKENS" --speculative-eagle-topk 1 --speculative-num-draft-tokens "$(( E_SPEC_TOKENS + 1 ))")
  case "${SPEC_DECODING:-none}" in
    mtp) ENGINE_CMD+=(--speculative-algorithm EAGLE "${spec[@]}") ;;
    draft_model) ENGINE_CMD+=(--speculative-algorithm STANDALONE --speculative-draft-model-path "$DRAFT_MODEL" "${spec[@]}") ;;
  esac
}

# SGLang prefill/decode worker of a disaggregated job: docs.sglang.io
# advanced_features/pd_disaggregation (--disaggregation-mode prefill|decode,
# --disaggregation-bootstrap-port on prefill workers; transfer backend and IB
# devices are the cluster's: SGLANG_DISAGG_TRANSFER_BACKEND -> 
# --disaggregation-transfer-backend, SGLANG_DISAGG_IB_DEVICE -> --disaggregation-ib-device).
engine_sglang_disagg() {
  local role="$1" port="$2"
  engine_sglang "$port"
  ENGINE_CMD+=(--disaggregation-mode "$role")
  if [[ "$role" == "prefill" ]]; then ENGINE_CMD+=(--disaggregation-bootstrap-port "${SGLANG_BOOTSTRAP_PORT:-8998}"); fi
  if [[ -n "${SGLANG_DISAGG_TRANSFER_BACKEND:-}" ]]; then ENGINE_CMD+=(--disaggregation-transfer-backend "$SGLANG_DISAGG_TRANSFER_BACKEND"); fi
  if [[ -n "${SGLANG_DISAGG_IB_DEVICE:-}" ]]; then ENGINE_CMD+=(--disaggregation-ib-device "$SGLANG_DISAGG_IB_DEVICE"); fi
}

# TensorRT-LLM LLM-API options (a YAML file): nvidia.github.io/TensorRT-LLM
# llm-api/reference TorchLlmArgs (enable_attention_dp, max_batch_size,
# max_num_tokens, tensor_parallel_size, moe_expert_parallel_size, max_seq_len),
# MTPDecodingConfig (decoding_type: MTP, num_nextn_predict_layers),
# DraftTargetDecodingConfig (decoding_type: Draft_Target, max_draft_len,
# speculative_model), disaggregated serving (cache_transceiver_config.backend).
engine_trt_yaml() {
  local role="$1"
  local bs_var="${role^^}_MAX_BATCH_SIZE" nt_var="${role^^}_MAX_NUM_TOKENS"
  ENGINE_YAML="enable_attention_dp: $E_DPA"
  if [[ -n "${!bs_var:-}" ]]; then ENGINE_YAML+=$'\n'"max_batch_size: ${!bs_var}"; fi
  if [[ -n "${!nt_var:-}" ]]; then ENGINE_YAML+=$'\n'"max_num_tokens: ${!nt_var}"; fi
  case "${SPEC_DECODING:-none}" in
    mtp) ENGINE_YAML+=$'\n'"speculative_config:"$'\n'"  decoding_type: MTP"$'\n'"  num_nextn_predict_layers: $E_SPEC_TOKENS" ;;
    draft_model) ENGINE_YAML+=$'\n'"speculative_config:"$'\n'"  decoding_type: Draft_Target"$'\n'"  max_draft_len: $E_SPEC_TOKENS"$'\n'"  speculative_model: $DRAFT_MODEL" ;;
  esac
}

# trtllm-serve: nvidia.github.io/TensorRT-LLM commands/trtllm-serve (MODEL,
# --host, --port, --backend pytorch, --tp_size, --ep_size, --max_seq_len,
# --trust_remote_code, --extra_llm_api_options FILE).
engine_trt() {
  local port="$1"
  engine_trt_yaml serve
  ENGINE_CMD=(trtllm-serve "$MODEL" --host 0.0.0.0 --port "$port" --backend pytorch
    --tp_size "$E_TP" --ep_size "$E_EP" --max_seq_len "$MAX_MODEL_LEN" --trust_remote_code
    --extra_llm_api_options "$ENGINE_YAML_FILE")
}

# Dynamo + TensorRT-LLM worker: ai-dynamo/dynamo components/backends/trtllm
# (python3 -m dynamo.trtllm --model-path --served-model-name
# --disaggregation-mode prefill|decode --extra-engine-args FILE, launched per
# rank by trtllm-llmapi-launch); the engine YAML carries the parallel layout.
engine_dynamo_trt() {
  local role="$1"
  engine_trt_yaml "$role"
  ENGINE_YAML="tensor_parallel_size: $E_TP"$'\n'"moe_expert_parallel_size: $E_EP"$'\n'"max_seq_len: $MAX_MODEL_LEN"$'\n'"$ENGINE_YAML"
  ENGINE_YAML+=$'\n'"cache_transceiver_config:"$'\n'"  backend: ${TRTLLM_CACHE_TRANSCEIVER_BACKEND:-DEFAULT}"
  local mode="$role"
  if [[ "$role" == "serve" ]]; then mode=prefill_and_decode; fi   # one aggregated worker
  ENGINE_CMD=(trtllm-llmapi-launch python3 -m dynamo.trtllm --model-path "$MODEL" --served-model-name "$MODEL"
    --disaggregation-mode "$mode" --extra-engine-args "$ENGINE_YAML_FILE")
}

# ATOM (ROCm/ATOM): its README's serving examples and
# atom/model_engine/arg_utils.py (python -m atom.entrypoints.openai_server
# --model, --server-port, -tp / --tensor-parallel-size, --enable-expert-parallel,
# --enable-dp-attention, --kv_cache_dtype fp8; speculative decoding through
# --method mtp|eagle3|dspark with --num-speculative-tokens N, default 1, and
# --draft-model for eagle3/dspark drafts). `mtp` maps to --method mtp; ATOM has
# no plain draft-model method, so `draft_model` must be spelled out by the key's
# override (runners/recipes/<key>.sh, with ENGINE_SPEC_IN_OVERRIDE=1), which
# then also owns the flags of `mtp`.
engine_atom() {
  local port="$1"
  ENGINE_CMD=(python3 -m atom.entrypoints.openai_server --model "$MODEL" --server-port "$port"
    --tensor-parallel-size "$E_TP" --kv_cache_dtype fp8)
  if (( E_EP > 1 )); then ENGINE_CMD+=(--enable-expert-parallel); fi
  if [[ "$E_DPA" == "true" ]]; then ENGINE_CMD+=(--enable-dp-attention); fi
  if [[ -n "${ENGINE_SPEC_IN_OVERRIDE:-}" ]]; then return; fi
  case "${SPEC_DECODING:-none}" in
    mtp) ENGINE_CMD+=(--method mtp --num-speculative-tokens "$E_SPEC_TOKENS") ;;
    draft_model) infx_die "ATOM has no plain draft-model speculative decoding (its --method is mtp, eagle3 or dspark); spell out the flags (e.g. --method eagle3 --draft-model \$DRAFT_MODEL) in runners/recipes/<config key>.sh and set ENGINE_SPEC_IN_OVERRIDE=1 there" ;;
  esac
}

# The override file of this job's config key -> ENGINE_OVERRIDE (empty: none):
# runners/recipes/<key>.sh with key = MODEL_PREFIX-PRECISION-RUNNER_TYPE-FRAMEWORK,
# first with -SPEC_DECODING appended (so dsr1-fp8-b200-sglang-mtp.sh tunes the mtp key only).
engine_override_file() {
  local key="${MODEL_PREFIX:-}-${PRECISION:-}-${RUNNER_TYPE:-}-${FRAMEWORK}"
  local dir="${INFX_RECIPES_DIR:-$INFX_REPO/runners/recipes}"
  ENGINE_OVERRIDE=""
  if [[ "${SPEC_DECODING:-none}" != "none" && -f "$dir/$key-$SPEC_DECODING.sh" ]]; then ENGINE_OVERRIDE="$dir/$key-$SPEC_DECODING.sh"
  elif [[ -f "$dir/$key.sh" ]]; then ENGINE_OVERRIDE="$dir/$key.sh"; fi
}

# engine_command ROLE PORT: the recipe of $FRAMEWORK, then the key's override,
# then ENGINE_EXTRA_ARGS (space-separated words appended last).
engine_command() {
  local role="$1" port="$2"
  ENGINE_CMD=(); ENGINE_ENV=(); ENGINE_YAML=""
  ENGINE_YAML_FILE="${ENGINE_YAML_DIR:-$PWD}/${INFX_JOB_TAG}-${role}.yaml"
  ENGINE_ROLE="$role"
  engine_override_file
  local override="$ENGINE_OVERRIDE"
  # The override's first part (before the recipe) may set knobs such as DRAFT_MODEL.
  # shellcheck source=/dev/null
  if [[ -n "$override" ]]; then ENGINE_STAGE=before; . "$override"; fi
  engine_layout "$role"
  case "$FRAMEWORK" in
    vllm) engine_vllm "$port" ;;
    sglang) engine_sglang "$port" ;;
    trt|trtllm) engine_trt "$port" ;;
    atom) engine_atom "$port" ;;
    sglang-disagg) engine_sglang_disagg "$role" "$port" ;;
    dynamo-trt) engine_dynamo_trt "$role" ;;
    *) infx_die "no engine recipe for framework '$FRAMEWORK' (runners/lib/engines.sh knows vllm, sglang, trt, atom, sglang-disagg, dynamo-trt)" ;;
  esac
  # shellcheck source=/dev/null
  if [[ -n "$override" ]]; then ENGINE_STAGE=after; . "$override"; fi
  local extra=()
  read -r -a extra <<< "${ENGINE_EXTRA_ARGS:-}"
  ENGINE_CMD+=("${extra[@]}")
  unset ENGINE_STAGE
}

# Whether FRAMEWORK runs as prefill/decode workers behind a router or frontend.
engine_is_disagg() { [[ "$FRAMEWORK" == "sglang-disagg" || "$FRAMEWORK" == dynamo-* ]]; }
