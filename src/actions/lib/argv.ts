/**
 * Command lines typed by people (the manual workflow's `generate-cli-command`,
 * a `/sweep` comment) split into argv without any shell: quotes group words,
 * nothing is expanded or executed. Such a line is a matrix command's options,
 * so it is read with that command's option spec into its typed options, and
 * planned by the same `plan` function the command prints.
 */
import { parseOptions, type CommandSpec, type OptionsOf } from "../../cli/args.js";
import * as fullSweep from "../../commands/full-sweep.js";
import type { MatrixPlan, PlanPlace } from "../../commands/lib/matrix-options.js";
import * as runnerModelSweep from "../../commands/runner-model-sweep.js";
import * as testConfig from "../../commands/test-config.js";
import { ActionError } from "./runtime.js";

/** A matrix command as a planner of command lines. */
export interface Generator {
  spec: CommandSpec;
  /** Checks `argv` (the options, without the command name) against the command's spec; throws UsageError. */
  check(argv: readonly string[]): void;
  /** The command's matrix for `argv`, every entry with its `id` and `name` (as with --ids). */
  plan(argv: readonly string[], place: PlanPlace): MatrixPlan;
}

function generator<S extends CommandSpec>(mod: { spec: S; plan(o: OptionsOf<S>, place: PlanPlace): MatrixPlan }): Generator {
  return {
    spec: mod.spec,
    check: (argv) => void parseOptions(mod.spec, argv),
    plan: (argv, place) => mod.plan({ ...parseOptions(mod.spec, argv), ids: true }, place),
  };
}

/** Generator commands a sweep may be planned from. */
export const GENERATORS: Record<string, Generator> = {
  "full-sweep": generator(fullSweep),
  "runner-model-sweep": generator(runnerModelSweep),
  "test-config": generator(testConfig),
};
export const GENERATOR_COMMANDS = Object.keys(GENERATORS);

/** Splits on whitespace; '...' and "..." group words; a backslash escapes the next character outside single quotes. */
export function splitCommandLine(line: string, what = "command line"): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new ActionError(`${what}: unterminated ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

/** Splits a generator command line and checks it names a generator; a leading `infx` or `generate_sweep_configs.py` is dropped. */
export function generatorArgv(line: string, what = "generate-cli-command"): string[] {
  const argv = splitCommandLine(line, what);
  while (argv.length && /(^|\/)(infx|generate_sweep_configs\.py|python3?)$/.test(argv[0]!)) argv.shift();
  const cmd = argv[0];
  if (!cmd) throw new ActionError(`${what} is empty: expected e.g. 'full-sweep --single-node --model-prefix dsr1 --runner-type b200 --max-conc 16'`);
  if (!GENERATOR_COMMANDS.includes(cmd)) {
    throw new ActionError(`${what}: '${cmd}' is not a generator command (use one of ${GENERATOR_COMMANDS.join(", ")})`);
  }
  return argv;
}
