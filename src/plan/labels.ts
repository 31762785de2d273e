/**
 * The sweep label policy: which event runs which kind of sweep. Pure, no
 * GitHub: the plan action feeds it the event and obeys the decision, and the
 * workflow tests replay it as data. This is the one place the rule lives.
 *
 *   sweep-enabled          trimmed concurrency (lowest conc of each group), no canary
 *   full-sweep-enabled     the full plan, one canary job first
 *   full-sweep-fail-fast   the full plan, canary first, and the first failure cancels the rest
 *   evals-only             (modifier) keep only eval entries
 *   all-evals              (modifier) mark every 1k8k single-node entry for eval (2026-02 configs);
 *                          2026-08 configs: every 8k1k row, multi-node evals merged (docs/dialects.md)
 *
 * Pushes to main run the full plan (no canary), unless the head commit message
 * says [skip-sweep]. Draft PRs, fork PRs and PRs without a primary label never
 * run. Two primary labels at once is an error.
 *
 * Label trust (WRITE_ONLY_LABELS, trustedLabels): a sweep label, and the
 * regression gate's accept-regression label, counts only when the person who
 * last added it has write permission.
 */

export const PRIMARY_SWEEP_LABELS = ["sweep-enabled", "full-sweep-enabled", "full-sweep-fail-fast"] as const;
export const MODIFIER_LABELS = ["evals-only", "all-evals"] as const;
/** Every label whose addition can change what a PR sweeps (the rest are ignored). */
export const SWEEP_LABELS: readonly string[] = [...PRIMARY_SWEEP_LABELS, ...MODIFIER_LABELS];
export const SKIP_SWEEP_MARKER = "[skip-sweep]";

export type PrimarySweepLabel = (typeof PRIMARY_SWEEP_LABELS)[number];
export type SweepMode = "trimmed" | "full" | "full-fail-fast";

/** What the policy needs to know about the triggering event. */
export interface SweepEvent {
  /** GITHUB_EVENT_NAME: push, pull_request, workflow_dispatch, ... */
  eventName: string;
  /** `action` of a pull_request event: labeled, synchronize, ready_for_review, ... */
  action?: string;
  /** Names of the labels on the PR (pull_request events). */
  labels?: readonly string[];
  /** For `labeled`/`unlabeled` events: the label that changed. */
  changedLabel?: string;
  draft?: boolean;
  /** The PR's head repository differs from the base repository. */
  fork?: boolean;
  /** Message of the pushed head commit (push events). */
  headCommitMessage?: string;
}

export interface SweepDecision {
  run: boolean;
  /** One line for logs, the step summary and the PR comment. */
  reason: string;
  /** Set when the labels contradict each other: the plan step fails with it. */
  error?: string;
  mode?: SweepMode;
  trimConc: boolean;
  canary: boolean;
  failFast: boolean;
  evalsOnly: boolean;
  allEvals: boolean;
  /** Plan-policy flags for `infx changelog` (see src/plan/policies.ts). */
  planFlags: string[];
}

const NO_RUN = { trimConc: false, canary: false, failFast: false, evalsOnly: false, allEvals: false, planFlags: [] };

function skip(reason: string, error?: string): SweepDecision {
  return { run: false, reason, ...(error ? { error } : {}), ...NO_RUN, planFlags: [] };
}

/** True when a label event for `label` may change the sweep (used to keep unrelated label events from cancelling a sweep). */
export function isSweepLabel(label: string | undefined): boolean {
  return label !== undefined && SWEEP_LABELS.includes(label);
}

/** The primary sweep labels present on a PR, in policy order. */
export function primarySweepLabels(labels: readonly string[]): PrimarySweepLabel[] {
  return PRIMARY_SWEEP_LABELS.filter((l) => labels.includes(l));
}

function withModifiers(mode: SweepMode, labels: readonly string[], reason: string): SweepDecision {
  const evalsOnly = labels.includes("evals-only");
  const allEvals = labels.includes("all-evals");
  const trimConc = mode === "trimmed";
  const canary = mode !== "trimmed";
  const failFast = mode === "full-fail-fast";
  const planFlags = [
    ...(trimConc ? ["--trim-conc"] : []),
    ...(canary ? ["--canary"] : []),
    ...(allEvals ? ["--all-evals"] : []),
    ...(evalsOnly ? ["--evals-only"] : []),
  ];
  const mods = [evalsOnly && "evals only", allEvals && "all evals"].filter(Boolean).join(", ");
  return { run: true, reason: mods ? `${reason} (${mods})` : reason, mode, trimConc, canary, failFast, evalsOnly, allEvals, planFlags };
}

