import type { CommandSpec, OptionsOf } from "./args.js";
import type { Io } from "./io.js";

/** What every `src/commands/<name>.ts` module exports. */
export interface CommandModule<S extends CommandSpec = CommandSpec> {
  spec: S;
  /** Runs the command with its typed options (see `optionsOf`); resolves to the process exit code. */
  run(options: OptionsOf<S>, io: Io): Promise<number>;
}

/** A command whose spec is known only at run time (the registry's lazy loaders); run it through `optionsOf(mod.spec, args)`. */
// biome-ignore lint/suspicious/noExplicitAny: each module's run takes the options of its own spec
export type AnyCommandModule = { spec: CommandSpec; run(options: any, io: Io): Promise<number> };
