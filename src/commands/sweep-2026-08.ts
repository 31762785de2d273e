/**
 * `infx sweep --local` on a 2026-08 file set (`scenarios` configs): the same
 * selection as for 2026-02 files (config keys, full-sweep filters, or the
 * default: the first two single-node configs with fixed-seq-len scenarios,
 * 1k1k, conc 1 and 4), planned by the 2026-08 generator without evals.
 * Agentic-coding rows are left out with a note: the local sweep replays
 * fixed-length prompts, it has no agentic trace client yet.
 */
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

/** The selection options of `infx sweep` this planner reads. */
export interface ScenarioLocalSweepOptions {
  configKeys?: string[];
  conc?: number[];
  multiNode: boolean;
  modelPrefix?: string[];
  precision?: string[];
  framework?: string[];
  runnerType?: string[];
  seqLens?: readonly string[];
  minConc?: number;
  maxConc?: number;
  maxTp?: number;
  maxEp?: number;
}

/** `filters`: the full-sweep filters given, by option name, with their values (for the description). */
export function planScenarioLocalSweep(
  o: ScenarioLocalSweepOptions,
  inputs: PlanningInputs,
  filters: [string, string[] | number][],
  defaults: { keys: number; concs: number[] },
): ScenarioLocalPlan {
  const keys = o.configKeys;
  if (keys) return split(scenarioTestConfig(inputs, { configKeys: keys, conc: o.conc, noEvals: true }), `config keys ${keys.join(", ")}`);
  const multi = o.multiNode;
  if (filters.length || multi) {
    const rows = scenarioFullSweep(inputs, {
      singleNode: !multi,
      multiNode: multi,
      modelPrefix: o.modelPrefix,
      precision: o.precision,
      framework: o.framework,
      runnerType: o.runnerType,
      seqLens: o.seqLens && [...o.seqLens],
      minConc: o.minConc,
      maxConc: o.maxConc,
      maxTp: o.maxTp,
      maxEp: o.maxEp,
      noEvals: true,
    });
    return split(
      rows,
      `full sweep (${multi ? "multi" : "single"}-node${filters.length ? ", " + filters.map(([f, v]) => `--${f} ${[v].flat().join(" ")}`).join(" ") : ""})`,
    );
  }
  const chosen = [...scenarioInputs(inputs).configs]
    .filter(([, c]) => !c.multinode && c.scenarios["fixed-seq-len"]?.length)
    .slice(0, defaults.keys)
    .map(([k]) => k);
  if (!chosen.length)
    throw new UserError(
      `no single-node config with fixed-seq-len scenarios in ${inputs.configFiles.join(", ")} to run by default; pass --config-keys or filters`,
    );
  const all = scenarioTestConfig(inputs, { configKeys: chosen, conc: defaults.concs, noEvals: true, scenarioTypes: ["fixed-seq-len"] });
  const oneK = all.filter((e) => e.isl === 1024 && e.osl === 1024);
  return split(oneK.length ? oneK : all, `default: config keys ${chosen.join(", ")}, ${oneK.length ? "1k1k, " : ""}conc ${defaults.concs.join(" and ")}`, true);
}
