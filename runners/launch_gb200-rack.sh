#!/usr/bin/env bash
# Cluster gb200-rack (runner gb200-rack_0 on the login node of one GB200
# NVL72 rack, 4 GPUs per node, containers through pyxis). Single-node
# entries get one node; multi-node entries get their
# prefill and decode workers (sglang-disagg, dynamo-trt) on whole nodes.
# Slurm layer: runners/lib/slurm.sh. Contract: runners/README.md;
# bring-up: docs/bring-up.md.
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

export SLURM_PARTITION="${SLURM_PARTITION:-gpu}" GPUS_PER_NODE="${GPUS_PER_NODE:-4}"
export SLURM_CONTAINER="${SLURM_CONTAINER:-pyxis}"   # pyxis | docker
export GPU_VENDOR="${GPU_VENDOR:-nvidia}"
slurm_job
