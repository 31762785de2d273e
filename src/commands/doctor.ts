/**
 * `infx doctor`: checks this host as a benchmark runner and prints a checklist
 * with a fix for each failed line (the checks: src/doctor/checks.ts). This
 * file supplies the real probes: programs run with a timeout, statfs, file modes.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, statfsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, type Io } from "../cli/io.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs } from "../config/load.js";
import { hasFailures, renderChecklist, runDoctor, type Probes, type ProgramResult } from "../doctor/checks.js";
import { testConfig } from "../plan/matrix.js";

export const spec = defineSpec({
  name: "doctor",
  summary: "Check this host as a benchmark runner (GPUs, container runtime, disk, secrets, launch script)",
  description: `
Checks what a benchmark job needs on this host and prints one line per check,
with the fix under each failed one:
  node / npm         Node.js 20 or newer and npm (the job builds the CLI)
  container runtime  docker or podman answers; NVIDIA runtime/CDI or /dev/kfd
  GPUs               nvidia-smi, amd-smi or rocm-smi list them (driver version);
                     with --runner-type, as many as its configs need
  disk               free space at HF_HUB_CACHE (default /data/hf-cache)
  runner             --runner-name (or RUNNER_NAME) is in the runner map, its
                     labels, and the cluster's runners/launch_<cluster>.sh
  HF_TOKEN, lm_eval  the secret is exported; lm-eval for eval jobs
On a machine without GPUs the GPU check fails and says so. Exit status: 0 when
no check failed, 1 otherwise. Bring-up guide: docs/bring-up.md.

--repo OWNER/NAME checks the repository instead (GitHub REST, with GITHUB_TOKEN
or GH_TOKEN; GITHUB_API_URL for GitHub Enterprise): the settings that keep fork
pull requests off self-hosted GPU runners (approval of outside contributors'
workflows, the default token's permissions, a runner group restricted to this
repository, ephemeral runners). A setting the token cannot read is "unknown";
exit status 1 when one is missing. Why each matters: docs/security.md.`,
  options: [
    { name: "runner-type", kind: "string", metavar: "T", help: "Runner type this host serves, e.g. b200 (checks the GPU count its configs need)" },
    { name: "cluster", kind: "string", metavar: "C", help: "Cluster name (default: the runner name before the first '_')" },
    { name: "runner-name", kind: "string", metavar: "NAME", help: "Runner name, e.g. b200-lab_0 (default: $RUNNER_NAME)" },
    { name: "min-disk-gb", kind: "int", default: 1000, metavar: "N", help: "Free disk needed for model weights" },
    { name: "config-files", kind: "string", multiple: true, default: DEFAULT_CONFIG_FILES, metavar: "FILE", help: "Master config files" },
    { name: "runner-config", kind: "string", default: DEFAULT_RUNNER_CONFIG, metavar: "FILE", help: "Runner map" },
    { name: "repo", kind: "string", metavar: "OWNER/NAME", help: "Check the repository's security settings over the REST API instead of this host" },
  ],
  examples: [
    "infx doctor --runner-type b200 --runner-name b200-lab_0",
    "infx doctor --runner-type mi355x --cluster mi355x-lab",
    "GITHUB_TOKEN=... infx doctor --repo acme/inferencex",
  ],
});

export type DoctorOptions = OptionsOf<typeof spec>;

function runProgram(cmd: string, args: string[]): Promise<ProgramResult | undefined> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: 20_000, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return done(undefined);
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function realProbes(io: Io): Probes {
  return {
    run: runProgram,
    env: io.env,
    nodeVersion: process.version,
    freeBytes(path) {
      let p = resolve(io.cwd, path);
      while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
      try {
        const s = statfsSync(p);
        return s.bavail * s.bsize;
      } catch {
        return undefined;
      }
    },
    fileMode(path) {
      if (!existsSync(path)) return "missing";
      try {
        accessSync(path, constants.X_OK);
        return "ok";
      } catch {
        return "not-executable";
      }
    },
  };
}

/** `--repo`: the repository's settings that keep fork PRs off self-hosted runners (`checkRepoSecurity`). */
async function checkRepo(repo: string, io: Io): Promise<number> {
  const { octokitFromEnv, resolveRepo } = await import("../github/octokit.js");
  const { checkRepoSecurity, formatSecurityChecks } = await import("../github/repo-security.js");
  const where = resolveRepo(repo, io.env);
  const checks = await checkRepoSecurity(octokitFromEnv(io.env), where);
  io.out(`${where.owner}/${where.repo}: settings for self-hosted GPU runners (docs/security.md)\n${formatSecurityChecks(checks)}`);
  return checks.some((c) => c.status === "missing") ? 1 : 0;
}

export async function run(a: DoctorOptions, io: Io): Promise<number> {
  if (a.repo !== undefined) return checkRepo(a.repo, io);
  if (a.minDiskGb < 0) throw new UsageError("--min-disk-gb must be >= 0");
  const inputs = loadPlanningInputs(a.configFiles, a.runnerConfig, { cwd: io.cwd });
  const runnerType = a.runnerType;
  if (runnerType && !inputs.runners[runnerType])
    throw new UsageError(`--runner-type ${runnerType}: not a runner type of ${a.runnerConfig} (${Object.keys(inputs.runners).join(", ")})`);
  const keys = [...inputs.configs].filter(([, c]) => !runnerType || c.runner === runnerType).map(([k]) => k);
  const checks = await runDoctor(realProbes(io), {
    runnerTypes: inputs.runners,
    entries: keys.length ? testConfig(inputs, { configKeys: keys }) : [],
    runnerType,
    cluster: a.cluster,
    runnerName: a.runnerName,
    runnersDir: join(io.cwd, "runners"),
    minDiskGb: a.minDiskGb,
  });
  io.out(renderChecklist(checks));
  return hasFailures(checks) ? 1 : 0;
}
