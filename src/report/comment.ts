/**
 * The sticky PR comment of a sweep: pure, data in, markdown out. The body
 * starts with a hidden marker (`STICKY_MARKER`) by which `infx comment` finds
 * and updates the one comment per PR; it stays under GitHub's comment limit by
 * cutting table rows, and says so.
 */
import { formatRate, type RunStats } from "../results/success-rate.js";
import { isMultiNodeRow, seqLenName, type AggRow, type EvalRow } from "../results/types.js";
import { renderCommentSection, type CommentSectionInput } from "../compare/render.js";
import { tableRow } from "./markdown.js";
import { renderBenchmarkTable, renderEvalTable } from "./summary.js";

/** The hidden first line that identifies the sweep comment of a PR. */
export const STICKY_MARKER = "<!-- inferencex-ci:sweep-summary -->";
/** GitHub refuses comment bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Rows shown per model and sequence length in the results table. */
export const TOP_RESULTS_PER_GROUP = 3;

/** Plan counts per sequence-length bucket, single- and multi-node. */
export interface PlanSummary {
  buckets: { bucket: string; single: number; multi: number }[];
  /** Names of the entries that run first as canary. */
  canary: string[];
  /** Entries marked for eval. */
  evals: number;
  total: number;
}

export interface ArtifactLink {
  name: string;
  url: string;
  size_in_bytes?: number;
}

export interface CommentInput {
  runUrl: string;
  /** Head commit the sweep ran on. */
  sha?: string;
  plan?: PlanSummary;
  runStats?: RunStats;
  results?: readonly AggRow[];
  evals?: readonly EvalRow[];
  artifacts?: readonly ArtifactLink[];
  /** The comparison with the base branch (or why there is none): a section after the links. */
  comparison?: CommentSectionInput;
  /** Character budget (default GITHUB_COMMENT_LIMIT). */
  limit?: number;
}

// --- plan ---------------------------------------------------------------------

type Entry = Record<string, unknown>;
const isEntry = (v: unknown): v is Entry => typeof v === "object" && v !== null && !Array.isArray(v);
const entryName = (e: Entry) => String(e.name ?? e.id ?? e["exp-name"] ?? "?");
const isMulti = (e: Entry) => "prefill" in e;
const bucketOf = (e: Entry) =>
  e["scenario-type"] === "agentic-coding" ? "agentic" : typeof e.isl === "number" && typeof e.osl === "number" ? seqLenName(e.isl, e.osl) : "other";
/** The eval buckets of a 2026-08 changelog plan, and the bucket their jobs count under. */
const EVAL_BUCKETS: [string, string, boolean][] = [
  ["evals", "evals", false],
  ["agentic_evals", "agentic evals", false],
  ["multinode_evals", "evals", true],
  ["multinode_agentic_evals", "agentic evals", true],
];

/**
 * Summarises a plan file. Accepted shapes: a matrix (array of entries), or the
 * changelog plan `{single_node: {<bucket>: [...]}, multi_node: {...}}` (2026-08
 * plans add `agentic` buckets and eval lists: evals, agentic_evals, ...). Canary
 * entries are those in a top-level `canary` (entry or list) or with
 * `canary: true`.
 */
export function summarizePlan(plan: unknown): PlanSummary {
  const counts = new Map<string, { single: number; multi: number }>();
  const canary: string[] = [];
  let evals = 0;
  let total = 0;
  const add = (e: unknown, bucket?: string, multi?: boolean) => {
    if (!isEntry(e)) return;
    const b = bucket ?? bucketOf(e);
    const c = counts.get(b) ?? { single: 0, multi: 0 };
    if (multi ?? isMulti(e)) c.multi++;
    else c.single++;
    counts.set(b, c);
    total++;
    if (e["run-eval"] === true) evals++;
    if (e.canary === true && !canary.includes(entryName(e))) canary.push(entryName(e));
  };
  if (Array.isArray(plan)) plan.forEach((e) => add(e));
  else if (isEntry(plan)) {
    for (const [kind, multi] of [
      ["single_node", false],
      ["multi_node", true],
    ] as const) {
      const buckets = plan[kind];
      if (!isEntry(buckets)) continue;
      for (const [bucket, list] of Object.entries(buckets)) if (Array.isArray(list)) list.forEach((e) => add(e, bucket, multi));
    }
    for (const [key, bucket, multi] of EVAL_BUCKETS) {
      const list = plan[key];
      if (Array.isArray(list)) list.forEach((e) => add(e, bucket, multi));
    }
    if (Array.isArray(plan.entries)) plan.entries.forEach((e) => add(e));
    const c = plan.canary;
    for (const e of Array.isArray(c) ? c : c ? [c] : []) if (isEntry(e) && !canary.includes(entryName(e))) canary.push(entryName(e));
  }
  const order = (b: string) => (b === "1k1k" ? 0 : b === "1k8k" ? 1 : b === "8k1k" ? 2 : 3);
  const buckets = [...counts.entries()]
    .map(([bucket, c]) => ({ bucket, ...c }))
    .sort((a, b) => order(a.bucket) - order(b.bucket) || a.bucket.localeCompare(b.bucket));
  return { buckets, canary, evals, total };
}

