// runners/cleanup.sh touches only what the sweep started: this job's
// containers and Slurm jobs (exact tag) after, and before, only leftovers of
// this runner (containers) or of earlier attempts of the same run and entry
// (Slurm). Fake docker/squeue/scancel on PATH record what they were asked.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";
import { spawnProc } from "./support/workflow-runner.js";

function fakeTools() {
  const bin = mkdtempSync(join(tmpdir(), "fake-bin-"));
  const log = join(bin, "calls.log");
  writeFileSync(log, "");
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // docker ps -aq --filter label=K=V: containers by label.
  tool(
    "docker",
    `if [[ "$1" == ps ]]; then
  case "$4" in
    label=infx.runner=sim_0) echo c-old-1; echo c-old-2 ;;
    label=infx.job=infx-100-2-abc) echo c-mine ;;
  esac
fi`,
  );
  tool(
    "squeue",
    `cat <<'JOBS'
11 infx-100-2-abc
12 infx-100-1-abc
13 infx-100-1-def
14 infx-99-1-abc
15 someone-elses-training
JOBS`,
  );
  tool("scancel", "");
  return { bin, calls: () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean) };
}

async function cleanup(mode: string, tools: ReturnType<typeof fakeTools>) {
  const temp = mkdtempSync(join(tmpdir(), "runner-temp-"));
  writeFileSync(join(temp, "infx-100-2-abc.pids"), "999999\n");
  const r = await spawnProc("bash", [join(ROOT, "runners/cleanup.sh"), mode], {
    cwd: temp,
    env: { PATH: `${tools.bin}:${process.env.PATH}`, INFX_JOB_TAG: "infx-100-2-abc", RUNNER_NAME: "sim_0", RUNNER_TEMP: temp, USER: "ci" },
  });
  return { ...r, pidfileLeft: existsSync(join(temp, "infx-100-2-abc.pids")) };
}

describe("runners/cleanup.sh", () => {
  it("after: removes exactly this job's container and Slurm job", async () => {
    const t = fakeTools();
    const r = await cleanup("after", t);
    expect(r.code).toBe(0);
    expect(t.calls().filter((c) => !c.startsWith("docker ps") && !c.startsWith("squeue"))).toEqual(["docker rm -f c-mine", "scancel 11"]);
    expect(r.pidfileLeft).toBe(false);
  });
  it("before: removes this runner's stale containers and earlier attempts of this run and entry, nothing else", async () => {
    const t = fakeTools();
    const r = await cleanup("before", t);
    expect(r.code).toBe(0);
    expect(t.calls().filter((c) => !c.startsWith("docker ps") && !c.startsWith("squeue"))).toEqual(["docker rm -f c-old-1 c-old-2", "scancel 12"]);
    expect(r.pidfileLeft).toBe(true);
  });
  it("without docker or Slurm it does nothing and succeeds; without a tag it refuses", async () => {
    const empty = mkdtempSync(join(tmpdir(), "no-tools-"));
    const ok = await spawnProc("bash", [join(ROOT, "runners/cleanup.sh"), "after"], {
      cwd: empty,
      env: { PATH: "/usr/bin:/bin", INFX_JOB_TAG: "infx-1-1-x", RUNNER_TEMP: empty },
    });
    expect(ok.code).toBe(0);
    const bad = await spawnProc("bash", [join(ROOT, "runners/cleanup.sh"), "after"], { cwd: empty, env: { PATH: "/usr/bin:/bin" } });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/INFX_JOB_TAG is not set/);
  });
});
