// `infx sweep --local --base-url`: one real server (serve-sim plays it here, as
// a separate server the sweep did not start). Full lengths by default, one
// runner type, per-GPU throughput over the server's GPUs, a dead server stops
// the sweep before any job, and every row records the server.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { forServer, oneRunnerType, probeServer, resolveGpus, serverGpus } from "../src/bench/real-server.js";
import { startSimServer, type SimServer } from "../src/sim/server.js";
import type { SingleNodeAggRow } from "../src/results/types.js";
import { infx } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-real-"));
let sim: SimServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("infx sweep --local --base-url", () => {
  it("measures the one server: full lengths, its GPUs, rows that say where they came from", async () => {
    sim = await startSimServer({ decodeStepMs: 0.2, prefillTokensPerSec: 5_000_000, model: "openai/gpt-oss-120b" });
    const out = tmp();
    const r = await infx([
      "sweep",
      "--local",
      "--config-keys",
      "gptoss-fp4-h200-vllm",
      "--conc",
      "1",
      "--limit",
      "1",
      "--prompts-per-conc",
      "1",
      "--base-url",
      sim.url,
      "--gpus",
      "8",
      "--out-dir",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`infx sweep: ${sim.url} answers; rows are labelled h200 with 8 GPUs (from --gpus)`);
    expect(r.stdout).toContain("full lengths (--scale 1, the default with --base-url)");
    const rows = JSON.parse(readFileSync(join(out, "agg_bmk.json"), "utf8")) as SingleNodeAggRow[];
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ hw: "h200", isl: 1024, osl: 1024, server: sim.url, server_gpus: 8 });
    expect(sim.truth.every((t) => t.promptTokens === 1024)).toBe(true);
    // Per GPU = the server's throughput / 8, whatever the entry's TP.
    const raw = JSON.parse(readFileSync(join(out, "raw", readdirSync(join(out, "raw"))[0]!), "utf8"));
    expect(row.tput_per_gpu).toBeCloseTo(raw.total_token_throughput / 8, 6);
  });

  it("stops before the first job when the server does not answer", async () => {
    const dead = createServer();
    await new Promise<void>((ok) => dead.listen(0, "127.0.0.1", ok));
    const port = (dead.address() as { port: number }).port;
    await new Promise<void>((ok) => dead.close(() => ok()));
    const out = tmp();
    const r = await infx([
      "sweep",
      "--local",
      "--config-keys",
      "gptoss-fp4-h200-vllm",
      "--conc",
      "1",
      "--base-url",
      `http://127.0.0.1:${port}`,
      "--gpus",
      "8",
      "--out-dir",
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`the server at http://127.0.0.1:${port} is not answering \\(GET /v1/models: ECONNREFUSED\\); start it.*No job was run`),
    );
    expect(r.stdout).not.toMatch(/\[1\//);
  });

  it("refuses a matrix of several runner types, and asks for --gpus when the server does not say", async () => {
    sim = await startSimServer({});
    const many = await infx([
      "sweep",
      "--local",
      "--config-keys",
      "gptoss-fp4-h100-vllm",
      "gptoss-fp4-h200-vllm",
      "--conc",
      "1",
      "--base-url",
      sim.url,
      "--gpus",
      "8",
    ]);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/the matrix spans 2 runner types \(h100, h200\) but --base-url is one server: add --runner-type/);
    const noGpus = await infx(["sweep", "--local", "--config-keys", "gptoss-fp4-h200-vllm", "--conc", "1", "--base-url", sim.url]);
    expect(noGpus.code).toBe(1);
    expect(noGpus.stderr).toMatch(/pass --gpus N so per-GPU throughput divides by the server's GPUs/);
    expect((await infx(["sweep", "--local", "--gpus", "8"])).stderr).toMatch(/--gpus is for --base-url/);
  });
});

describe("real-server rules", () => {
  it("reads an SGLang server's GPUs from /get_server_info", async () => {
    expect(serverGpus({ tp_size: 8, dp_size: 8, enable_dp_attention: true })).toBe(8);
    expect(serverGpus({ tp_size: 2, dp_size: 4, pp_size: 1 })).toBe(8);
    expect(serverGpus({ model: "x" })).toBeUndefined();
    const srv = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(req.url === "/get_server_info" ? JSON.stringify({ tp_size: 4, dp_size: 1 }) : JSON.stringify({ data: [{ id: "m" }] }));
    });
    await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    try {
      const info = await probeServer(url);
      expect(info).toEqual({ models: ["m"], gpus: 4 });
      expect(resolveGpus(undefined, info, url)).toEqual({ gpus: 4, from: "server" });
      expect(resolveGpus(2, info, url)).toEqual({ gpus: 2, from: "--gpus" });
    } finally {
      await new Promise<void>((ok) => srv.close(() => ok()));
    }
  });
  it("divides multi-node throughput by the server's GPUs too", () => {
    const row = { is_multinode: true, num_prefill_gpu: 4, num_decode_gpu: 12, tput_per_gpu: 100, input_tput_per_gpu: 50, output_tput_per_gpu: 80 } as never;
    expect(forServer(row, 8, "http://h:1")).toMatchObject({ tput_per_gpu: 200, input_tput_per_gpu: 25, output_tput_per_gpu: 120, server_gpus: 8 });
    expect(oneRunnerType([{ runner: "b200" }, { runner: "b200" }] as never, undefined)).toBe("b200");
  });
});
