/**
 * `infx doctor`: is this host ready to be a benchmark runner? Every check gets
 * what it needs from injected probes (`Probes`: run a program, read the
 * environment, free disk, file modes), so the checks run on any machine and
 * in tests; `src/commands/doctor.ts` supplies the real ones.
 *
 * A check that fails has a `fix` (what to do). `hasFailures` decides the exit
 * status. Without any GPU tool or GPU the GPU check fails and says so plainly.
 */
import { clusterOf, launchScriptOf } from "../config/launch-scripts.js";
import type { MatrixEntry } from "../plan/types.js";
import { isMultiNode } from "../plan/types.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Probes {
  /** Runs a program; undefined when it is not installed. */
  run(cmd: string, args: string[]): Promise<ProgramResult | undefined>;
  env: Record<string, string | undefined>;
  /** Free bytes on the file system holding PATH (the nearest existing parent), if known. */
  freeBytes(path: string): number | undefined;
  /** "missing", "not-executable" or "ok". */
  fileMode(path: string): "missing" | "not-executable" | "ok";
  nodeVersion: string;
}

export interface DoctorOptions {
  runnerTypes: Record<string, readonly string[]>;
  /** The planned entries of every config (for the GPUs each runner type needs). */
  entries: readonly MatrixEntry[];
  runnerType?: string;
  cluster?: string;
  runnerName?: string;
  /** runners/ of the checkout. */
  runnersDir: string;
  minDiskGb: number;
}

interface Gpus {
  vendor: "nvidia" | "amd";
  count: number;
  names: string[];
  driver?: string;
}

/** GPUs as nvidia-smi, amd-smi or rocm-smi report them; undefined when none of them shows one. */
export async function detectGpus(p: Probes): Promise<Gpus | undefined> {
  const nv = await p.run("nvidia-smi", ["--query-gpu=name,driver_version", "--format=csv,noheader"]);
  if (nv && nv.code === 0) {
    const rows = nv.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.split(",").map((s) => s.trim()));
    if (rows.length) return { vendor: "nvidia", count: rows.length, names: [...new Set(rows.map((r) => r[0]!))], driver: rows[0]![1] };
  }
  const amd = await p.run("amd-smi", ["list"]);
  if (amd && amd.code === 0) {
    const count = (amd.stdout.match(/^GPU:\s*\d+/gm) ?? []).length;
    if (count) return { vendor: "amd", count, names: [], driver: await amdDriver(p) };
  }
  const rocm = await p.run("rocm-smi", ["--showproductname"]);
  if (rocm && rocm.code === 0) {
    const ids = new Set(rocm.stdout.match(/^GPU\[\d+\]/gm) ?? []);
    if (ids.size) return { vendor: "amd", count: ids.size, names: [], driver: await amdDriver(p) };
  }
  return undefined;
}

async function amdDriver(p: Probes): Promise<string | undefined> {
  const r = await p.run("rocm-smi", ["--showdriverversion"]);
  return r?.code === 0 ? /Driver version:\s*(\S+)/i.exec(r.stdout)?.[1] : undefined;
}

/** GPUs one job of the runner type needs on one host (single-node entries: the larger of TP and EP). */
export function gpusNeeded(entries: readonly MatrixEntry[], runnerType: string): number {
  let n = 0;
  for (const e of entries) if (e.runner === runnerType && !isMultiNode(e)) n = Math.max(n, e.tp, e.ep);
  return n;
}

const major = (v: string) => Number(/^v?(\d+)/.exec(v)?.[1] ?? 0);

async function toolChecks(p: Probes): Promise<Check[]> {
  const out: Check[] = [];
  out.push(
    major(p.nodeVersion) >= 20
      ? { name: "node", status: "ok", detail: p.nodeVersion }
      : {
          name: "node",
          status: "fail",
          detail: `${p.nodeVersion} is older than 20`,
          fix: "install Node.js 20 or newer (https://nodejs.org) and put it on PATH for the runner service",
        },
  );
  const npm = await p.run("npm", ["--version"]);
  out.push(
    npm?.code === 0
      ? { name: "npm", status: "ok", detail: npm.stdout.trim() }
      : { name: "npm", status: "fail", detail: "npm is not on PATH", fix: "install npm with Node.js (the job runs `npm ci` when dist/ is missing)" },
  );
  return out;
}

