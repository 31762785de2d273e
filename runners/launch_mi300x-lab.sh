#!/usr/bin/env bash
# Cluster mi300x-lab (runners mi300x-lab_<n>, runners.yaml): 8 x MI300X hosts with Docker (ROCm).
# Single-node jobs in a container on this host; the engine recipe is
# runners/lib/engines.sh, the container layer runners/lib/docker.sh.
# Contract: runners/README.md; bring-up: docs/bring-up.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/engines.sh
. "$HERE/lib/engines.sh"
# shellcheck source=lib/docker.sh
. "$HERE/lib/docker.sh"

export GPU_VENDOR="${GPU_VENDOR:-amd}" CONTAINER_RUNTIME="${CONTAINER_RUNTIME:-docker}"
GPU_ALL="${GPU_ALL:-0,1,2,3,4,5,6,7}"
# Runners that share this host get disjoint GPU sets, e.g. "mi300x-lab_0=0,1,2,3 mi300x-lab_1=4,5,6,7".
GPU_SETS="${GPU_SETS:-}"
docker_job