/** Decides whether and how an event sweeps. */
export function decideSweep(ev: SweepEvent): SweepDecision {
  if (ev.eventName === "push") {
    if ((ev.headCommitMessage ?? "").includes(SKIP_SWEEP_MARKER)) return skip(`the head commit message contains ${SKIP_SWEEP_MARKER}`);
    return { ...withModifiers("full", [], "push to main: full sweep of the new changelog entries"), canary: false, planFlags: [] };
  }
  if (ev.eventName !== "pull_request") return skip(`event '${ev.eventName}' does not start a changelog sweep`);

  const labels = ev.labels ?? [];
  if (ev.fork) return skip("pull requests from forks never run on self-hosted runners");
  if (ev.draft) return skip("draft pull request (mark it ready for review to sweep)");
  if ((ev.action === "labeled" || ev.action === "unlabeled") && !isSweepLabel(ev.changedLabel)) {
    return skip(`label '${ev.changedLabel ?? ""}' does not affect the sweep`);
  }
  if (ev.action === "unlabeled") return skip("a label was removed; removing a label never starts a sweep");
  const primary = primarySweepLabels(labels);
  if (primary.length > 1) {
    const msg = `conflicting sweep labels: ${primary.join(", ")}; keep exactly one of ${PRIMARY_SWEEP_LABELS.join(", ")}`;
    return skip(msg, msg);
  }
  if (primary.length === 0) {
    return skip(`no sweep label (add one of ${PRIMARY_SWEEP_LABELS.join(", ")} to run a sweep)`);
  }
  switch (primary[0]) {
    case "sweep-enabled":
      return withModifiers("trimmed", labels, "sweep-enabled: trimmed concurrency sweep");
    case "full-sweep-enabled":
      return withModifiers("full", labels, "full-sweep-enabled: full sweep after a canary");
    case "full-sweep-fail-fast":
      return withModifiers("full-fail-fast", labels, "full-sweep-fail-fast: full sweep after a canary, stopping at the first failure");
  }
}

/** Reads the policy's input out of a GitHub event payload (GITHUB_EVENT_PATH). */
export function sweepEventFromPayload(eventName: string, payload: Record<string, any>): SweepEvent {
  const pr = payload.pull_request;
  return {
    eventName,
    action: payload.action,
    labels: Array.isArray(pr?.labels) ? pr.labels.map((l: { name?: string } | string) => (typeof l === "string" ? l : String(l?.name ?? ""))) : [],
    changedLabel: payload.label?.name,
    draft: Boolean(pr?.draft),
    fork: pr ? Boolean(pr.head?.repo?.fork) || (pr.head?.repo?.full_name ?? "") !== (pr.base?.repo?.full_name ?? "") : false,
    headCommitMessage: payload.head_commit?.message,
  };
}

/**
 * Roles with write permission on the repository. Anyone with triage may add a
 * label, but a label in {@link WRITE_ONLY_LABELS} counts only when its last
 * adder has one of these roles: triage must neither start GPU sweeps nor
 * accept a regression.
 */
export const WRITE_PERMISSION_ROLES: readonly string[] = ["admin", "maintain", "write"];

/** The label by which a PR's author and reviewers accept a measured regression. */
export const ACCEPT_REGRESSION_LABEL = "accept-regression";

/**
 * The label trust policy as data: each label that counts only from people with
 * write permission, and the rule an ignored one is reported with.
 */
export const WRITE_ONLY_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SWEEP_LABELS.map((l) => [l, "sweep labels count only from people with write permission"])),
  [ACCEPT_REGRESSION_LABEL]: "it counts only from people with write permission",
};

/** Who last added a label to the PR, and that person's role on the repository. */
export interface LabelGrant {
  label: string;
  actor: string;
  role: string;
}

