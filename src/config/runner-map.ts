/** `readRunnerMap`: runners.yaml on its own (runner key -> node labels), for the success-rate count. */
import { UserError } from "../errors.js";
import { readUserFile } from "../io/read-user-file.js";
import { planningInputsFromTexts } from "./load.js";

export type RunnerMap = Record<string, readonly string[]>;

/**
 * Reads runners.yaml (runner key → list of node labels) with the planner's
 * validating loader, so errors name the file, line and key.
 */
export function readRunnerMap(path: string): RunnerMap {
  let text: string;
  try {
    text = readUserFile(path);
  } catch (e) {
    throw new UserError(`cannot read runner config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return planningInputsFromTexts([], { file: path, text }).runners;
}
