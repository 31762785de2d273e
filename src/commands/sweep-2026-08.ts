/**
 * `infx sweep --local` on a 2026-08 file set (`scenarios` configs): the same
 * selection as for 2026-02 files (config keys, full-sweep filters, or the
 * default: the first two single-node configs with fixed-seq-len scenarios,
 * 1k1k, conc 1 and 4), planned by the 2026-08 generator without evals.
 * Agentic-coding rows are left out with a note: the local sweep replays
 * fixed-length prompts, it has no agentic trace client yet.
 */
import type { ParsedArgs } from "../cli/args.js";
import type { PlanningInputs } from "../config/load.js";
import { UserError } from "../errors.js";
import { scenarioFullSweep, scenarioInputs, scenarioTestConfig, type ScenarioRow } from "../plan/scenario-matrix.js";
import type { MatrixEntry } from "../plan/types.js";

export interface ScenarioLocalPlan {
  entries: MatrixEntry[];
  description: string;
  isDefault?: boolean;
  /** Agentic rows the local sweep cannot run (a note says so). */
  skippedAgentic: number;
}

const isAgentic = (r: ScenarioRow) => r["scenario-type"] === "agentic-coding";

function split(rows: ScenarioRow[], description: string, isDefault?: boolean): ScenarioLocalPlan {
  const fixed = rows.filter((r) => !isAgentic(r));
  return { entries: fixed as unknown as MatrixEntry[], description, isDefault, skippedAgentic: rows.length - fixed.length };
}

export function planScenarioLocalSweep(a: ParsedArgs, inputs: PlanningInputs, filters: string[], defaults: { keys: number; concs: number[] }): ScenarioLocalPlan {
  const keys = a["config-keys"] as string[] | undefined;
  if (keys) return split(scenarioTestConfig(inputs, { configKeys: keys, conc: a.conc as number[] | undefined, noEvals: true }), `config keys ${keys.join(", ")}`);
  const multi = a["multi-node"] === true;
  if (filters.length || multi) {
    const rows = scenarioFullSweep(inputs, {
      singleNode: !multi,
      multiNode: multi,
      modelPrefix: a["model-prefix"] as string[] | undefined,
      precision: a.precision as string[] | undefined,
      framework: a.framework as string[] | undefined,
      runnerType: a["runner-type"] as string[] | undefined,
      seqLens: a["seq-lens"] as string[] | undefined,
      minConc: a["min-conc"] as number | undefined,
      maxConc: a["max-conc"] as number | undefined,
      maxTp: a["max-tp"] as number | undefined,
      maxEp: a["max-ep"] as number | undefined,
      noEvals: true,
    });
    return split(rows, `full sweep (${multi ? "multi" : "single"}-node${filters.length ? ", " + filters.map((f) => `--${f} ${[a[f]].flat().join(" ")}`).join(" ") : ""})`);
  }
  const chosen = [...scenarioInputs(inputs).configs]
    .filter(([, c]) => !c.multinode && c.scenarios["fixed-seq-len"]?.length)
    .slice(0, defaults.keys)
    .map(([k]) => k);
  if (!chosen.length) throw new UserError(`no single-node config with fixed-seq-len scenarios in ${inputs.configFiles.join(", ")} to run by default; pass --config-keys or filters`);
  const all = scenarioTestConfig(inputs, { configKeys: chosen, conc: defaults.concs, noEvals: true, scenarioTypes: ["fixed-seq-len"] });
  const oneK = all.filter((e) => e.isl === 1024 && e.osl === 1024);
  return split(oneK.length ? oneK : all, `default: config keys ${chosen.join(", ")}, ${oneK.length ? "1k1k, " : ""}conc ${defaults.concs.join(" and ")}`, true);
}
