#!/usr/bin/env bash
# Cluster mi355x-lab (runners mi355x-lab_<n>, 8 x MI355X per host, ROCm).
# Single-node entries run in Docker on the runner's own host; multi-node
# entries (mi355x-disagg: nodes _0 and _1 on the RDMA fabric) go through the
# lab's Slurm controller, with Docker on the compute nodes.
# Layers: runners/lib/docker.sh, runners/lib/slurm.sh. Contract:
# runners/README.md; bring-up: docs/bring-up.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/engines.sh
. "$HERE/lib/engines.sh"
# shellcheck source=lib/docker.sh
. "$HERE/lib/docker.sh"
# shellcheck source=lib/slurm.sh
. "$HERE/lib/slurm.sh"

export GPU_VENDOR=amd CONTAINER_RUNTIME="${CONTAINER_RUNTIME:-docker}"
GPU_ALL="${GPU_ALL:-0,1,2,3,4,5,6,7}"
GPU_SETS="${GPU_SETS:-}"
if [[ "${IS_MULTINODE:-false}" == "true" ]]; then
  export SLURM_PARTITION="${SLURM_PARTITION:-mi355x}" GPUS_PER_NODE="${GPUS_PER_NODE:-8}" SLURM_CONTAINER=docker
  slurm_job
else
  docker_job
fi
