/**
 * Plan policies shared by `infx changelog` and the matrix commands
 * (--trim-conc, --all-evals, --canary, stable ids and artifact-safe names).
 * OWNER: changelog engineer (issue 3). This placeholder passes entries through
 * unchanged so the matrix commands can already call it.
 */
import type { OptSpec, ParsedArgs } from "../cli/args.js";
import type { MatrixEntry } from "./types.js";

/** Options every plan-producing command accepts. */
export const POLICY_OPTIONS: OptSpec[] = [];

/** Applies the policies selected in `args` to a matrix. */
export function applyPolicies(entries: MatrixEntry[], _args: ParsedArgs): MatrixEntry[] {
  return entries;
}
