# shellcheck shell=bash
# Cluster layer for single-node hosts with Docker or Podman (sourced by a
# launch_<cluster>.sh that sets the variables below, then calls docker_job).
#   CONTAINER_RUNTIME   docker (default) or podman
#   GPU_VENDOR          nvidia or amd
#   GPU_SETS            runner name -> its GPUs when runners share a host, e.g.
#                       "gpuhost_0=0,1,2,3 gpuhost_1=4,5,6,7"; a runner not
#                       listed gets GPU_ALL
#   GPU_ALL             the host's GPUs (default 0,1,2,3,4,5,6,7)
#   HF_HUB_CACHE        model cache on the host (default /data/hf-cache)
#   CONTAINER_SHM_SIZE  --shm-size (default 32g)
# Device flags: NVIDIA Container Toolkit docs (docker --gpus '"device=0,1"';
# podman --device nvidia.com/gpu=N through CDI); ROCm docs "Running ROCm
# Docker containers" (--device /dev/kfd --device /dev/dri --group-add video,
# --security-opt seccomp=unconfined; HIP_VISIBLE_DEVICES selects the GPUs).

# The first N GPUs of this runner's set, comma-separated.
docker_gpu_list() {
  local n="$1" set="${GPU_ALL:-0,1,2,3,4,5,6,7}" runner="${RUNNER_NAME:-}"
  local pair
  for pair in ${GPU_SETS:-}; do
    if [[ "${pair%%=*}" == "$runner" ]]; then set="${pair#*=}"; fi
  done
  local -a gpus
  IFS=, read -r -a gpus <<< "$set"
  (( ${#gpus[@]} >= n )) || infx_die "the job needs $n GPUs but runner ${runner:-?} has ${#gpus[@]} ($set); see GPU_SETS in $(basename "$0")"
  local IFS=,
  echo "${gpus[*]:0:n}"
}

# Device flags for GPUS (a comma-separated list) -> DEVICE_ARGS.
docker_device_args() {
  local list="$1" runtime="${CONTAINER_RUNTIME:-docker}" g
  DEVICE_ARGS=()
  case "${GPU_VENDOR:?GPU_VENDOR is not set (nvidia or amd)}" in
    nvidia)
      if [[ "$runtime" == "podman" ]]; then
        for g in ${list//,/ }; do DEVICE_ARGS+=(--device "nvidia.com/gpu=$g"); done
      else DEVICE_ARGS+=(--gpus "\"device=$list\""); fi
      local visible="" i=0
      for g in ${list//,/ }; do visible+="${visible:+,}$i"; i=$(( i + 1 )); done
      DEVICE_ARGS+=(-e "CUDA_VISIBLE_DEVICES=$visible") ;;
    amd)
      DEVICE_ARGS+=(--device /dev/kfd --device /dev/dri --group-add video --security-opt seccomp=unconfined
        --cap-add SYS_PTRACE -e "HIP_VISIBLE_DEVICES=$list") ;;
    *) infx_die "GPU_VENDOR='$GPU_VENDOR' is not nvidia or amd" ;;
  esac
}

docker_alive() { infx_dry || [[ "$("${CONTAINER_RUNTIME:-docker}" inspect -f '{{.State.Running}}' "$INFX_JOB_TAG" 2>/dev/null)" == "true" ]]; }
docker_log_tail() { "${CONTAINER_RUNTIME:-docker}" logs --tail "${INFX_LOG_TAIL:-60}" "$INFX_JOB_TAG" 2>&1; }
docker_save_log() { infx_dry || "${CONTAINER_RUNTIME:-docker}" logs "$INFX_JOB_TAG" > "$SERVER_LOG_DIR/server.log" 2>&1 || true; }
# On exit, also when cancelled: the log saved, then the container removed (cleanup.sh after catches the rest).
docker_teardown() {
  docker_save_log
  if infx_dry; then infx_show "${CONTAINER_RUNTIME:-docker}" rm -f "$INFX_JOB_TAG"; else "${CONTAINER_RUNTIME:-docker}" rm -f "$INFX_JOB_TAG" > /dev/null 2>&1 || true; fi
}

# --pull for INFX_IMAGE_REF: by digest the local copy is the same bytes (missing:
# pulled once); by tag always pulled, so a re-tagged local image is never used.
docker_pull_policy() { if [[ "${INFX_IMAGE_PINNED:-0}" == "1" ]]; then echo missing; else echo always; fi; }

# The download step (infx_download_cmd) in its own container: the model cache
# writable, HF_TOKEN passed only when set; removed when done (--rm).
docker_download() {
  local runtime="${CONTAINER_RUNTIME:-docker}" token=()
  infx_download_cmd
  (( ${#INFX_DOWNLOAD_CMD[@]} )) || return 0
  if [[ -n "${HF_TOKEN:-}" ]]; then token=(-e HF_TOKEN); fi
  infx_run "$runtime" run --rm --name "$INFX_JOB_TAG-download" \
    --label "infx.job=$INFX_JOB_TAG" --label "infx.runner=${RUNNER_NAME:-$(hostname)}" --pull "$(docker_pull_policy)" \
    -v "${HF_HUB_CACHE:-/data/hf-cache}:/root/.cache/huggingface" "${token[@]}" \
    --entrypoint "${INFX_DOWNLOAD_CMD[0]}" "$INFX_IMAGE_REF" "${INFX_DOWNLOAD_CMD[@]:1}"
}

# The whole job: model download, server container, readiness, benchmark(s), eval.
docker_job() {
  infx_require_job_env
  [[ "${IS_MULTINODE:-false}" != "true" ]] || infx_die "multi-node entries need several hosts; this Docker cluster runs single-node entries only (use a Slurm cluster script, runners/lib/slurm.sh)"
  local runtime="${CONTAINER_RUNTIME:-docker}" port gpus
  port="$(infx_free_port)"
  engine_gpus serve
  gpus="$E_GPUS"
  local list
  list="$(docker_gpu_list "$gpus")"
  docker_device_args "$list"
  engine_command serve "$port"
  if [[ -n "$ENGINE_YAML" ]]; then infx_write "$ENGINE_YAML_FILE" "$ENGINE_YAML"; fi
  infx_engine_env
  local env_args=() kv
  for kv in "${INFX_ENGINE_ENV[@]}"; do env_args+=(-e "$kv"); done
  echo "job $INFX_JOB_TAG: $FRAMEWORK on GPUs $list of $(hostname), port $port, image $INFX_IMAGE_REF" >&2
  docker_download
  infx_on_exit docker_teardown
  # Named and labelled after the job, so cleanup.sh removes exactly this container.
  # The model cache and the workspace are read-only for the engine; its
  # environment is INFX_ENGINE_ENV and nothing else.
  infx_run "$runtime" run -d --name "$INFX_JOB_TAG" \
    --label "infx.job=$INFX_JOB_TAG" --label "infx.runner=${RUNNER_NAME:-$(hostname)}" --pull "$(docker_pull_policy)" \
    "${DEVICE_ARGS[@]}" --ipc host --network host --shm-size "${CONTAINER_SHM_SIZE:-32g}" \
    -v "${HF_HUB_CACHE:-/data/hf-cache}:/root/.cache/huggingface:ro" \
    -v "$PWD:$PWD:ro" -w "$PWD" "${env_args[@]}" \
    "$INFX_IMAGE_REF" "${ENGINE_CMD[@]}"
  local url="http://127.0.0.1:$port"
  infx_wait_ready "$url" docker_alive docker_log_tail
  infx_bench_all "$url" "$gpus"
  infx_eval "$url"
}
