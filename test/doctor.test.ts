// infx doctor: the checks with injected probes (a healthy NVIDIA host, an AMD
// host, a host with too few GPUs, a machine without GPUs), and the command on
// this GPU-less machine.
import { describe, expect, it } from "vitest";
import { loadPlanningInputs } from "../src/config/load.js";
import { gpusNeeded, hasFailures, renderChecklist, runDoctor, type DoctorOptions, type ProgramResult, type Probes } from "../src/doctor/checks.js";
import { testConfig } from "../src/plan/matrix.js";
import { infx, ROOT } from "./support/cli.js";

const inputs = loadPlanningInputs(["configs/nvidia-master.yaml", "configs/amd-master.yaml"], "configs/runners.yaml", { cwd: ROOT });
const entries = testConfig(inputs, { configKeys: [...inputs.configs.keys()] });
const opts = (o: Partial<DoctorOptions>): DoctorOptions => ({ runnerTypes: inputs.runners, entries, runnersDir: `${ROOT}/runners`, minDiskGb: 1000, ...o });
const ok = (stdout: string): ProgramResult => ({ code: 0, stdout, stderr: "" });

function probes(programs: Record<string, (args: string[]) => ProgramResult | undefined>, extra: Partial<Probes> = {}): Probes {
  return {
    run: async (cmd, args) => programs[cmd]?.(args),
    env: { HF_TOKEN: "hf_x", HF_HUB_CACHE: "/models" },
    freeBytes: () => 4e12,
    fileMode: (p) => (p.endsWith(".sh") || p.startsWith("/dev/") ? "ok" : "missing"),
    nodeVersion: "v22.3.0",
    ...extra,
  };
}
const nvidiaHost = (gpus: number) => ({
  "nvidia-smi": () => ok(Array.from({ length: gpus }, () => "NVIDIA B200, 570.124.06").join("\n")),
  docker: (a: string[]) => ok(a[0] === "version" ? "28.1.1" : `{"io.containerd.runc.v2":{},"nvidia":{"path":"nvidia-container-runtime"}}`),
  npm: () => ok("10.8.0"),
  lm_eval: () => ok("usage"),
});

describe("infx doctor checks", () => {
  it("a ready NVIDIA host passes every check, with the labels to register", async () => {
    const checks = await runDoctor(probes(nvidiaHost(8)), opts({ runnerType: "b200", runnerName: "b200-lab_1" }));
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(hasFailures(checks)).toBe(false);
    const text = renderChecklist(checks);
    expect(text).toContain("[ok  ] GPUs: 8 x NVIDIA B200, driver 570.124.06");
    expect(text).toContain("[ok  ] GPU count: 8 >= 8 (the most a b200 config uses)");
    expect(text).toContain("register the runner with labels b200, b200-trt");
    expect(text).toMatch(/All checks passed\.\n$/);
  });
  it("too few GPUs, no NVIDIA runtime, no token, an unknown runner: each fails with its fix", async () => {
    const host = { ...nvidiaHost(4), docker: (a: string[]) => ok(a[0] === "version" ? "28.1.1" : `{"runc":{}}`) };
    const checks = await runDoctor(probes(host, { env: {}, freeBytes: () => 2e11 }), opts({ runnerType: "b200", runnerName: "b200-lab_9" }));
    const failed = Object.fromEntries(checks.filter((c) => c.status === "fail").map((c) => [c.name, c]));
    expect(Object.keys(failed).sort()).toEqual(["GPU count", "HF_TOKEN", "container GPU access", "disk", "runner name"]);
    expect(failed["GPU count"]!.detail).toBe("runner type b200 has single-node configs with 8 GPUs; this host has 4");
    expect(failed["container GPU access"]!.fix).toMatch(/NVIDIA Container Toolkit/);
    expect(failed["runner name"]!.fix).toMatch(/configs\/runners\.yaml/);
    expect(renderChecklist(checks)).toMatch(/5 checks failed\.\n$/);
  });
  it("an AMD host: rocm-smi GPUs and /dev/kfd; an AMD type on NVIDIA GPUs fails", async () => {
    const amd = {
      "rocm-smi": (a: string[]) =>
        ok(
          a[0] === "--showdriverversion"
            ? "Driver version: 6.10.5"
            : Array.from({ length: 8 }, (_, i) => `GPU[${i}]\t\t: Card Series: AMD Instinct MI355X`).join("\n"),
        ),
      docker: () => ok("27.0.0"),
      npm: () => ok("10.8.0"),
    };
    const checks = await runDoctor(probes(amd), opts({ runnerType: "mi355x", cluster: "mi355x-lab" }));
    expect(checks.find((c) => c.name === "GPUs")!.detail).toBe("8 x AMD, driver 6.10.5");
    expect(checks.find((c) => c.name === "container GPU access")!.status).toBe("ok");
    const wrong = await runDoctor(probes(nvidiaHost(8)), opts({ runnerType: "mi300x" }));
    expect(wrong.find((c) => c.name === "GPU vendor")).toMatchObject({ status: "fail", detail: "runner type mi300x but the GPUs are nvidia" });
  });
  it("no GPU tool at all: the GPU check fails and says the machine has no GPU", async () => {
    const checks = await runDoctor(
      probes({ npm: () => ok("10") }, { fileMode: (p) => (p.endsWith("launch_nowhere.sh") ? "missing" : "ok") }),
      opts({ cluster: "nowhere" }),
    );
    expect(checks.find((c) => c.name === "GPUs")).toMatchObject({ status: "fail", detail: expect.stringMatching(/^no GPU found: .*this machine has no GPU/) });
    expect(checks.find((c) => c.name === "container runtime")!.status).toBe("fail");
    expect(checks.find((c) => c.name === "launch script")).toMatchObject({ status: "fail", detail: "runners/launch_nowhere.sh does not exist" });
  });
  it("GPUs a runner type needs come from its single-node configs", () => {
    expect(gpusNeeded(entries, "h100")).toBe(4);
    expect(gpusNeeded(entries, "gb200")).toBe(0);
  });
});

describe("infx doctor (command)", () => {
  it("on this machine: a checklist, exit 1, no stack trace", async () => {
    const r = await infx(["doctor", "--runner-type", "h200", "--runner-name", "h200-lab_0"], {
      cwd: ROOT,
      env: { ...process.env, PATH: "/usr/bin:/bin", HF_TOKEN: "x" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[FAIL\] GPUs: no GPU found/);
    expect(r.stdout).toContain("[ok  ] launch script: runners/launch_h200-lab.sh");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const bad = await infx(["doctor", "--runner-type", "h300"], { cwd: ROOT });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runner-type h300: not a runner type/);
  });
});
