/**
 * Config dialects. The layout of the config files decides which planning
 * rules apply (src/plan/dialects/): `seq-len-configs` files are the 2026-02
 * dialect, `scenarios` files (and a `{labels, hardware}` runner map) the
 * 2026-08 dialect. One run reads one dialect; a mix is refused with a message
 * that names each file and what it looks like.
 */
import { UserError } from "../errors.js";

export type Dialect = "2026-02" | "2026-08";

export const DIALECT_LAYOUT: Record<Dialect, string> = {
  "2026-02": "seq-len-configs",
  "2026-08": "scenarios",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The dialect one master config file is written in, or undefined when it does not say (empty, malformed). */
export function configFileDialect(data: unknown): Dialect | undefined {
  if (!isRecord(data)) return undefined;
  let seen: Dialect | undefined;
  for (const entry of Object.values(data)) {
    if (!isRecord(entry)) continue;
    const d: Dialect | undefined = "scenarios" in entry ? "2026-08" : "seq-len-configs" in entry ? "2026-02" : undefined;
    if (d && !seen) seen = d;
  }
  return seen;
}

/** The dialect of a runner map: `{labels: {...}}` is 2026-08, a flat map of lists 2026-02. */
export function runnerFileDialect(data: unknown): Dialect | undefined {
  if (!isRecord(data)) return undefined;
  if (isRecord(data.labels)) return "2026-08";
  const values = Object.values(data);
  if (values.length && values.every((v) => Array.isArray(v))) return "2026-02";
  return undefined;
}

export interface DialectWitness {
  file: string;
  dialect: Dialect | undefined;
  /** What made it that dialect, for the message ("scenarios", "labels: map", ...). */
  why: string;
  /** `file:line:col` of what made it that dialect (computed only for the message). */
  where?: () => string;
}

/**
 * The one dialect of a file set. Files that do not say (an empty config) go
 * with the others; all silent: 2026-02 (the project's own default). Throws
 * UserError when files disagree.
 */
export function decideDialect(witnesses: DialectWitness[]): Dialect {
  const said = witnesses.filter((w) => w.dialect);
  const kinds = new Set(said.map((w) => w.dialect));
  if (kinds.size <= 1) return said[0]?.dialect ?? "2026-02";
  throw new UserError(
    "these files mix the two config dialects; plan one dialect per run (all files 2026-02 with seq-len-configs and a flat runner map, or all 2026-08 with scenarios and a labels:/hardware: runner map):",
    said.map((w) => `${w.where?.() ?? w.file}: ${w.dialect} (${w.why})`),
  );
}

/** A one-line description for `infx validate` and `--format table`. */
export function describeDialect(d: Dialect): string {
  return d === "2026-08" ? "dialect 2026-08 (scenarios: fixed-seq-len / agentic-coding)" : "dialect 2026-02 (seq-len-configs)";
}
