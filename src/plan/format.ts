/**
 * Output formats of the matrix commands: `json` (default; one line, what the
 * workflows read from stdout), `table` (for a person, see table.ts) and
 * `github` (plan files and shards for the workflows, see github-format.ts).
 */
import type { MatrixEntry } from "./types.js";
import { formatMatrixTable } from "./table.js";

export const MATRIX_FORMATS = ["json", "table", "github"] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

export function formatMatrix(entries: MatrixEntry[], format: MatrixFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(entries) + "\n";
    case "table":
      return formatMatrixTable(entries);
    case "github":
      // Written as files, not one string: see writeGithubPlan (src/plan/github-format.ts).
      throw new Error("--format github is written by writeGithubPlan, not formatMatrix");
  }
}
