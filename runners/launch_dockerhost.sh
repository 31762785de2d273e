#!/usr/bin/env bash
# Template for a single-node cluster with Docker or Podman (runners named
# dockerhost_<n>). To add a cluster: copy it to launch_<cluster>.sh (the
# cluster is the runner name before the first `_`) and set the four knobs.
# Engine recipes: runners/lib/engines.sh (per config key: runners/recipes/);
# container layer: runners/lib/docker.sh. Contract: runners/README.md;
# bring-up: docs/bring-up.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/engines.sh
. "$HERE/lib/engines.sh"
# shellcheck source=lib/docker.sh
. "$HERE/lib/docker.sh"

export GPU_VENDOR="${GPU_VENDOR:-nvidia}"            # nvidia | amd
export CONTAINER_RUNTIME="${CONTAINER_RUNTIME:-docker}" # docker | podman
GPU_ALL="${GPU_ALL:-0,1,2,3,4,5,6,7}"                 # the host's GPUs
# Two runners on one 8-GPU host: "dockerhost_0=0,1,2,3 dockerhost_1=4,5,6,7".
GPU_SETS="${GPU_SETS:-}"
docker_job
