// Helpers to run `infx` in tests: in-process (fast, same code path as the bin)
// or as a real child process of the committed bin (what users and workflows run).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bufferIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = join(ROOT, "../shared");
export const REFERENCE = join(SHARED, "reference");
export const REF_CONFIGS_2026_02 = join(REFERENCE, "inferencex-2026-02/configs");
export const REF_CONFIGS_2026_08 = join(REFERENCE, "inferencex-2026-08/configs");
export const BIN = join(ROOT, "dist/cli/infx.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `infx argv...` in this process. */
export async function infx(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const io = bufferIo({ cwd: opts.cwd ?? ROOT, env: opts.env ?? {} });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Runs the committed bin `node dist/cli/infx.js argv...` as a child process. */
export function infxProcess(
  argv: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
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
    child.stdin.end(opts.input ?? "");
  });
}