async function runtimeCheck(p: Probes, gpus: Gpus | undefined): Promise<Check[]> {
  for (const rt of ["docker", "podman"]) {
    const v = await p.run(rt, ["version", "--format", "{{.Server.Version}}"]);
    if (!v) continue;
    if (v.code !== 0)
      return [
        {
          name: "container runtime",
          status: "fail",
          detail: `${rt} is installed but its server does not answer: ${v.stderr.trim().split("\n")[0] ?? ""}`,
          fix: `start the ${rt} service and add the runner's user to its group (e.g. usermod -aG docker <user>)`,
        },
      ];
    const checks: Check[] = [{ name: "container runtime", status: "ok", detail: `${rt} ${v.stdout.trim()}` }];
    if (gpus?.vendor === "nvidia") {
      const info = await p.run(rt, rt === "docker" ? ["info", "--format", "{{json .Runtimes}}"] : ["info"]);
      const cdi = await p.run("nvidia-ctk", ["cdi", "list"]);
      const ok = (info?.stdout ?? "").includes("nvidia") || /nvidia\.com\/gpu=/.test(cdi?.stdout ?? "");
      checks.push(
        ok
          ? { name: "container GPU access", status: "ok", detail: `${rt} has the NVIDIA runtime / CDI devices` }
          : {
              name: "container GPU access",
              status: "fail",
              detail: `${rt} has no NVIDIA runtime and no CDI device`,
              fix: "install the NVIDIA Container Toolkit and run `nvidia-ctk runtime configure --runtime=docker` (Podman: `nvidia-ctk cdi generate`)",
            },
      );
    } else if (gpus?.vendor === "amd") {
      const kfd = p.fileMode("/dev/kfd") !== "missing" && p.fileMode("/dev/dri") !== "missing";
      checks.push(
        kfd
          ? { name: "container GPU access", status: "ok", detail: "/dev/kfd and /dev/dri exist (passed with --device)" }
          : {
              name: "container GPU access",
              status: "fail",
              detail: "/dev/kfd or /dev/dri is missing",
              fix: "install the ROCm kernel driver (amdgpu-dkms) and reboot",
            },
      );
    }
    return checks;
  }
  return [
    {
      name: "container runtime",
      status: "fail",
      detail: "neither docker nor podman is on PATH",
      fix: "install Docker (or Podman) on this host, or use a Slurm cluster script (runners/launch_slurm.sh) if jobs run through Slurm",
    },
  ];
}

function gpuChecks(gpus: Gpus | undefined, o: DoctorOptions): Check[] {
  if (!gpus) {
    return [
      {
        name: "GPUs",
        status: "fail",
        detail: "no GPU found: nvidia-smi, amd-smi and rocm-smi are missing or list no GPU (this machine has no GPU, or the driver is not loaded)",
        fix: "run doctor on the GPU host itself; install the NVIDIA driver or ROCm so that nvidia-smi / amd-smi lists the GPUs",
      },
    ];
  }
  const out: Check[] = [
    {
      name: "GPUs",
      status: "ok",
      detail: `${gpus.count} x ${gpus.vendor === "nvidia" ? gpus.names.join(", ") : "AMD"}${gpus.driver ? `, driver ${gpus.driver}` : ""}`,
    },
  ];
  if (o.runnerType) {
    const need = gpusNeeded(o.entries, o.runnerType);
    const amdType = /^mi\d/.test(o.runnerType);
    if (need > gpus.count)
      out.push({
        name: "GPU count",
        status: "fail",
        detail: `runner type ${o.runnerType} has single-node configs with ${need} GPUs; this host has ${gpus.count}`,
        fix: `register this host only for runner types it can serve, or give it ${need} GPUs`,
      });
    else if (need) out.push({ name: "GPU count", status: "ok", detail: `${gpus.count} >= ${need} (the most a ${o.runnerType} config uses)` });
    if (amdType !== (gpus.vendor === "amd"))
      out.push({
        name: "GPU vendor",
        status: "fail",
        detail: `runner type ${o.runnerType} but the GPUs are ${gpus.vendor}`,
        fix: "check the runner type: mi* types need AMD GPUs, the others NVIDIA",
      });
  }
  return out;
}

function diskCheck(p: Probes, o: DoctorOptions): Check {
  const path = p.env.HF_HUB_CACHE ?? "/data/hf-cache";
  const free = p.freeBytes(path);
  if (free === undefined) return { name: "disk", status: "warn", detail: `cannot tell the free space of ${path}` };
  const gb = free / 1e9;
  return gb >= o.minDiskGb
    ? { name: "disk", status: "ok", detail: `${gb.toFixed(0)} GB free for model weights at ${path}` }
    : {
        name: "disk",
        status: "fail",
        detail: `${gb.toFixed(0)} GB free at ${path}, less than ${o.minDiskGb} GB (DeepSeek-R1 alone is ~700 GB)`,
        fix: "point HF_HUB_CACHE at a larger disk (the launch scripts mount it into the container) or free space",
      };
}

