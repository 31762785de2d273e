# shellcheck shell=bash
# shellcheck disable=SC2034 # ENGINE_ENV is read by infx_engine_env (runners/lib/common.sh)
# Cluster layer for Slurm (sourced by a launch_<cluster>.sh on the login node
# that sets the variables below, then calls slurm_job). One allocation named
# $INFX_JOB_TAG (salloc --no-shell; cleanup.sh cancels it by name), then one
# `srun --overlap` step per server process, started from here, so a dry run
# shows every command and the benchmark runs from this node.
#   SLURM_PARTITION     partition (default gpu)       SLURM_TIME  time limit (default 04:00:00)
#   SLURM_ACCOUNT       account (optional)            GPUS_PER_NODE (default 8)
#   SLURM_CONTAINER     pyxis (default: srun --container-image, NVIDIA's
#                       enroot/pyxis) or docker (srun ... docker run, with the
#                       device flags of runners/lib/docker.sh, e.g. AMD)
#   GPU_VENDOR          nvidia or amd (docker mode)
#   HF_HUB_CACHE        model cache path on the compute nodes (default /data/hf-cache)
# Layout: single-node entries get one node; a multi-node entry gets
# PREFILL_NUM_WORKERS prefill and DECODE_NUM_WORKERS decode workers, each on
# ceil(GPUs / GPUS_PER_NODE) whole nodes (PREFILL_NODES / DECODE_NODES from
# the entry's additional settings win), in that order; the router (SGLang)
# or frontend (Dynamo) runs on the first node.

slurm_nodes_of() { # ROLE -> SLURM_NN, the nodes one worker of ROLE needs
  local role="$1" gpn="${GPUS_PER_NODE:-8}" var="${1^^}_NODES"
  if [[ -n "${!var:-}" ]]; then SLURM_NN="${!var}"; return; fi
  engine_gpus "$role"
  SLURM_NN=$(( (E_GPUS + gpn - 1) / gpn ))
}

# Allocate NODES nodes; sets SLURM_JOB (id) and NODES_LIST (array of host names).
slurm_allocate() {
  local n="$1" acct=()
  if [[ -n "${SLURM_ACCOUNT:-}" ]]; then acct=(--account "$SLURM_ACCOUNT"); fi
  infx_run salloc --no-shell --job-name "$INFX_JOB_TAG" --partition "${SLURM_PARTITION:-gpu}" "${acct[@]}" \
    --nodes "$n" --gpus-per-node "${GPUS_PER_NODE:-8}" --exclusive --time "${SLURM_TIME:-04:00:00}"
  if infx_dry; then SLURM_JOB=JOBID; NODES_LIST=(); local i; for (( i = 1; i <= n; i++ )); do NODES_LIST+=("node$i"); done; return; fi
  SLURM_JOB="$(squeue --noheader --name "$INFX_JOB_TAG" --format %i | head -n1)"
  [[ -n "$SLURM_JOB" ]] || infx_die "salloc returned but no Slurm job is named $INFX_JOB_TAG"
  mapfile -t NODES_LIST < <(scontrol show hostnames "$(squeue --noheader --job "$SLURM_JOB" --format %N)")
  echo "Slurm job $SLURM_JOB on ${NODES_LIST[*]}" >&2
}

# srun's --export: SLURM_* and the names listed here, nothing else of the
# login node's environment (no GITHUB_*, ACTIONS_*, runner or secret
# variables; srun's default would be ALL). WITH names more (e.g. HF_TOKEN).
slurm_export() {
  local names=(PATH HOME) v
  for v in USER LANG ETCD_ENDPOINTS NATS_SERVER "$@"; do [[ -z "${!v:-}" ]] || names+=("$v"); done
  local IFS=,
  SLURM_EXPORT="--export=${names[*]}"
}

# The container part of an srun command line for NAME -> CONTAINER_ARGS: the
# entry's image by digest (INFX_IMAGE_REF), the model cache and the workspace
# read-only. MODE=download instead mounts the cache writable and passes HF_TOKEN.
slurm_container_args() {
  local name="$1" mode="${2:-engine}" cache="${HF_HUB_CACHE:-/data/hf-cache}:/root/.cache/huggingface" ro=":ro" token=()
  if [[ "$mode" == "download" ]]; then ro=""; if [[ -n "${HF_TOKEN:-}" ]]; then token=(-e HF_TOKEN); fi; fi
  if [[ "${SLURM_CONTAINER:-pyxis}" == "pyxis" ]]; then
    # pyxis (NVIDIA/pyxis README): --container-image, --container-mounts SRC:DST[:FLAGS] (ro), --container-workdir.
    local mounts="$PWD:$PWD:ro,$cache$ro" workdir="$PWD"
    if [[ "$mode" == "download" ]]; then mounts="$cache"; workdir=/tmp; fi
    CONTAINER_ARGS=(--container-image "$INFX_IMAGE_REF" --container-mounts "$mounts" --container-workdir "$workdir")
  else
    docker_device_args "${GPU_ALL:-0,1,2,3,4,5,6,7}"
    local entry=()
    if [[ "$mode" == "download" ]]; then DEVICE_ARGS=(); entry=(--entrypoint "${INFX_DOWNLOAD_CMD[0]}"); fi
    CONTAINER_ARGS=(docker run --rm --name "$INFX_JOB_TAG-$name" --label "infx.job=$INFX_JOB_TAG" --pull "$(docker_pull_policy)" "${DEVICE_ARGS[@]}"
      --ipc host --network host --shm-size "${CONTAINER_SHM_SIZE:-32g}" -v "$PWD:$PWD:ro" -w "$PWD"
      -v "$cache$ro" "${token[@]}" -e ETCD_ENDPOINTS -e NATS_SERVER -e SLURM_PROCID "${entry[@]}" "$INFX_IMAGE_REF")
    SLURM_DOCKER_NAMES+=("$INFX_JOB_TAG-$name")
  fi
}

