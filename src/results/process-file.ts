/**
 * `processResultFile`: one raw result file in, one aggregate row file out, as
 * `infx process-result` and the process-result action both run it: reads
 * `<dir>/<RESULT_FILENAME>.json`, builds the row (`processResult`) from the
 * job's configuration in `env`, writes `agg_<RESULT_FILENAME>.json` beside it.
 */
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";
import { readUserFile } from "../io/read-user-file.js";
import { unsafeFileNameReason, writeFileNoFollow } from "../io/write-user-file.js";
import { parseJson } from "./json.js";
import { processResult, ResultError, type Env } from "./process.js";
import type { AggRow } from "./types.js";

export interface ProcessedResult {
  row: AggRow;
  /** The row as written: pretty JSON with a final newline. */
  json: string;
  rawPath: string;
  outPath: string;
}

/** `env` holds RESULT_FILENAME and the job's configuration variables; `dir` is absolute. */
export function processResultFile(dir: string, env: Env): ProcessedResult {
  const name = env.RESULT_FILENAME?.trim();
  if (!name) throw new UserError("missing environment variable RESULT_FILENAME (the raw result's file name without .json), or --result-filename");
  const unsafe = unsafeFileNameReason(name);
  if (unsafe) throw new UserError(`RESULT_FILENAME: ${unsafe} (the raw result's file name without .json; use --dir for its directory)`);
  const rawPath = join(dir, `${name}.json`);
  const outPath = join(dirname(rawPath), `agg_${basename(name)}.json`);
  let text: string;
  try {
    text = readUserFile(rawPath);
  } catch (e) {
    throw new UserError(`cannot read the raw result ${rawPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, [
      "  RESULT_FILENAME names the file without .json, relative to the working directory (or --dir).",
    ]);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UserError(`${rawPath} is not valid JSON: ${parsed.error}`);
  let row: AggRow;
  try {
    row = processResult(parsed.value, env);
  } catch (e) {
    if (e instanceof ResultError)
      throw new UserError(
        `${rawPath}: ${e.message}`,
        e.details.map((d) => (d.startsWith(" ") ? d : `  ${d}`)),
      );
    throw e;
  }
  const json = JSON.stringify(row, null, 2) + "\n";
  writeFileNoFollow(outPath, json);
  return { row, json, rawPath, outPath };
}