function runnerChecks(p: Probes, o: DoctorOptions): Check[] {
  const out: Check[] = [];
  const name = o.runnerName ?? p.env.RUNNER_NAME;
  const typesOf = (node: string) =>
    Object.entries(o.runnerTypes)
      .filter(([, nodes]) => nodes.includes(node))
      .map(([t]) => t);
  if (name) {
    const types = typesOf(name);
    if (!types.length)
      out.push({
        name: "runner name",
        status: "fail",
        detail: `${name} is not a node of the runner map`,
        fix: "add it under its runner types in configs/runners.yaml, named <cluster>_<n>",
      });
    else if (o.runnerType && !types.includes(o.runnerType))
      out.push({
        name: "runner name",
        status: "fail",
        detail: `${name} is listed for ${types.join(", ")}, not ${o.runnerType}`,
        fix: `add ${name} under ${o.runnerType} in configs/runners.yaml`,
      });
    else
      out.push({
        name: "runner labels",
        status: "ok",
        detail: `${name}: register the runner with labels ${types.join(", ")} (self-hosted runner labels = runner types)`,
      });
  } else {
    out.push({ name: "runner name", status: "warn", detail: "no --runner-name and no RUNNER_NAME: the name and labels were not checked" });
  }
  const cluster = o.cluster ?? (name ? clusterOf(name) : undefined);
  if (cluster) {
    const script = `${o.runnersDir}/${launchScriptOf(`${cluster}_0`)}`;
    const mode = p.fileMode(script);
    out.push(
      mode === "ok"
        ? { name: "launch script", status: "ok", detail: `runners/launch_${cluster}.sh` }
        : {
            name: "launch script",
            status: "fail",
            detail: `runners/launch_${cluster}.sh ${mode === "missing" ? "does not exist" : "is not executable"}`,
            fix:
              mode === "missing"
                ? `copy runners/launch_dockerhost.sh (or launch_slurm.sh) to runners/launch_${cluster}.sh and adapt it (docs/bring-up.md)`
                : `chmod +x runners/launch_${cluster}.sh`,
          },
    );
  }
  return out;
}

async function secretChecks(p: Probes): Promise<Check[]> {
  const out: Check[] = [
    p.env.HF_TOKEN
      ? { name: "HF_TOKEN", status: "ok", detail: "set" }
      : {
          name: "HF_TOKEN",
          status: "fail",
          detail: "not set: gated models (e.g. Llama) cannot be downloaded",
          fix: "add the repository secret HF_TOKEN and export it for the job (docs/bring-up.md); for this check: export HF_TOKEN=...",
        },
  ];
  const lmEval = await p.run("lm_eval", ["--help"]);
  out.push(
    lmEval
      ? { name: "lm_eval", status: "ok", detail: "on PATH (eval jobs)" }
      : {
          name: "lm_eval",
          status: "warn",
          detail: "not on PATH: eval jobs (RUN_EVAL=true) fail",
          fix: "pip install lm-eval[api], or set INFX_LM_EVAL to a command that runs it",
        },
  );
  const slurm = await p.run("sinfo", ["--version"]);
  if (slurm?.code === 0) out.push({ name: "Slurm", status: "ok", detail: slurm.stdout.trim() });
  return out;
}

/** Every check, in checklist order. */
export async function runDoctor(p: Probes, o: DoctorOptions): Promise<Check[]> {
  const gpus = await detectGpus(p);
  return [
    ...(await toolChecks(p)),
    ...(await runtimeCheck(p, gpus)),
    ...gpuChecks(gpus, o),
    diskCheck(p, o),
    ...runnerChecks(p, o),
    ...(await secretChecks(p)),
  ];
}

export function hasFailures(checks: readonly Check[]): boolean {
  return checks.some((c) => c.status === "fail");
}

/** The checklist as text: one line per check, the fix under each failed or warned one. */
export function renderChecklist(checks: readonly Check[]): string {
  const mark = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`[${mark[c.status]}] ${c.name}: ${c.detail}`);
    if (c.fix && c.status !== "ok") lines.push(`       fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  lines.push("", failed ? `${failed} check${failed === 1 ? "" : "s"} failed.` : "All checks passed.");
  return lines.join("\n") + "\n";
}