# The download step (infx_download_cmd) once per node of the allocation, in
# the foreground, before any engine starts; the only step with HF_TOKEN.
slurm_download() {
  infx_download_cmd
  (( ${#INFX_DOWNLOAD_CMD[@]} )) || return 0
  local cmd=("${INFX_DOWNLOAD_CMD[@]}")
  slurm_container_args download download
  slurm_export HF_TOKEN
  if [[ "${SLURM_CONTAINER:-pyxis}" != "pyxis" ]]; then cmd=("${cmd[@]:1}"); fi
  infx_run srun --jobid "$SLURM_JOB" --overlap --nodes "${#NODES_LIST[@]}" --ntasks-per-node 1 "$SLURM_EXPORT" \
    "${CONTAINER_ARGS[@]}" "${cmd[@]}"
}

# slurm_step NAME FIRST_NODE NNODES NTASKS CMD...: one background srun step,
# its environment SLURM_EXPORT plus INFX_ENGINE_ENV (through env(1) in the container).
slurm_step() {
  local name="$1" first="$2" nn="$3" nt="$4"; shift 4
  local nodes=("${NODES_LIST[@]:first:nn}") per=$(( (nt + nn - 1) / nn )) IFS=,
  local list="${nodes[*]}"
  unset IFS
  slurm_container_args "$name"
  slurm_export
  infx_engine_env
  local env_prefix=(env "${INFX_ENGINE_ENV[@]}")
  if [[ "${SLURM_CONTAINER:-pyxis}" == "pyxis" ]]; then
    infx_bg "$SERVER_LOG_DIR/$name.log" srun --jobid "$SLURM_JOB" --overlap --nodes "$nn" --nodelist "$list" \
      --ntasks "$nt" --ntasks-per-node "$per" "$SLURM_EXPORT" "${CONTAINER_ARGS[@]}" "${env_prefix[@]}" "$@"
  else
    infx_bg "$SERVER_LOG_DIR/$name.log" srun --jobid "$SLURM_JOB" --overlap --nodes "$nn" --nodelist "$list" \
      --ntasks "$nn" --ntasks-per-node 1 "$SLURM_EXPORT" "${CONTAINER_ARGS[@]}" "${env_prefix[@]}" "$@"
  fi
  SLURM_STEP_PIDS+=("$INFX_BG_PID")
}

slurm_alive() { infx_dry && return 0; local p; for p in "${SLURM_STEP_PIDS[@]}"; do kill -0 "$p" 2>/dev/null || return 1; done; }
slurm_log_tail() { local f; for f in "$SERVER_LOG_DIR"/*.log; do echo "== $f"; tail -n "${INFX_LOG_TAIL:-40}" "$f"; done; }
slurm_teardown() {
  infx_dry && return 0
  local n p
  for p in "${SLURM_STEP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in "${SLURM_DOCKER_NAMES[@]}"; do srun --jobid "$SLURM_JOB" --overlap --nodes "${#NODES_LIST[@]}" --ntasks-per-node 1 docker rm -f "$n" > /dev/null 2>&1 || true; done
  [[ -z "${SLURM_JOB:-}" ]] || scancel "$SLURM_JOB" || true
}

# Multi-node SGLang launch flags (docs.sglang.io server_arguments: --dist-init-addr,
# --nnodes, --node-rank): rank = the step's task index, one task per node.
slurm_sglang_multinode() {
  local nn="$1" head="$2" port="$3"
  (( nn > 1 )) || return 0
  # shellcheck disable=SC2016 # expanded by the bash on the compute node
  ENGINE_CMD=(bash -c '"$@" --node-rank "$SLURM_PROCID"' _ "${ENGINE_CMD[@]}" --dist-init-addr "$head:$port" --nnodes "$nn")
}

# Start the workers of ROLE from node index FIRST; prints nothing, advances SLURM_NEXT_NODE.
slurm_workers() {
  local role="$1" count="$2" port="$3" i nn gpus
  slurm_nodes_of "$role"; nn="$SLURM_NN"
  engine_gpus "$role"; gpus="$E_GPUS"
  for (( i = 0; i < count; i++ )); do
    local first="$SLURM_NEXT_NODE"
    engine_command "$role" "$port"
    if [[ -n "$ENGINE_YAML" ]]; then infx_write "$ENGINE_YAML_FILE" "$ENGINE_YAML"; fi
    if [[ "$FRAMEWORK" == dynamo-* ]]; then
      slurm_step "$role$i" "$first" "$nn" "$gpus" "${ENGINE_CMD[@]}"   # one rank per GPU (trtllm-llmapi-launch)
    else
      slurm_sglang_multinode "$nn" "${NODES_LIST[first]}" "${SGLANG_DIST_PORT:-5757}"
      slurm_step "$role$i" "$first" "$nn" "$nn" "${ENGINE_CMD[@]}"
      WORKER_URLS+=("$role http://${NODES_LIST[first]}:$port")
    fi
    SLURM_NEXT_NODE=$(( first + nn ))
  done
}

# Dynamo's control plane and frontend on the first node (ai-dynamo/dynamo
# examples: etcd + nats-server -js, python3 -m dynamo.frontend --http-port).
slurm_dynamo_frontend() {
  local head="${NODES_LIST[0]}" port="$1"
  export ETCD_ENDPOINTS="http://$head:2379" NATS_SERVER="nats://$head:4222"
  ENGINE_ENV=()
  slurm_step etcd 0 1 1 etcd --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls "$ETCD_ENDPOINTS"
  slurm_step nats 0 1 1 nats-server -js
  slurm_step frontend 0 1 1 python3 -m dynamo.frontend --http-port "$port"
}

# SGLang's router in front of the workers (sglang_router.launch_router
# --pd-disaggregation --prefill URL BOOTSTRAP_PORT --decode URL --host --port).
slurm_sglang_router() {
  local port="$1" w args=()
  for w in "${WORKER_URLS[@]}"; do
    if [[ "$w" == prefill* ]]; then args+=(--prefill "${w#prefill }" "${SGLANG_BOOTSTRAP_PORT:-8998}"); else args+=(--decode "${w#decode }"); fi
  done
  ENGINE_ENV=()
  slurm_step router 0 1 1 python3 -m sglang_router.launch_router --pd-disaggregation "${args[@]}" --host 0.0.0.0 --port "$port"
}

slurm_job() {
  infx_require_job_env
  SLURM_STEP_PIDS=(); SLURM_DOCKER_NAMES=(); WORKER_URLS=(); SLURM_NEXT_NODE=0
  local port worker_port gpus nodes
  port="$(infx_free_port)"
  worker_port="${INFX_WORKER_PORT:-$(( port + 1 ))}"
  infx_on_exit slurm_teardown
  if [[ "${IS_MULTINODE:-false}" == "true" ]]; then
    engine_settings
    engine_is_disagg || infx_die "framework '$FRAMEWORK' has no prefill/decode workers; multi-node entries need sglang-disagg or dynamo-trt"
    slurm_nodes_of prefill; nodes=$(( PREFILL_NUM_WORKERS * SLURM_NN ))
    slurm_nodes_of decode; nodes=$(( nodes + DECODE_NUM_WORKERS * SLURM_NN ))
    gpus=$(( ${PREFILL_GPUS:-$(( PREFILL_NUM_WORKERS * PREFILL_TP ))} + ${DECODE_GPUS:-$(( DECODE_NUM_WORKERS * DECODE_TP ))} ))
    echo "job $INFX_JOB_TAG: $FRAMEWORK, $PREFILL_NUM_WORKERS prefill + $DECODE_NUM_WORKERS decode workers on $nodes nodes" >&2
    slurm_allocate "$nodes"
    engine_command prefill "$worker_port"   # the key's override may set DRAFT_MODEL
    slurm_download
    if [[ "$FRAMEWORK" == dynamo-* ]]; then slurm_dynamo_frontend "$port"; fi
    slurm_workers prefill "$PREFILL_NUM_WORKERS" "$worker_port"
    slurm_workers decode "$DECODE_NUM_WORKERS" "$worker_port"
    if [[ "$FRAMEWORK" == "sglang-disagg" ]]; then slurm_sglang_router "$port"; fi
  else
    engine_gpus serve; gpus="$E_GPUS"
    slurm_allocate "$(( (gpus + ${GPUS_PER_NODE:-8} - 1) / ${GPUS_PER_NODE:-8} ))"
    engine_command serve "$port"   # the key's override may set DRAFT_MODEL
    slurm_download
    if [[ "$FRAMEWORK" == dynamo-* ]]; then slurm_dynamo_frontend "$port"; fi
    engine_command serve "$port"
    if [[ -n "$ENGINE_YAML" ]]; then infx_write "$ENGINE_YAML_FILE" "$ENGINE_YAML"; fi
    if [[ "$FRAMEWORK" == dynamo-* ]]; then slurm_step server 0 1 "$gpus" "${ENGINE_CMD[@]}"
    else slurm_step server 0 1 1 "${ENGINE_CMD[@]}"; fi
  fi
  local url="http://${NODES_LIST[0]}:$port"
  infx_wait_ready "$url" slurm_alive slurm_log_tail
  infx_bench_all "$url" "$gpus"
  infx_eval "$url"
}
