import type { ParsedArgs } from "../cli/args.js";
import { UserError, type Io } from "../cli/io.js";

export const spec = {
  name: "export",
  summary: "(not built yet)",
  options: [],
};

export async function run(_args: ParsedArgs, _io: Io): Promise<number> {
  throw new UserError("'export' is not built yet");
}
