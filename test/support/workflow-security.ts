// Security rules for workflows, as plain functions over the parsed YAML, so
// the tests can show that each rule catches what it is meant to catch.
import { parse } from "yaml";

export interface Finding {
  where: string;
  message: string;
}

type Obj = Record<string, any>;

/** Contexts that are safe inside a `run:` script (not controlled by whoever opened the PR or typed the input). */
const SAFE_IN_RUN =
  /^(github\.(run_id|run_attempt|run_number|workspace|repository|repository_owner|server_url|api_url|job|workflow|action_path|sha)|runner\.[a-z_]+|strategy\.[a-z_-]+|job\.status)$/;

const EXPR_RE = /\$\{\{([\s\S]*?)\}\}/g;
const CONTEXT_RE = /\b(github|inputs|env|matrix|needs|steps|secrets|vars|runner|strategy|job)((?:\.[A-Za-z0-9_*-]+|\[[^\]]*\])+)/g;

/** Context references (e.g. `github.event.pull_request.title`) inside `${{ }}` of a string. */
export function expressionContexts(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(EXPR_RE)) for (const c of m[1]!.matchAll(CONTEXT_RE)) out.push(c[1] + c[2]);
  return out;
}

function* steps(doc: Obj): Generator<[string, Obj]> {
  for (const [jobId, job] of Object.entries((doc.jobs ?? {}) as Obj)) {
    for (const [i, s] of ((job.steps ?? []) as Obj[]).entries()) yield [`jobs.${jobId}.steps[${i}]${s.name ? ` (${s.name})` : ""}`, s];
  }
  if (doc.runs?.steps) for (const [i, s] of (doc.runs.steps as Obj[]).entries()) yield [`runs.steps[${i}]`, s];
}

/** `run:` scripts that interpolate anything but the safe contexts: pass values through `env:` instead. */
export function untrustedInterpolations(yamlText: string): Finding[] {
  const doc = parse(yamlText) as Obj;
  const out: Finding[] = [];
  for (const [where, step] of steps(doc)) {
    if (typeof step.run !== "string") continue;
    for (const ctx of expressionContexts(step.run)) {
      if (!SAFE_IN_RUN.test(ctx)) out.push({ where, message: `run: interpolates \${{ ${ctx} }}; pass it through env: and use "$VAR"` });
    }
    if (/\$\{\{/.test(step.run) && expressionContexts(step.run).length === 0)
      out.push({ where, message: "run: contains an expression; pass values through env:" });
  }
  return out;
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;

/** Every `uses:` is local (./...) or pinned to a full 40-hex commit SHA; docker:// images are refused. */
export function unpinnedActions(yamlText: string): Finding[] {
  const doc = parse(yamlText) as Obj;
  const out: Finding[] = [];
  const check = (where: string, uses: unknown) => {
    if (typeof uses !== "string") return;
    if (uses.startsWith("./")) return;
    if (!PINNED.test(uses)) out.push({ where, message: `uses: ${uses} is not pinned to a full commit SHA` });
  };
  for (const [jobId, job] of Object.entries((doc.jobs ?? {}) as Obj)) check(`jobs.${jobId}`, job.uses);
  for (const [where, step] of steps(doc)) check(where, step.uses);
  return out;
}

/** The workflow declares top-level `permissions:` and never `write-all`; write scopes only at job level. */
export function permissionProblems(yamlText: string): Finding[] {
  const doc = parse(yamlText) as Obj;
  const out: Finding[] = [];
  if (!("permissions" in doc)) out.push({ where: "(top level)", message: "no permissions: declared (the default token may be read-write)" });
  const top = doc.permissions;
  if (top === "write-all" || (top && typeof top === "object" && Object.values(top).includes("write")))
    out.push({ where: "(top level)", message: "top-level permissions grant write; grant it only to the job that needs it" });
  for (const [jobId, job] of Object.entries((doc.jobs ?? {}) as Obj)) {
    if (job.permissions === "write-all") out.push({ where: `jobs.${jobId}`, message: "permissions: write-all" });
    if (
      !("permissions" in job) &&
      top !== undefined &&
      typeof top === "object" &&
      Object.keys(top).length === 0 &&
      !job.uses &&
      job.steps?.some((s: Obj) => s.uses?.startsWith("actions/checkout"))
    )
      out.push({ where: `jobs.${jobId}`, message: "checks out code with no permissions (needs contents: read)" });
  }
  return out;
}
