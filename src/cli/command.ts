import type { CommandSpec, ParsedArgs } from "./args.js";
import type { Io } from "./io.js";

/** What every `src/commands/<name>.ts` module exports. */
export interface CommandModule {
  spec: CommandSpec;
  /** Runs the command; resolves to the process exit code. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
