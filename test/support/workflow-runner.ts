// Runs a workflow job's steps the way a GitHub runner does, for the end-to-end
// test: `run:` scripts with `bash -eo pipefail`, local node actions as real
// `node actions/<name>/dist/index.js` processes with the runner's environment
// (INPUT_*, GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH,
// ACTIONS_RUNTIME_TOKEN, ...), step `if:` conditions with the status
// functions, and GITHUB_ENV carried between steps. Third-party steps
// (checkout, upload-artifact) are played by hooks.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./cli.js";
import { evaluateIf, interpolate } from "./workflow-sim.js";

type Obj = Record<string, any>;

export interface ProcResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function spawnProc(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Parses a GITHUB_OUTPUT / GITHUB_ENV file: `k=v` lines and `k<<DELIM ... DELIM` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join("\n");
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

export interface ActionRun extends ProcResult {
  outputs: Record<string, string>;
  summary: string;
  /** The `::error::` message when the action failed. */
  error?: string;
}

/** The environment variable name the runner sets for an input. */
export const inputEnvName = (name: string) => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;

/** Runs a local node action (`actions/<name>` or the root action) as the runner does: its declared defaults, then `with:`. */
export async function runNodeAction(actionDir: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv, cwd: string): Promise<ActionRun> {
  const meta = parse(readFileSync(join(actionDir, "action.yml"), "utf8")) as Obj;
  if (meta.runs?.using !== "node24") throw new Error(`${actionDir}: not a node24 action`);
  const files = mkdtempSync(join(tmpdir(), "step-"));
  const outFile = join(files, "output");
  const summaryFile = join(files, "summary");
  for (const f of [outFile, summaryFile]) writeFileSync(f, "");
  const inputEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries<Obj>(meta.inputs ?? {})) if (v.default !== undefined) inputEnv[inputEnvName(k)] = String(v.default);
  for (const [k, v] of Object.entries(inputs)) {
    if (!(k in (meta.inputs ?? {}))) throw new Error(`${actionDir}: unexpected input '${k}'`);
    inputEnv[inputEnvName(k)] = v;
  }
  const res = await spawnProc(process.execPath, [join(actionDir, meta.runs.main)], {
    cwd,
    env: { ...env, ...inputEnv, GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_ACTION_PATH: actionDir },
  });
  const error = /^::error::(.*)$/m.exec(res.stdout)?.[1]?.replace(/%0A/g, "\n");
  return { ...res, outputs: parseCommandFile(readFileSync(outFile, "utf8")), summary: readFileSync(summaryFile, "utf8"), ...(error ? { error } : {}) };
}

export interface StepRecord {
  name: string;
  ran: boolean;
  ok: boolean;
  run?: ProcResult;
  action?: ActionRun;
}

export interface JobRun {
  result: "success" | "failure";
  steps: StepRecord[];
  env: Record<string, string>;
  summary: string;
}

export interface JobHooks {
  /** Plays a third-party action (checkout, upload-artifact, ...); returns success. */
  external(uses: string, withArgs: Record<string, string>, env: Record<string, string>, cwd: string): Promise<boolean>;
}

/**
 * Runs the steps of `job` (a parsed workflow job) in `cwd`. `contexts` gives
 * `inputs`/`github`/... for the expressions; `env` is the runner's environment.
 */
export async function runJob(job: Obj, contexts: Obj, env: Record<string, string>, cwd: string, hooks: JobHooks): Promise<JobRun> {
  const jobEnv: Record<string, string> = { ...env };
  for (const [k, v] of Object.entries<unknown>(job.env ?? {})) jobEnv[k] = interpolate(String(v), contexts);
  const envFile = join(mkdtempSync(join(tmpdir(), "job-")), "env");
  writeFileSync(envFile, "");
  jobEnv.GITHUB_ENV = envFile;
  const steps: StepRecord[] = [];
  let failed = false;
  let summary = "";
  for (const [i, step] of (job.steps as Obj[]).entries()) {
    const name = step.name ?? step.uses ?? `step ${i}`;
    const ctx = { ...contexts, env: jobEnv };
    const cond = step.if === undefined ? "success()" : String(step.if);
    const usesStatus = /\b(always|success|failure|cancelled)\s*\(/.test(cond);
    const runs = evaluateIf(usesStatus ? cond : `success() && (${cond.replace(/^\$\{\{|\}\}$/g, "")})`, ctx, { needsOk: !failed, anyFailed: failed });
    if (!runs) {
      steps.push({ name, ran: false, ok: true });
      continue;
    }
    const withArgs: Record<string, string> = {};
    for (const [k, v] of Object.entries<unknown>(step.with ?? {})) withArgs[k] = interpolate(String(v), ctx);
    let rec: StepRecord;
    if (typeof step.run === "string") {
      const script = join(mkdtempSync(join(tmpdir(), "run-")), "step.sh");
      writeFileSync(script, interpolate(step.run, ctx));
      const r = await spawnProc("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env: jobEnv, timeoutMs: 120_000 });
      rec = { name, ran: true, ok: r.code === 0, run: r };
    } else if (typeof step.uses === "string" && step.uses.startsWith("./")) {
      const a = await runNodeAction(join(cwd, step.uses), withArgs, jobEnv, cwd);
      summary += a.summary;
      rec = { name, ran: true, ok: a.code === 0, action: a };
    } else {
      rec = { name, ran: true, ok: await hooks.external(String(step.uses), withArgs, jobEnv, cwd) };
    }
    steps.push(rec);
    if (!rec.ok) failed = true;
    if (existsSync(envFile)) Object.assign(jobEnv, parseCommandFile(readFileSync(envFile, "utf8")));
  }
  return { result: failed ? "failure" : "success", steps, env: jobEnv, summary };
}

/** The committed action directory of the project for `./actions/<name>`. */
export const projectAction = (name: string) => join(ROOT, "actions", name);
