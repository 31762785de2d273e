/**
 * bench step: `infx bench <args>` (the load generator) with the job's
 * environment. The input is an `infx bench` command line, so this action runs
 * the command itself (parse, run, exit code) with an Io bound to the job's log.
 */
import { formatHelp, optionsOf, parseArgs } from "../../cli/args.js";
import type { AnyCommandModule } from "../../cli/command.js";
import { UsageError, UserError, type Io } from "../../cli/io.js";
import { splitCommandLine } from "./argv.js";
import { ActionError, input, type ActionDeps } from "./runtime.js";

export async function runBench(deps: ActionDeps): Promise<void> {
  const args = splitCommandLine(input(deps, "args", { required: true }), "input 'args'");
  // (imported here: the load generator brings undici, which the other actions do not load)
  const benchCommand = await import("../../commands/bench.js");
  const { code, stdout } = await infx(deps, benchCommand, args);
  if (stdout.trim()) for (const line of stdout.trimEnd().split("\n")) deps.core.info(line);
  deps.core.setOutput("exit-code", String(code));
}

/** Runs the command `mod` (`infx bench`) with `argv` in this process, as `infx` would; stdout is returned, stderr goes to the log. Fails the step on a non-zero exit. */
async function infx(
  deps: ActionDeps,
  mod: AnyCommandModule,
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; allowExit?: number[] } = {},
): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd: opts.cwd ?? deps.cwd,
    env: opts.env ?? deps.env,
    isTTY: false,
  };
  const name = mod.spec.name;
  deps.core.info(`infx ${[name, ...argv].map(shellQuote).join(" ")}`);
  let code: number;
  try {
    const args = parseArgs(mod.spec, argv);
    if (args.help) {
      io.out(formatHelp(mod.spec));
      code = 0;
    } else code = await mod.run(optionsOf(mod.spec, args), io);
  } catch (e) {
    if (e instanceof UsageError) {
      err.push(`infx ${name}: ${e.message}\n`);
      code = 2;
    } else if (e instanceof UserError) {
      err.push(`infx ${name}: ${e.message}\n${e.details.map((d) => d + "\n").join("")}`);
      code = e.exitCode;
    } else throw e;
  }
  const stderr = err.join("");
  if (stderr.trim()) for (const line of stderr.trimEnd().split("\n")) deps.core.info(line);
  if (code !== 0 && !(opts.allowExit ?? []).includes(code)) {
    throw new ActionError(
      `infx ${name} failed (exit ${code})${
        stderr.trim()
          ? `: ${stderr
              .trim()
              .split("\n")[0]!
              .replace(/^infx [\w-]+: /, "")}`
          : ""
      }`,
    );
  }
  return { code, stdout: out.join("") };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
