import { formatMatrixTable } from "./table.js";
export const MATRIX_FORMATS = ["json", "table", "github"];
export function formatMatrix(entries, format) {
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
