// Hostile files: readers refuse non-regular files without blocking, decode
// UTF-8 strictly with a position, bound size; deep JSON and YAML give
// positioned errors; merge keys read as PyYAML reads them; process-result
// keeps its output inside its directory and never writes through a symlink;
// numbers that cannot be right are errors naming the field.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFileAtRefs } from "../src/changelog/git.js";
import { planningInputsFromTexts, loadPlanningInputs } from "../src/config/load.js";
import { UserError } from "../src/errors.js";
import { decodeUtf8Strict, firstInvalidUtf8, readUserFile, UserFileError } from "../src/io/read-user-file.js";
import { parseJson } from "../src/results/json.js";
import { processResult, ResultError } from "../src/results/process.js";
import { infx } from "./support/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "infx-hostile-"));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("did not throw");
}

describe("readUserFile: regular files only, bounded, strict UTF-8", () => {
  it("a FIFO is refused at once (no writer needed, no blocking)", () => {
    const fifo = join(tmp(), "config.yaml");
    execFileSync("mkfifo", [fifo]);
    const e = thrown(() => readUserFile(fifo));
    expect(e).toBeInstanceOf(UserFileError);
    expect(e.message).toBe(`cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });
  it("/dev/zero and a directory are refused", () => {
    expect(thrown(() => readUserFile("/dev/zero")).message).toMatch(/it is a device, not a regular file/);
    expect(thrown(() => readUserFile(tmp())).message).toMatch(/it is a directory, not a regular file/);
    expect(thrown(() => readUserFile(join(tmp(), "none.json"))).message).toMatch(/: no such file$/);
  });
  it("a file over the size bound is refused before it is read", () => {
    const f = join(tmp(), "big.json");
    writeFileSync(f, "x".repeat(1001));
    expect(thrown(() => readUserFile(f, 1000)).message).toMatch(/it is 1001 bytes, more than the 1000 allowed/);
  });
  it("an invalid UTF-8 byte is an error naming the file, byte offset, line", () => {
    const f = join(tmp(), "r.json");
    writeFileSync(f, Buffer.concat([Buffer.from('{\n  "hw": "h2'), Buffer.from([0xff]), Buffer.from('00"\n}\n')]));
    expect(thrown(() => readUserFile(f)).message).toBe(
      `cannot read ${f}: invalid UTF-8 at byte offset 13 (line 2, byte 12 of the line: 0xff); save the file as UTF-8`,
    );
  });
  it("valid UTF-8 (with a BOM, 4-byte characters) reads as readFileSync does", () => {
    const f = join(tmp(), "ok.yaml");
    writeFileSync(f, "\uFEFFa: é € 😀\r\n");
    expect(readUserFile(f)).toBe(readFileSync(f, "utf8"));
  });
  it.each([
    [[0xc0, 0x80], 0], // overlong NUL
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0x61, 0xe2, 0x82], 1], // truncated
  ])("firstInvalidUtf8(%j) = %d, as Buffer.isUtf8 agrees", (bytes, at) => {
    expect(firstInvalidUtf8(new Uint8Array(bytes))).toBe(at);
  });
  it("a config given as a FIFO fails the load with the reason, without blocking", () => {
    const dir = tmp();
    execFileSync("mkfifo", [join(dir, "c.yaml")]);
    writeFileSync(join(dir, "runners.yaml"), "b200:\n  - b200-a_0\n");
    const e = thrown(() => loadPlanningInputs(["c.yaml"], "runners.yaml", { cwd: dir, noCache: true }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe("cannot read c.yaml: it is a FIFO (named pipe), not a regular file");
  });
});

describe("deep nesting: positioned errors, no stack overflow", () => {
  it("invalid JSON nested 200,000 deep: the locator answers with a position", () => {
    const text = "[".repeat(200_000) + "}";
    const r = parseJson(text);
    expect(r).toEqual({ ok: false, error: 'line 1, column 200001: unexpected "}"' });
    expect(parseJson('{"a": [1, 2}')).toEqual({ ok: false, error: "line 1, column 12: expected ',' or ']'" });
  });
  it("YAML with 100,000 nested '[' and 3,000 block levels: positioned errors", () => {
    const runner = { file: "runners.yaml", text: "b200:\n  - b200-a_0\n" };
    for (const text of ["a: " + "[".repeat(100_000) + "\n", Array.from({ length: 3000 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " 1\n"]) {
      const e = thrown(() => planningInputsFromTexts([{ file: "c.yaml", text }], runner, {}));
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).details[0]).toMatch(/^c\.yaml:\d+:\d+: YAML/);
    }
  });
});

describe("YAML merge keys read as PyYAML reads them", () => {
  const entry = `k1: &k1
  image: lmsysorg/sglang:v0.5.8
  model: deepseek-ai/DeepSeek-R1-0528
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  multinode: false
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - &s8 { tp: 8, conc-start: 4, conc-end: 64 }
    - <<: *s8
      tp: 4
k2:
  <<: *k1
  precision: fp4
`;
  it("'<<' merges, explicit keys win, on the fast path and with positions", () => {
    const inputs = planningInputsFromTexts([{ file: "c.yaml", text: entry }], { file: "runners.yaml", text: "b200:\n  - b200-a_0\n" }, {});
    const k1 = inputs.configs.get("k1")!;
    const k2 = inputs.configs.get("k2")!;
    expect(k1.precision).toBe("fp8");
    expect(k2.precision).toBe("fp4");
    expect(k2.image).toBe("lmsysorg/sglang:v0.5.8");
    expect(k1["seq-len-configs"][0]!["search-space"][1]).toEqual({ tp: 4, "conc-start": 4, "conc-end": 64 });
  });
  it("a problem inside a merged entry is still reported with a position", () => {
    const bad = entry.replace("precision: fp4", "precision: fp4\n  extra-field: 1");
    const e = thrown(() => planningInputsFromTexts([{ file: "c.yaml", text: bad }], { file: "runners.yaml", text: "b200:\n  - b200-a_0\n" }, {}));
    expect((e as UserError).details.join("\n")).toMatch(/^c\.yaml:19:3: k2: unknown field 'extra-field'/m);
  });
});

const ENV = {
  FRAMEWORK: "vllm",
  PRECISION: "bf16",
  SPEC_DECODING: "none",
  ISL: "1024",
  OSL: "1024",
  DISAGG: "false",
  MODEL_PREFIX: "glm47",
  IMAGE: "vllm/vllm-openai:v0.11.0",
  RUNNER_TYPE: "h200",
  TP: "8",
  EP_SIZE: "1",
  DP_ATTENTION: "false",
};
const rawText = (over: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    model_id: '"m"',
    max_concurrency: "4",
    completed: "10",
    total_input_tokens: "100",
    total_output_tokens: "100",
    output_throughput: "50",
    total_token_throughput: "100",
    date: '"20260101-000000"',
  };
  for (const m of ["ttft", "tpot", "itl"]) for (const s of ["mean", "median", "std", "p99"]) fields[`${s}_${m}_ms`] = "10";
  Object.assign(fields, over);
  return `{${Object.entries(fields)
    .map(([k, v]) => `"${k}": ${v}`)
    .join(", ")}}`;
};
const rowError = (text: string, env: Record<string, string> = ENV): ResultError => {
  const e = thrown(() => processResult(JSON.parse(text), env));
  expect(e).toBeInstanceOf(ResultError);
  return e as ResultError;
};

describe("numbers that cannot be right are errors naming the field", () => {
  it("a valid raw result still gives a row", () => {
    expect(processResult(JSON.parse(rawText()), ENV).tput_per_gpu).toBe(12.5);
  });
  it("1e400 (Infinity) in a latency", () => {
    expect(rowError(rawText({ p99_ttft_ms: "1e400" })).details).toContain("  p99_ttft_ms: Infinity is not a finite number");
  });
  it("a TPOT of 5e-324 ms (infinite interactivity)", () => {
    expect(rowError(rawText({ median_tpot_ms: "5e-324" })).details).toContain("  median_intvty: Infinity (1000 / the raw result's median_tpot_ms)");
  });
  it("total throughput below output throughput (negative input throughput)", () => {
    expect(rowError(rawText({ total_token_throughput: "40" })).details[0]).toMatch(/total_token_throughput: 40 is less than output_throughput 50/);
  });
  it("max_concurrency 2^64", () => {
    expect(rowError(rawText({ max_concurrency: "18446744073709551616" })).details.join("\n")).toMatch(/max_concurrency/);
  });
  it("TP=99999999999999999999", () => {
    expect(rowError(rawText(), { ...ENV, TP: "99999999999999999999" }).details[0]).toMatch(
      /^TP="99999999999999999999": expected a whole number >= 1 and <= 2147483647/,
    );
  });
});

describe("process-result paths", () => {
  it.each(["../escape", "/tmp/x", "a/b", ".."])("RESULT_FILENAME=%s is refused", async (name) => {
    const dir = tmp();
    const r = await infx(["process-result"], { cwd: dir, env: { ...ENV, RESULT_FILENAME: name } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RESULT_FILENAME: .*(path separator|absolute path|not a file name)/);
    noStack(r.stderr);
  });
  it("a pre-placed agg_<name>.json symlink is not written through", async () => {
    const dir = tmp();
    const target = join(dir, "victim.txt");
    writeFileSync(target, "keep me\n");
    writeFileSync(join(dir, "run.json"), rawText());
    symlinkSync(target, join(dir, "agg_run.json"));
    const r = await infx(["process-result"], { cwd: dir, env: { ...ENV, RESULT_FILENAME: "run" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/agg_run\.json: it is a symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("keep me\n");
    expect(lstatSync(join(dir, "agg_run.json")).isSymbolicLink()).toBe(true);
  });
  it("deeply nested invalid JSON as the raw result: a positioned error, exit 1", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "run.json"), "[".repeat(100_000));
    const r = await infx(["process-result"], { cwd: dir, env: { ...ENV, RESULT_FILENAME: "run" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/run\.json is not valid JSON: line 1, column 100001: unexpected end of file/);
    expect(existsSync(join(dir, "agg_run.json"))).toBe(false);
  });
  it("a raw result with an invalid UTF-8 byte: error with the offset, no row", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "d"));
    writeFileSync(
      join(dir, "d", "run.json"),
      Buffer.concat([Buffer.from(rawText().slice(0, 10)), Buffer.from([0xc3, 0x28]), Buffer.from(rawText().slice(10))]),
    );
    const r = await infx(["process-result", "--dir", "d"], { cwd: dir, env: { ...ENV, RESULT_FILENAME: "run" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid UTF-8 at byte offset 10/);
  });
});

describe("changelog text read from git is strict UTF-8 too", () => {
  it("an invalid byte in perf-changelog.yaml at a ref is an error naming file, ref and offset", async () => {
    const dir = tmp();
    const git = (...a: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@x", "-c", "commit.gpgsign=false", ...a], { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    writeFileSync(
      join(dir, "perf-changelog.yaml"),
      Buffer.concat([Buffer.from("- config-keys: [a]\n  description: ['caf"), Buffer.from([0xe9]), Buffer.from("']\n")]),
    );
    git("add", ".");
    git("commit", "-qm", "x");
    const file = join(dir, "perf-changelog.yaml");
    await expect(readFileAtRefs(file, ["HEAD"])).rejects.toThrow(
      `cannot read ${file} at HEAD: invalid UTF-8 at byte offset 39 (line 2, byte 21 of the line: 0xe9); save the file as UTF-8`,
    );
  });
});

describe("generated hostile inputs", () => {
  it("parseJson never throws, and is ok exactly when JSON.parse accepts", () => {
    const unit = fc.constantFrom(...'[]{}:," 1-e.tnx\n'.split(""));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.nat({ max: 3000 }), (tail, depth) => {
        const text = "[".repeat(depth) + tail;
        let ok = true;
        try {
          JSON.parse(text);
        } catch {
          ok = false;
        }
        const r = parseJson(text);
        expect(r.ok).toBe(ok);
        if (!r.ok) expect(r.error).toMatch(/^(line \d+, column \d+: |the file is empty)/);
      }),
      { numRuns: 500, seed: 15 },
    );
  });
  it("strict UTF-8: decodes exactly what Buffer.isUtf8 accepts, and the offset is the first byte after the longest valid prefix", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const bad = firstInvalidUtf8(buf);
        if (Buffer.from(buf).toString("utf8") === new TextDecoder("utf-8", { fatal: false }).decode(buf) && bad < 0) {
          expect(decodeUtf8Strict(buf, "f")).toBe(buf.toString("utf8"));
        }
        const fatal = (() => {
          try {
            new TextDecoder("utf-8", { fatal: true }).decode(buf);
            return true;
          } catch {
            return false;
          }
        })();
        expect(bad < 0).toBe(fatal);
        if (bad >= 0) {
          expect(() => new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(0, bad))).not.toThrow();
          expect(() => decodeUtf8Strict(buf, "f")).toThrow(`invalid UTF-8 at byte offset ${bad} `);
        }
      }),
      { numRuns: 3000, seed: 15 },
    );
  });
});
