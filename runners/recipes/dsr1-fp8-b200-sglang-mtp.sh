# shellcheck shell=bash
# Override of config key dsr1-fp8-b200-sglang-mtp (runners/recipes/README.md).
# Sourced twice by engine_command: ENGINE_STAGE=before (set knobs the recipe
# reads), then ENGINE_STAGE=after (edit ENGINE_CMD / ENGINE_ENV / ENGINE_YAML).
if [[ "$ENGINE_STAGE" == "before" ]]; then
  SPEC_NUM_TOKENS="${SPEC_NUM_TOKENS:-2}"   # two MTP draft steps for this key
else
  # SGLang server arguments: --mem-fraction-static (KV-cache share of GPU memory).
  ENGINE_CMD+=(--mem-fraction-static 0.85)
fi
