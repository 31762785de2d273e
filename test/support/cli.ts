// Helpers to run `infx` in tests: in-process (fast, same code path as the bin)
// or as a real child process of the committed bin (what users and workflows run).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bufferIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The project's own configs (the default suite reads nothing outside the repository; reference data: ./reference.ts). */
export const CONFIGS = join(ROOT, "configs");
/** `--config-files ... --runner-config ...` for the project's own configs. */
export const CONFIG_ARGS = [
  "--config-files",
  join(CONFIGS, "nvidia-master.yaml"),
  join(CONFIGS, "amd-master.yaml"),
  "--runner-config",
  join(CONFIGS, "runners.yaml"),
];
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
export function infxProcess(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
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