// --- formatting helpers --------------------------------------------------------

const header = (cols: string[]) => [tableRow(cols), tableRow(cols.map(() => "---"))];

/** The best rows by throughput per GPU, TOP_RESULTS_PER_GROUP per model and sequence length. */
export function topResults(rows: readonly AggRow[], perGroup = TOP_RESULTS_PER_GROUP): AggRow[] {
  const groups = new Map<string, AggRow[]>();
  for (const r of rows) {
    const key = `${r.model}\u0000${String(r.isl).padStart(8, "0")}\u0000${String(r.osl).padStart(8, "0")}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.keys()].sort().flatMap((k) =>
    groups
      .get(k)!
      .slice()
      .sort((a, b) => (b.tput_per_gpu ?? 0) - (a.tput_per_gpu ?? 0))
      .slice(0, perGroup),
  );
}

/** Pass/fail of an eval row: from the accuracy gate's `passed`, else undefined (no threshold). */
export function evalVerdict(r: EvalRow): "pass" | "fail" | undefined {
  if (r.passed === true) return "pass";
  if (r.passed === false) return "fail";
  return undefined;
}

// --- body ----------------------------------------------------------------------

interface Table {
  title: string[];
  head: string[];
  rows: string[];
  /** What to say when rows were cut. */
  where: string;
  /** What to say when there are no rows. */
  empty: string;
}

function overall(input: CommentInput): string {
  const stats = input.runStats ? Object.values(input.runStats) : undefined;
  const failedEvals = (input.evals ?? []).filter((r) => evalVerdict(r) === "fail").length;
  if (!stats && !input.results && !input.evals) return "### InferenceX sweep";
  const ok = (stats ?? []).reduce((a, s) => a + s.n_success, 0);
  const total = (stats ?? []).reduce((a, s) => a + s.total, 0);
  const parts: string[] = [];
  if (stats) parts.push(total ? `${ok}/${total} benchmark jobs succeeded` : "no benchmark jobs ran");
  if (failedEvals) parts.push(`${failedEvals} eval(s) below threshold`);
  const icon = stats && total > 0 && ok === 0 ? "❌" : (stats && ok < total) || (stats && total === 0) || failedEvals ? "⚠️" : "✅";
  return `### ${icon} InferenceX sweep${parts.length ? ": " + parts.join(", ") : ""}`;
}

function linksLine(input: CommentInput): string {
  const links = [`[workflow run](${input.runUrl})`];
  for (const a of input.artifacts ?? []) links.push(`[\`${a.name}\`](${a.url})`);
  return links.join(" · ") + (input.sha ? ` · commit \`${input.sha.slice(0, 12)}\`` : "");
}

function planSection(p: PlanSummary): string[] {
  const lines = ["#### Plan", ""];
  lines.push(...header(["sequence lengths", "single-node", "multi-node"]));
  for (const b of p.buckets) lines.push(tableRow([b.bucket, b.single, b.multi]));
  lines.push("");
  const facts = [`${p.total} jobs planned`, `${p.evals} with evals`];
  facts.push(p.canary.length ? `canary first: ${p.canary.map((c) => `\`${c}\``).join(", ")}` : "no canary");
  lines.push(facts.join(" · "), "");
  return lines;
}

function statsSection(stats: RunStats): string[] {
  const lines = ["#### Success rate per GPU", ""];
  lines.push(...header(["GPU", "succeeded", "total", "rate"]));
  for (const [gpu, s] of Object.entries(stats)) {
    const icon = s.n_success === s.total ? "✅" : s.n_success === 0 ? "❌" : "⚠️";
    lines.push(tableRow([`${icon} ${gpu}`, s.n_success, s.total, formatRate(s)]));
  }
  if (!Object.keys(stats).length) lines.push(tableRow(["–", 0, 0, "n/a"]));
  lines.push("");
  return lines;
}

/** Splits a rendered markdown table into its two header lines and its row lines. */
function splitTable(markdown: string): { head: string[]; rows: string[] } {
  const lines = markdown.trimEnd().split("\n");
  return { head: lines.slice(0, 2), rows: lines.slice(2) };
}

/** Top results, single-node and multi-node apart (their columns differ), with the step summary's columns. */
function resultsTables(rows: readonly AggRow[]): Table[] {
  const empty = "no benchmark results were collected";
  const where = "the `results_bmk` artifact";
  const intro = `Best ${TOP_RESULTS_PER_GROUP} configurations per model and sequence length by throughput per GPU (${rows.length} results in all).`;
  if (rows.length === 0) return [{ title: ["#### Top results", ""], head: [], rows: [], where, empty }];
  const tables: Table[] = [];
  for (const kind of ["single", "multi"] as const) {
    const mine = rows.filter((r) => isMultiNodeRow(r) === (kind === "multi"));
    if (!mine.length) continue;
    const t = splitTable(renderBenchmarkTable(topResults(mine), kind));
    const heading = tables.length === 0 ? ["#### Top results", "", intro, ""] : [];
    tables.push({ title: [...heading, kind === "single" ? "Single-node:" : "Multi-node (disaggregated prefill/decode):", ""], ...t, where, empty });
  }
  return tables;
}

/** The eval table of the step summary, failures first. */
function evalTable(rows: readonly EvalRow[]): Table {
  const sorted = [...rows].sort(
    (a, b) =>
      (evalVerdict(a) === "fail" ? 0 : 1) - (evalVerdict(b) === "fail" ? 0 : 1) ||
      a.model.localeCompare(b.model) ||
      a.hw.localeCompare(b.hw) ||
      a.task.localeCompare(b.task) ||
      a.conc - b.conc,
  );
  const failed = rows.filter((r) => evalVerdict(r) === "fail").length;
  const gated = rows.filter((r) => evalVerdict(r) !== undefined).length;
  return {
    title: [
      "#### Evals",
      "",
      gated
        ? `${gated - failed}/${gated} passed their threshold${failed ? ` (**${failed} failed**, listed first)` : ""}.`
        : `${rows.length} eval results (no thresholds applied).`,
      "",
    ],
    ...(rows.length ? splitTable(renderEvalTable(sorted)) : { head: [], rows: [] }),
    where: "the `eval_results_all` artifact",
    empty: "no eval results were collected",
  };
}

const cutNote = (n: number, where: string) => `\n_… ${n} more row(s) not shown to stay under GitHub's comment size limit; all of them are in ${where}._\n`;

/**
 * The comment body: marker, headline, links, plan, success rates, top results
 * and evals. Tables are cut (with a note saying how many rows and where they
 * are) so that the body never exceeds `limit` characters.
 */
export function renderSweepComment(input: CommentInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const fixed: string[] = [STICKY_MARKER, overall(input), "", linksLine(input), ""];
  if (input.comparison) fixed.push(...renderCommentSection({ url: input.artifacts?.find((a) => a.name === "comparison")?.url, ...input.comparison }));
  if (input.plan) fixed.push(...planSection(input.plan));
  if (input.runStats) fixed.push(...statsSection(input.runStats));
  const tables: Table[] = [];
  if (input.results) tables.push(...resultsTables(input.results));
  if (input.evals) tables.push(evalTable(input.evals));
  const footer = ["", "<sub>Updated by `infx comment` on every run of this PR's sweep.</sub>"];

  const join = (lines: string[]) => lines.join("\n");
  let used = join(fixed).length + join(footer).length + 2;
  const parts: string[] = [join(fixed)];
  for (const [i, t] of tables.entries()) {
    // Each table may use an equal share of what is left; what it does not use passes on.
    const share = used + Math.floor((limit - used) / (tables.length - i));
    if (t.rows.length === 0) {
      const text = join([...t.title.slice(0, 2), `_None: ${t.empty}_`, ""]);
      used += text.length + 1;
      parts.push(text);
      continue;
    }
    const head = join([...t.title, ...t.head]);
    const reserve = cutNote(t.rows.length, t.where).length;
    const kept: string[] = [];
    let size = head.length + 1;
    for (const r of t.rows) {
      if (used + size + r.length + 1 + reserve > share) break;
      kept.push(r);
      size += r.length + 1;
    }
    const text = join([head, ...kept]) + (kept.length < t.rows.length ? cutNote(t.rows.length - kept.length, t.where) : "\n");
    used += text.length + 1;
    parts.push(text);
  }
  let body = join([...parts, ...footer]) + "\n";
  if (body.length > limit) {
    // Only when the fixed sections alone are too big (e.g. thousands of GPU types): hard cut.
    const note = "\n\n_… cut to stay under GitHub's comment size limit; see the workflow run._\n";
    body = body.slice(0, limit - note.length) + note;
  }
  return body;
}
