// Evaluates a workflow's job conditions as GitHub would, with GitHub's own
// expression engine (@actions/expressions): the `concurrency.group`, each
// job's `if:` with the status functions, and skip propagation through `needs`.
// Job results and outputs come from the scenario (for the plan job: the label
// policy the plan action applies), so the tests can tabulate which jobs run.
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { parse } from "yaml";

type Obj = Record<string, any>;
export type JobResult = "success" | "failure" | "skipped" | "cancelled";

function toData(v: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(v ?? null), data.reviver) as data.ExpressionData;
}

const STATUS_FUNCS = ["success", "always", "failure", "cancelled"];
const CONTEXTS = ["github", "needs", "inputs", "vars", "env", "strategy", "matrix", "steps", "job", "runner", "secrets"];

function stripDelims(expr: string): string {
  const t = expr.trim();
  const m = /^\$\{\{([\s\S]*)\}\}$/.exec(t);
  return m ? m[1]!.trim() : t;
}

/** Evaluates one expression (with or without `${{ }}`) against plain JS contexts. */
export function evaluate(
  expr: string,
  contexts: Obj,
  status: { needsOk: boolean; anyFailed: boolean } = { needsOk: true, anyFailed: false },
): data.ExpressionData {
  const lexed = new Lexer(stripDelims(expr)).lex();
  const parsed = new Parser(
    lexed.tokens,
    CONTEXTS,
    STATUS_FUNCS.map((name) => ({ name, minArgs: 0, maxArgs: 0 })),
  ).parse();
  const ctx = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })));
  const fns = new Map(
    Object.entries({
      success: () => new data.BooleanData(status.needsOk),
      always: () => new data.BooleanData(true),
      failure: () => new data.BooleanData(status.anyFailed),
      cancelled: () => new data.BooleanData(false),
    }).map(([name, call]) => [name, { name, minArgs: 0, maxArgs: 0, call }]),
  );
  return new Evaluator(parsed, ctx, fns).evaluate();
}

/** Whether an expression is truthy, as an `if:` decides. */
export function evaluateIf(expr: string, contexts: Obj, status?: { needsOk: boolean; anyFailed: boolean }): boolean {
  return truthy(evaluate(expr, contexts, status));
}

/** Interpolates `${{ }}` in a string (e.g. a concurrency group). */
export function interpolate(text: string, contexts: Obj): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => evaluate(e, contexts).coerceString());
}

export interface Scenario {
  github: Obj;
  inputs?: Obj;
  /** Result and outputs of jobs that run (default: success, no outputs). */
  jobs?: Record<string, { result?: JobResult; outputs?: Obj }>;
}

export interface SimResult {
  /** Every job's result, in topological order. */
  results: Record<string, JobResult>;
  ran: string[];
  concurrencyGroup?: string;
}

function needsOf(job: Obj): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

export class WorkflowSim {
  readonly doc: Obj;
  constructor(yamlText: string) {
    this.doc = parse(yamlText) as Obj;
  }

  jobIds(): string[] {
    const jobs = this.doc.jobs as Obj;
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      for (const n of needsOf(jobs[id])) visit(n);
      order.push(id);
    };
    for (const id of Object.keys(jobs)) visit(id);
    return order;
  }

  run(s: Scenario): SimResult {
    const jobs = this.doc.jobs as Obj;
    const results: Record<string, JobResult> = {};
    const needsCtx: Obj = {};
    const ran: string[] = [];
    const base = { github: s.github, inputs: s.inputs ?? {}, vars: {} };
    const group = this.doc.concurrency?.group;
    for (const id of this.jobIds()) {
      const job = jobs[id];
      const needs = needsOf(job);
      const needsOk = needs.every((n) => results[n] === "success");
      const anyFailed = needs.some((n) => results[n] === "failure");
      const cond: string = job.if === undefined ? "success()" : String(job.if);
      const usesStatus = /\b(always|success|failure|cancelled)\s*\(/.test(cond);
      const ctx = { ...base, needs: Object.fromEntries(needs.map((n) => [n, needsCtx[n]])) };
      let runs: boolean;
      if (!needsOk && !usesStatus) runs = false;
      else runs = evaluateIf(usesStatus ? cond : `success() && (${stripDelims(cond)})`, ctx, { needsOk, anyFailed });
      const scenario = s.jobs?.[id];
      const result: JobResult = runs ? (scenario?.result ?? "success") : "skipped";
      results[id] = result;
      if (runs) ran.push(id);
      needsCtx[id] = { result, outputs: runs ? (scenario?.outputs ?? {}) : {} };
    }
    return { results, ran, ...(typeof group === "string" ? { concurrencyGroup: interpolate(group, base) } : {}) };
  }
}
