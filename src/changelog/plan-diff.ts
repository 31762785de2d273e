/**
 * `planChangelogDiff`: the whole way from a changelog file and two git refs to
 * a sweep plan, as `infx changelog` and the plan action both run it: read the
 * file at both refs (git.ts), find the new entries (`changelogWork`), resolve
 * their keys (`resolveEntryKeys`), generate each entry's jobs as
 * `test-config --run-evals` (`planChangelogEntries`), apply the policies
 * (`applyPolicies`) and bucket the result (`changelogPlan`). A 2026-08
 * (`scenarios`) file set goes to `planScenarioChangelogDiff` (scenario-diff.ts).
 */
import { isAbsolute, relative, resolve } from "node:path";
import { loadPlanningInputs } from "../config/load.js";
import { UserError } from "../errors.js";
import { testConfig } from "../plan/matrix.js";
import { applyPolicies, type PolicyOptions } from "../plan/policies.js";
import type { MatrixEntry } from "../plan/types.js";
import type { Dialect } from "../config/dialect.js";
import { readFileAtRefs } from "./git.js";
import type { ChangelogEntry } from "./parse.js";
import { changelogPlan, changelogWork, planChangelogEntries, resolveEntryKeys, type ChangelogPlan, type ChangelogVersions } from "./plan.js";
import { planScenarioChangelogDiff } from "./scenario-diff.js";
import type { ScenarioChangelogEntry } from "./scenario-entry.js";
import type { ScenarioChangelogPlan } from "./scenario-plan.js";

export interface ChangelogDiffRequest {
  /** The changelog, relative to `cwd` or absolute, inside a git work tree. */
  changelogFile: string;
  baseRef: string;
  headRef: string;
  configFiles: string[];
  runnerConfig: string;
  policies: PolicyOptions;
  cwd: string;
  noCache?: boolean;
  cacheDir?: string;
  /** Notes for a person (stderr): a missing base file, "no new entries". */
  note?(text: string): void;
  /** Also note keys an earlier entry already planned (the CLI does on a terminal). */
  noteSkipped?: boolean;
}

export interface ChangelogDiffPlan {
  /** Every planned entry, policies applied, in plan order. */
  matrix: MatrixEntry[];
  /** The bucketed plan `infx changelog` prints (with changelog_metadata); 2026-08 adds agentic and eval buckets. */
  plan: ChangelogPlan | ScenarioChangelogPlan;
  /** The new changelog entries. */
  entries: (ChangelogEntry | ScenarioChangelogEntry)[];
  /** The config dialect the plan followed. */
  dialect: Dialect;
}

export async function planChangelogDiff(r: ChangelogDiffRequest): Promise<ChangelogDiffPlan> {
  const note = r.note ?? (() => {});
  const file = isAbsolute(r.changelogFile) ? r.changelogFile : resolve(r.cwd, r.changelogFile);
  const shown = isAbsolute(r.changelogFile) ? r.changelogFile : relative(r.cwd, file) || r.changelogFile;
  const { baseRef, headRef } = r;

  const [base, head] = await readFileAtRefs(file, [baseRef, headRef]);
  if (head!.text === undefined) throw new UserError(`${shown} does not exist at ${headRef} (commit ${head!.commit.slice(0, 12)})`);
  if (base!.text === undefined) note(`note: ${shown} does not exist at ${baseRef}; every entry at ${headRef} is new`);

  const inputs = loadPlanningInputs(r.configFiles, r.runnerConfig, { cwd: r.cwd, noCache: r.noCache, cacheDir: r.cacheDir });
  const versions: ChangelogVersions = { file: shown, baseRef, headRef, baseText: base!.text, headText: head!.text };
  if (inputs.dialect === "2026-08") return { ...(await planScenarioChangelogDiff({ ...r, note }, versions, inputs)), dialect: inputs.dialect };
  const work = changelogWork(versions);
  let matrix: MatrixEntry[] = [];
  if (work.status === "no-new-entries") {
    note(work.message);
  } else {
    const keysPerEntry = await resolveEntryKeys(work.entries, [...inputs.configs.keys()], shown);
    const planned = planChangelogEntries(work.entries, keysPerEntry, (configKeys, mode) =>
      testConfig(inputs, { configKeys, runEvals: !mode.evalsOnly, evalsOnly: mode.evalsOnly }),
    );
    for (const w of planned.work) {
      if (w.skipped.length && r.noteSkipped) note(`note: ${w.entry["pr-link"]}: ${w.skipped.join(", ")} already planned by an earlier entry`);
    }
    matrix = applyPolicies(planned.matrix, r.policies);
  }
  const entries = work.entries.map((e) => e.entry);
  return { matrix, plan: changelogPlan(matrix, baseRef, headRef, entries), entries, dialect: inputs.dialect };
}
