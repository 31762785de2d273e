import { defineSpec, type OptionsOf } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { planChangelogDiff } from "../changelog/plan-diff.js";
import { formatMatrix } from "../plan/format.js";
import { describeDialect } from "../config/dialect.js";
import { DIGEST_OPTIONS, INPUT_OPTIONS, planPlaceOf, POLICY_OPTIONS, policyOptions, printGithubPlan, withDigests } from "./lib/matrix-options.js";

export const spec = defineSpec({
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

2026-08 configs (scenarios; docs/dialects.md): entries may also set all-evals,
append-only, eval-min-prefill-ep and scenario-type; only '*' is a wildcard
('?' is literal); each (config, scenario) pair runs throughput and evals at
most once; the plan adds agentic buckets, the eval lists evals,
agentic_evals, multinode_evals, multinode_agentic_evals and a
recipe-fingerprint per throughput row. append-only entries read the configs
at --base-ref too and run only the new concurrency points.

Formats: json (default, one line), table (for a person), github (plan.json and
shards of at most 256 entries in --out-dir, a one-line summary on stdout and in
$GITHUB_OUTPUT; see docs/sharding.md).`,
  options: [
    { name: "changelog-file", kind: "string", metavar: "FILE", default: "perf-changelog.yaml", help: "The changelog, inside a git work tree" },
    { name: "base-ref", kind: "string", metavar: "REF", required: true, help: "Git ref of the old version (e.g. origin/main, a SHA, HEAD~1)" },
    { name: "head-ref", kind: "string", metavar: "REF", default: "HEAD", help: "Git ref of the new version" },
    ...INPUT_OPTIONS,
    { name: "evals-only", kind: "flag", help: "Keep only the jobs that run an eval (after --all-evals)" },
    {
      name: "format",
      kind: "string",
      choices: ["json", "table", "github"],
      default: "json",
      help: "json: the plan on one line; table: for a person; github: plan files + shard summary for workflows",
    },
    ...POLICY_OPTIONS,
    ...DIGEST_OPTIONS,
  ],
  examples: [
    "infx changelog --base-ref origin/main --head-ref HEAD",
    "infx changelog --base-ref HEAD~1 --format table",
    "infx changelog --base-ref origin/main --trim-conc --format github --out-dir sweep-plan",
    "infx changelog --base-ref origin/main --resolve-digests --format github",
  ],
});

export type ChangelogOptions = OptionsOf<typeof spec>;

export async function run(o: ChangelogOptions, io: Io): Promise<number> {
  const { matrix, plan, entries, dialect } = await planChangelogDiff({
    ...o,
    ...planPlaceOf(io),
    policies: policyOptions(o),
    note: (text) => io.err(`${text}\n`),
    noteSkipped: io.isTTY,
  });
  await withDigests(matrix, o);
  switch (o.format) {
    case "github":
      printGithubPlan(matrix, o, io, { changelog_metadata: plan.changelog_metadata });
      break;
    case "table":
      io.out(formatMatrix(matrix, "table"));
      io.out(
        `${entries.length} new changelog entr${entries.length === 1 ? "y" : "ies"} between ${o.baseRef} and ${o.headRef}${dialect === "2026-08" ? `; ${describeDialect(dialect)}` : ""}\n`,
      );
      break;
    default:
      io.out(JSON.stringify(plan) + "\n");
  }
  return 0;
}
