// Shared by the results and compare benches: a raw result of the benchmark
// client's shape for one configuration (latency and throughput from a simple
// model of concurrency, TP and hardware speed; total >= output throughput, as
// the results pipeline requires), and the wall time of one process.
import { spawnSync } from "node:child_process";

export function timed(args, cwd, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** A raw result of the benchmark client's shape for one configuration. */
export function rawResult(conc, tp, hwSpeed, isl, osl) {
  const tpot = 8 + (2.5 * Math.log2(conc)) / hwSpeed;
  const output = (conc * 1000) / tpot;
  const ttft = 40 + isl / (50 * tp) + conc * 3;
  const ms = {};
  for (const [m, v] of [
    ["ttft", ttft],
    ["tpot", tpot],
    ["itl", tpot * 1.01],
    ["e2el", ttft + tpot * osl],
  ])
    Object.assign(ms, { [`mean_${m}_ms`]: v, [`median_${m}_ms`]: v * 0.98, [`std_${m}_ms`]: v * 0.1, [`p99_${m}_ms`]: v * 1.4 });
  return {
    date: "20260314-190304",
    backend: "vllm",
    model_id: "org/model",
    tokenizer_id: "org/model",
    best_of: 1,
    num_prompts: conc * 10,
    request_rate: "inf",
    burstiness: 1,
    max_concurrency: conc,
    duration: 300,
    completed: conc * 10,
    total_input_tokens: conc * 10 * isl,
    total_output_tokens: conc * 10 * osl,
    request_throughput: conc / 10,
    "request_goodput:": null,
    output_throughput: output,
    total_token_throughput: output * (1 + (isl / osl) * hwSpeed),
    ...ms,
  };
}