/**
 * The labels that count: every label outside `scope` (or not in
 * {@link WRITE_ONLY_LABELS}), and each label of `scope` whose last adder has a
 * role in {@link WRITE_PERMISSION_ROLES}. A write-only label with no known
 * adder, or added by someone without write permission, is dropped with a
 * reason.
 */
export function trustedLabels(labels: readonly string[], grants: readonly LabelGrant[], scope: readonly string[]): { labels: string[]; ignored: string[] } {
  const last = new Map(grants.map((g) => [g.label, g]));
  const kept: string[] = [];
  const ignored: string[] = [];
  for (const label of labels) {
    const rule = scope.includes(label) ? WRITE_ONLY_LABELS[label] : undefined;
    const g = last.get(label);
    if (rule === undefined || (g && WRITE_PERMISSION_ROLES.includes(g.role))) kept.push(label);
    else ignored.push(g ? `label '${label}' was added by @${g.actor} (${g.role}): ${rule}` : `label '${label}': who added it is unknown, so it does not count`);
  }
  return { labels: kept, ignored };
}

/** The labels that count for the sweep policy: {@link trustedLabels} over the sweep labels. */
export function trustedSweepLabels(labels: readonly string[], grants: readonly LabelGrant[]): { labels: string[]; ignored: string[] } {
  return trustedLabels(labels, grants, SWEEP_LABELS);
}

// --- regression gate -------------------------------------------------------------

/** What the regression gate knows: the comparison's counts (or that there was none), the PR's labels now and who added them. */
export interface GateInput {
  /** Points that regressed; undefined when nothing was compared (no baseline). */
  regressions?: number;
  /** Curves that regressed. */
  curveRegressions?: number;
  labels: readonly string[];
  /** Who last added each label of {@link gateLabelsToCheck}, and their role (the rest may be left out). */
  grants: readonly LabelGrant[];
}

export interface GateDecision {
  pass: boolean;
  /** One line for the check's log, the step summary and the failure message. */
  reason: string;
}

function regressed(g: Omit<GateInput, "grants">): number {
  return g.regressions === undefined ? 0 : g.regressions + (g.curveRegressions ?? 0);
}

/**
 * The labels whose last adder the gate must know: ACCEPT_REGRESSION_LABEL when
 * it is on the PR and something regressed; otherwise none (and the gate makes
 * no REST call for them).
 */
export function gateLabelsToCheck(g: Omit<GateInput, "grants">): string[] {
  return regressed(g) > 0 && g.labels.includes(ACCEPT_REGRESSION_LABEL) ? [ACCEPT_REGRESSION_LABEL] : [];
}

/**
 * The regression gate: red when a point or a curve regressed, unless the PR
 * carries ACCEPT_REGRESSION_LABEL and its last adder has write permission
 * ({@link trustedLabels}); green when nothing regressed or nothing could be
 * compared (no baseline is not the PR's fault).
 */
export function decideRegressionGate(g: GateInput): GateDecision {
  if (g.regressions === undefined) return { pass: true, reason: "no baseline to compare with: nothing to gate" };
  if (regressed(g) === 0) return { pass: true, reason: "no regression against the baseline" };
  const what = `${g.regressions} point(s) and ${g.curveRegressions ?? 0} curve(s) regressed against the baseline`;
  if (!g.labels.includes(ACCEPT_REGRESSION_LABEL))
    return { pass: false, reason: `${what}; add the label '${ACCEPT_REGRESSION_LABEL}' to accept them and re-run this job` };
  const trusted = trustedLabels(g.labels, g.grants, [ACCEPT_REGRESSION_LABEL]);
  if (trusted.labels.includes(ACCEPT_REGRESSION_LABEL)) {
    const by = new Map(g.grants.map((x) => [x.label, x])).get(ACCEPT_REGRESSION_LABEL)!;
    return { pass: true, reason: `${what}; accepted by the '${ACCEPT_REGRESSION_LABEL}' label (added by @${by.actor}, ${by.role})` };
  }
  const how = `someone with write permission must remove the label '${ACCEPT_REGRESSION_LABEL}' and add it again, then re-run this job`;
  return { pass: false, reason: `${what}; ${trusted.ignored.join("; ")}; to accept them, ${how}` };
}
