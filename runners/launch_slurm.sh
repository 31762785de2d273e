#!/usr/bin/env bash
# Template for a Slurm cluster (the runner runs on a login node named
# slurm_<n>). To add a cluster: copy it to launch_<cluster>.sh and set the
# knobs. Single-node entries get one node; multi-node entries get their
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

export SLURM_PARTITION="${SLURM_PARTITION:-gpu}" GPUS_PER_NODE="${GPUS_PER_NODE:-8}"
export SLURM_CONTAINER="${SLURM_CONTAINER:-pyxis}"   # pyxis | docker
export GPU_VENDOR="${GPU_VENDOR:-nvidia}"
slurm_job
