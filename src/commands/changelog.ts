import { resolve, relative, isAbsolute } from "node:path";
import type { CommandSpec, ParsedArgs } from "../cli/args.js";
import { UserError, type Io } from "../cli/io.js";
import { readFileAtRefs } from "../changelog/git.js";
import { changelogPlan, changelogWork, planChangelogEntries, resolveEntryKeys } from "../changelog/plan.js";
import { loadPlanningInputs } from "../config/load.js";
import { formatMatrix } from "../plan/format.js";
import { testConfig } from "../plan/matrix.js";
import { INPUT_OPTIONS, POLICY_OPTIONS, policyOptionsFromArgs, printGithubPlan } from "./lib/matrix-options.js";
import { applyPolicies } from "../plan/policies.js";
import type { MatrixEntry } from "../plan/types.js";

export const spec: CommandSpec = {
  name: "changelog",
  summary: "Sweep plan from the entries appended to perf-changelog.yaml between two git refs",
  description: `
Reads the changelog at --base-ref and --head-ref with git (run it inside the
repository) and plans the entries that are new at the head: for each, the jobs
'infx test-config --run-evals' gives for its config keys ('--evals-only' for an
entry with evals-only: true). Prints
  {"single_node": {"1k1k": [...], "1k8k": [...], "8k1k": [...]},
   "multi_node": {...},
   "changelog_metadata": {"base_ref", "head_ref", "entries"}}

Rules:
  - The changelog is append-only. Entries are compared as parsed YAML, so
    blank lines, comments and the final newline do not matter; an old entry
    that was edited, removed or moved is an error naming it and the change.
  - A new entry has config-keys (one or more; wildcards like gptoss*,
    dsr1-fp8-*-sglang or "*-trt" match whole keys), description (one or more
    lines), pr-link, and optionally evals-only: true. Anything else is an error.
  - A key or pattern that matches no config is an error (closest keys suggested).
  - Each config key runs once: the first new entry that names it decides evals-only.
  - Identical files: error (nothing to run). Only whitespace/comments/formatting
    changed: an empty plan and a "no new entries" note on stderr.

Formats: json (default, one line), table (for a person), github (plan.json and
shards of at most 256 entries in --out-dir, a one-line summary on stdout and in
$GITHUB_OUTPUT; see docs/sharding.md).`,
  options: [
    { name: "changelog-file", kind: "string", metavar: "FILE", default: "perf-changelog.yaml", help: "The changelog, inside a git work tree" },
    { name: "base-ref", kind: "string", metavar: "REF", required: true, help: "Git ref of the old version (e.g. origin/main, a SHA, HEAD~1)" },
    { name: "head-ref", kind: "string", metavar: "REF", default: "HEAD", help: "Git ref of the new version" },
    ...INPUT_OPTIONS,
    { name: "evals-only", kind: "flag", help: "Keep only the jobs that run an eval (after --all-evals)" },
    { name: "format", kind: "string", choices: ["json", "table", "github"], default: "json", help: "json: the plan on one line; table: for a person; github: plan files + shard summary for workflows" },
    ...POLICY_OPTIONS,
  ],
  examples: [
    "infx changelog --base-ref origin/main --head-ref HEAD",
    "infx changelog --base-ref HEAD~1 --format table",
    "infx changelog --base-ref origin/main --trim-conc --format github --out-dir sweep-plan",
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const given = args["changelog-file"] as string;
  const file = isAbsolute(given) ? given : resolve(io.cwd, given);
  const shown = isAbsolute(given) ? given : relative(io.cwd, file) || given;
  const baseRef = args["base-ref"] as string;
  const headRef = args["head-ref"] as string;

  const [base, head] = await readFileAtRefs(file, [baseRef, headRef]);
  if (head!.text === undefined) throw new UserError(`${shown} does not exist at ${headRef} (commit ${head!.commit.slice(0, 12)})`);
  if (base!.text === undefined) io.err(`note: ${shown} does not exist at ${baseRef}; every entry at ${headRef} is new\n`);

  const work = changelogWork({ file: shown, baseRef, headRef, baseText: base!.text, headText: head!.text });
  const opts = policyOptionsFromArgs(args);
  let matrix: MatrixEntry[] = [];
  if (work.status === "no-new-entries") {
    io.err(`${work.message}\n`);
  } else {
    const inputs = loadPlanningInputs(args["config-files"] as string[], args["runner-config"] as string, { cwd: io.cwd, noCache: Boolean(io.env.INFX_NO_CACHE) });
    const keysPerEntry = await resolveEntryKeys(work.entries, [...inputs.configs.keys()], shown);
    const planned = planChangelogEntries(work.entries, keysPerEntry, (configKeys, mode) =>
      testConfig(inputs, { configKeys, runEvals: !mode.evalsOnly, evalsOnly: mode.evalsOnly }),
    );
    for (const w of planned.work) {
      if (w.skipped.length && io.isTTY) io.err(`note: ${w.entry["pr-link"]}: ${w.skipped.join(", ")} already planned by an earlier entry\n`);
    }
    matrix = applyPolicies(planned.matrix, opts);
  }
  const entries = work.entries.map((e) => e.entry);
  const plan = changelogPlan(matrix, baseRef, headRef, entries);
  switch (args.format) {
    case "github":
      printGithubPlan(matrix, args, io, { changelog_metadata: plan.changelog_metadata });
      break;
    case "table":
      io.out(formatMatrix(matrix, "table"));
      io.out(`${entries.length} new changelog entr${entries.length === 1 ? "y" : "ies"} between ${baseRef} and ${headRef}\n`);
      break;
    default:
      io.out(JSON.stringify(plan) + "\n");
  }
  return 0;
}
