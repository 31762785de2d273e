/**
 * `infx` dispatcher: finds the command, parses its options, runs it, and turns
 * every failure into a message and an exit code (never a stack trace, unless
 * INFX_DEBUG=1).
 */
import { readFileSync } from "node:fs";
import { closest, formatHelp, optionsOf, parseArgs } from "./args.js";
import { UsageError, UserError, type Io } from "./io.js";
import { COMMANDS, findCommand } from "./registry.js";

export function topLevelHelp(): string {
  const lines = [
    "infx: plan, run and analyse LLM-inference benchmark sweeps",
    "",
    "Usage: infx <command> [options]     (infx <command> --help for details; infx --version)",
  ];
  for (const group of ["Plan", "Results", "Benchmark"] as const) {
    lines.push("", `${group}:`);
    for (const c of COMMANDS.filter((c) => c.group === group)) lines.push(`  ${c.name.padEnd(20)} ${c.summary}`);
  }
  lines.push(
    "",
    "Examples:",
    "  infx validate",
    "  infx full-sweep --single-node --model-prefix dsr1 --runner-type b200 --max-conc 16 --format table",
    "  infx sweep --local",
  );
  return lines.join("\n") + "\n";
}

/** The version in the package's package.json (two folders above this module, in src/ and in dist/). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Runs `infx <argv...>` against `io`; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(topLevelHelp());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`infx ${packageVersion()}\n`);
    return 0;
  }
  const entry = findCommand(name);
  if (!entry) {
    const hint = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    io.err(`infx: unknown command '${name}'${hint.length ? ` (did you mean ${hint.join(", ")}?)` : ""}\n\n${topLevelHelp()}`);
    return 2;
  }
  try {
    const mod = await entry.load();
    const args = parseArgs(mod.spec, rest);
    if (args.help) {
      io.out(formatHelp(mod.spec));
      return 0;
    }
    return await mod.run(optionsOf(mod.spec, args), io);
  } catch (e) {
    return reportError(e, name, io);
  }
}

export function reportError(e: unknown, command: string, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`infx ${command}: ${e.message}\nRun 'infx ${command} --help' for the allowed options.\n`);
    return 2;
  }
  if (e instanceof UserError) {
    io.err(`infx ${command}: ${e.message}\n${e.details.map((d) => d + "\n").join("")}`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`infx ${command}: internal error: ${err?.message ?? String(e)}\n`);
  if (io.env.INFX_DEBUG) io.err(`${err?.stack ?? ""}\n`);
  else io.err("(set INFX_DEBUG=1 for a stack trace, and please report this)\n");
  return 70;
}
