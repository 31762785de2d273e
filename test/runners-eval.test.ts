// An eval job end to end: runners/launch_sim.sh with RUN_EVAL=true benchmarks
// serve-sim, runs the eval step of runners/lib/common.sh (here a stand-in
// lm_eval that writes a result file in lm-eval's layout and records how it was
// called), and `infx collect --kind eval` reads what the job left in
// $EVAL_RESULT_DIR: the lm-eval result and meta_env.json.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { infx, ROOT } from "./support/cli.js";
import { spawnProc } from "./support/workflow-runner.js";

// lm-eval writes <output_path>/<model with / -> __>/results_<time>.json.
const FAKE_LM_EVAL = `#!/usr/bin/env bash
echo "$*" > "$FAKE_LOG"
while [[ $# -gt 0 ]]; do case "$1" in --output_path) out="$2"; shift ;; --model_args) args="$2"; shift ;; esac; shift; done
model="\${args#model=}"; model="\${model%%,*}"
mkdir -p "$out/\${model//\\//__}"
cat > "$out/\${model//\\//__}/results_2026-12-02T01-02-03.000001.json" <<JSON
{"lm_eval_version": "0.4.9", "results": {"gsm8k": {"exact_match,strict-match": 0.93, "exact_match_stderr,strict-match": 0.007, "exact_match,flexible-extract": 0.94}}, "n-samples": {"gsm8k": {"effective": 1319}}, "config": {"model_args": "$args"}}
JSON
`;

describe("eval job (launch_sim.sh, RUN_EVAL=true)", () => {
  it("writes lm-eval results and meta_env.json where collect --kind eval reads them", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "eval-job-"));
    const bin = mkdtempSync(join(tmpdir(), "fake-lm-eval-"));
    writeFileSync(join(bin, "lm_eval"), FAKE_LM_EVAL);
    chmodSync(join(bin, "lm_eval"), 0o755);
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_LOG: join(cwd, "lm_eval.args"),
      HOME: cwd,
      RESULT_FILENAME: "evaljob",
      MODEL: "sim/model-a",
      MODEL_PREFIX: "e2ea",
      ISL: "64",
      OSL: "8",
      CONC: "2",
      TP: "8",
      EP_SIZE: "1",
      DP_ATTENTION: "false",
      RUNNER_TYPE: "h200",
      FRAMEWORK: "vllm",
      PRECISION: "fp8",
      SPEC_DECODING: "none",
      IS_MULTINODE: "false",
      RUN_EVAL: "true",
      SERVER_LOG_DIR: "server_logs",
      EVAL_RESULT_DIR: "eval_results",
      INFX_JOB_TAG: "infx-5-1-ev",
      SIM_STEP_MS: "1",
    };
    const r = await spawnProc("bash", [join(ROOT, "runners/launch_sim.sh")], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, "evaljob.json"))).toBe(true);
    const args = readFileSync(join(cwd, "lm_eval.args"), "utf8");
    expect(args).toMatch(
      /^--model local-completions --model_args model=sim\/model-a,base_url=http:\/\/127\.0\.0\.1:\d+\/v1\/completions,num_concurrent=2,tokenized_requests=False --tasks gsm8k --output_path eval_results\n$/,
    );
    const c = await infx(["collect", "--kind", "eval", "eval_results", "--out", "agg_eval_all.json"], { cwd });
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const rows = JSON.parse(readFileSync(join(cwd, "agg_eval_all.json"), "utf8"));
    expect(rows).toEqual([
      expect.objectContaining({
        model_prefix: "e2ea",
        model: "sim/model-a",
        hw: "H200",
        framework: "vllm",
        precision: "fp8",
        tp: 8,
        ep: 1,
        conc: 2,
        task: "gsm8k",
        em_strict: 0.93,
        n_eff: 1319,
      }),
    ]);
  });
});
