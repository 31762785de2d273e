#!/usr/bin/env bash
# Clean-up around a benchmark job (runners/README.md, "Resources").
#   cleanup.sh before   remove what an earlier, crashed job left on this runner:
#                       containers labelled with this runner's name, and Slurm
#                       jobs of earlier attempts of this same run and entry
#   cleanup.sh after    remove this job's containers and Slurm jobs (exact tag)
# Only resources named or labelled by the sweep are touched: never `docker rm`
# of everything, never `scancel` of another run's jobs.
set -uo pipefail

mode="${1:?usage: cleanup.sh before|after}"
tag="${INFX_JOB_TAG:?INFX_JOB_TAG is not set}"   # infx-<run_id>-<attempt>-<entry id>
runner="${RUNNER_NAME:-$(hostname)}"
IFS=- read -r _ run_id _ entry_id <<< "$tag"

if command -v docker >/dev/null 2>&1; then
  if [[ "$mode" == "before" ]]; then filter="label=infx.runner=$runner"; else filter="label=infx.job=$tag"; fi
  ids="$(docker ps -aq --filter "$filter" 2>/dev/null || true)"
  if [[ -n "$ids" ]]; then
    echo "removing containers ($filter): $ids"
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null || true
  fi
fi

if command -v squeue >/dev/null 2>&1; then
  user="${USER:-$(id -un)}"
  while read -r id name; do
    [[ -n "${id:-}" ]] || continue
    if [[ "$mode" == "after" && "$name" == "$tag" ]] ||
       [[ "$mode" == "before" && "$name" == "infx-$run_id-"*"-$entry_id" && "$name" != "$tag" ]]; then
      echo "cancelling Slurm job $id ($name)"
      scancel "$id" || true
    fi
  done < <(squeue --noheader --user "$user" --format '%i %j' 2>/dev/null || true)
fi

if [[ "$mode" == "after" ]]; then
  # Processes of this job that outlived it (launch scripts record them here).
  pidfile="${RUNNER_TEMP:-/tmp}/$tag.pids"
  if [[ -f "$pidfile" ]]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$pidfile"
    rm -f "$pidfile"
  fi
fi
exit 0
