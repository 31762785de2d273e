/**
 * perf-changelog.yaml reader.
 * OWNER: changelog engineer (issue 3), who replaces this minimal version with
 * the full one (schema checks naming field and entry, source lines).
 */
import { load } from "js-yaml";
import { UserError } from "../cli/io.js";

export interface ChangelogEntry {
  "config-keys": string[];
  description: string[];
  "pr-link": string;
  "evals-only"?: boolean;
}

/** Parses a changelog; throws UserError listing every problem. */
export function parseChangelog(text: string, file: string): ChangelogEntry[] {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (e) {
    throw new UserError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (doc == null) return [];
  if (!Array.isArray(doc)) throw new UserError(`${file}: expected a list of entries`);
  return doc as ChangelogEntry[];
}
