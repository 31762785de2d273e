import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { readUserFile } from "../io/read-user-file.js";
import { defineSpec, type OptionsOf } from "../cli/args.js";
import { UsageError, UserError, type Io } from "../cli/io.js";
import { resolveConfigKeys } from "../changelog/keys.js";
import { parseChangelog, readChangelogDocument } from "../changelog/parse.js";
import { DEFAULT_CONFIG_FILES, DEFAULT_RUNNER_CONFIG, loadPlanningInputs, type PlanningInputs } from "../config/load.js";
import { describeDialect, type Dialect } from "../config/dialect.js";
import { missingLaunchScripts } from "../config/launch-scripts.js";
import { changelogKeyRegExp } from "../changelog/scenario-plan.js";
import { validateScenarioChangelogEntry } from "../changelog/scenario-entry.js";

export const DEFAULT_CHANGELOG = "perf-changelog.yaml";

export const spec = defineSpec({
  name: "validate",
  summary: "Check every config, the runner map and perf-changelog.yaml",
  description: `
Validates the master configs against schemas/master-config.schema.json and the
rules a schema cannot say (conc-start <= conc-end; conc-start/conc-end or
conc-list, not both; no '*' in config keys; no key in two files), the runner
map against schemas/runners.schema.json, and perf-changelog.yaml. Every
problem of every file is reported as file:line:col: key › path: message.

Every node of the runner map needs its cluster's launch script
(runners/launch_<cluster>.sh, cluster = node name before the first '_',
executable) in --runners-dir (default: the runners/ folder beside the runner
map's folder, e.g. runners/ for configs/runners.yaml; checked when it exists).
Warnings (errors with --strict): a config whose runner is not a runner type
of the runner map (its jobs would wait for a runner label nobody may have),
and a changelog config key or pattern that matches no config (old entries may
name configs that were removed since).

With a DIR argument, the configs are DIR/*.yaml except DIR/runners.yaml (the
runner map) and the changelog is the first perf-changelog.yaml found in DIR or
its parent, e.g. 'infx validate ../shared/reference/inferencex-2026-02/configs/'.

Exit status: 0 when valid (one summary line on stdout), 1 with every problem.`,
  positionals: [{ name: "dir", help: "A directory holding master configs and runners.yaml (instead of the file options)" }],
  options: [
    { name: "config-files", kind: "string", multiple: true, metavar: "FILE", help: `Master config files (default: ${DEFAULT_CONFIG_FILES.join(" ")})` },
    { name: "runner-config", kind: "string", metavar: "FILE", help: `Runner map (default: ${DEFAULT_RUNNER_CONFIG})` },
    { name: "changelog", kind: "string", metavar: "FILE", help: `Changelog to check (default: ${DEFAULT_CHANGELOG})` },
    { name: "no-changelog", kind: "flag", help: "Do not check a changelog" },
    {
      name: "runners-dir",
      kind: "string",
      metavar: "DIR",
      help: "Directory of the launch scripts to check against the runner map (default: runners/ beside the map's folder, when it exists)",
    },
    { name: "strict", kind: "flag", help: "Treat warnings (e.g. a runner missing from the runner map) as errors" },
  ],
  exclusive: [{ names: ["changelog", "no-changelog"] }],
  examples: [
    "infx validate",
    "infx validate ../shared/reference/inferencex-2026-02/configs/",
    "infx validate --config-files configs/nvidia-master.yaml --runner-config configs/runners.yaml --strict",
  ],
});

export type ValidateOptions = OptionsOf<typeof spec>;

interface Targets {
  configFiles: string[];
  runnerConfig: string;
  changelog?: string;
}

function targetsFromDir(dir: string, io: Io): Targets {
  const abs = isAbsolute(dir) ? dir : resolve(io.cwd, dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`'${dir}' is not a directory`);
  const shown = (f: string) => {
    const r = relative(io.cwd, f);
    return r.startsWith("..") && isAbsolute(dir) ? f : r || ".";
  };
  const yamls = readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const runner = yamls.find((f) => /^runners\.ya?ml$/.test(f));
  if (!runner) throw new UserError(`${dir}: no runners.yaml in this directory`);
  const configs = yamls.filter((f) => f !== runner && !/^perf-changelog\.ya?ml$/.test(f));
  if (!configs.length) throw new UserError(`${dir}: no master config (*.yaml) in this directory`);
  const changelog = [join(abs, DEFAULT_CHANGELOG), join(dirname(abs), DEFAULT_CHANGELOG)].find((f) => existsSync(f));
  return { configFiles: configs.map((f) => shown(join(abs, f))), runnerConfig: shown(join(abs, runner)), changelog: changelog && shown(changelog) };
}

/** 2026-08 changelogs: `*` is the only wildcard ('?' is literal), as in `infx changelog`. */
function scenarioUnmatched(keys: string[], configKeys: string[]): { message: string }[] {
  return keys
    .filter((k) => (k.includes("*") ? !configKeys.some((c) => changelogKeyRegExp(k).test(c)) : !configKeys.includes(k)))
    .map((k) => ({ message: k.includes("*") ? `the pattern '${k}' matches no config key` : `config key '${k}' is not defined in the master configs` }));
}

/** One line for the summary: how many configs of which kind, in which dialect. */
function inputsSummary(inputs: PlanningInputs, files: number): string {
  const where = `in ${files} file${files === 1 ? "" : "s"}`;
  if (inputs.scenario) {
    const cfgs = [...inputs.scenario.configs.values()];
    const single = cfgs.filter((c) => !c.multinode).length;
    const agentic = cfgs.filter((c) => c.scenarios["agentic-coding"]?.length).length;
    const hw = Object.keys(inputs.scenario.runners.hardware ?? {}).length;
    return `${cfgs.length} configs (${single} single-node, ${cfgs.length - single} multi-node; ${agentic} with agentic-coding) ${where}, ${Object.keys(inputs.runners).length} runner labels (${hw} with hardware)`;
  }
  const single = [...inputs.configs.values()].filter((c) => !c.multinode).length;
  return `${inputs.configs.size} configs (${single} single-node, ${inputs.configs.size - single} multi-node) ${where}, ${Object.keys(inputs.runners).length} runner types`;
}

/** Changelog config keys and patterns that match no config, located at their entry. */
async function changelogKeyWarnings(text: string, file: string, configKeys: string[], dialect: Dialect = "2026-02"): Promise<string[]> {
  const out: string[] = [];
  for (const item of readChangelogDocument(text, file).items) {
    const keys = (item.value as { "config-keys"?: unknown })["config-keys"];
    if (!Array.isArray(keys)) continue;
    const { unmatched } =
      dialect === "2026-08" ? { unmatched: scenarioUnmatched(keys.map(String), configKeys) } : await resolveConfigKeys(keys.map(String), configKeys);
    const pos = item.fields.get("config-keys") ?? { line: item.line, column: item.column };
    for (const u of unmatched) out.push(`${file}:${pos.line}:${pos.column}: entry ${item.number} › config-keys: ${u.message}`);
  }
  return out;
}

/** A whole 2026-08 changelog checked entry by entry (every problem of every entry). */
function parseScenarioChangelog(text: string, file: string): unknown[] {
  const entries: unknown[] = [];
  const errors: string[] = [];
  for (const item of readChangelogDocument(text, file).items) {
    const r = validateScenarioChangelogEntry(item, file);
    if (r.entry) entries.push(r.entry);
    else errors.push(...r.errors);
  }
  if (errors.length) throw new UserError(`${file}: ${errors.length} problem${errors.length === 1 ? "" : "s"} in the changelog`, errors);
  return entries;
}

export async function run(o: ValidateOptions, io: Io): Promise<number> {
  const dir = o.dir;
  let t: Targets;
  if (dir) {
    if (o.configFiles || o.runnerConfig) throw new UsageError("give either a DIR or --config-files/--runner-config, not both");
    t = targetsFromDir(dir, io);
  } else {
    t = {
      configFiles: o.configFiles ?? DEFAULT_CONFIG_FILES,
      runnerConfig: o.runnerConfig ?? DEFAULT_RUNNER_CONFIG,
      changelog: DEFAULT_CHANGELOG,
    };
  }
  if (o.changelog) t.changelog = o.changelog;
  if (o.noChangelog) t.changelog = undefined;

  const errors: string[] = [];
  let summary = "";
  let warnings: string[] = [];
  let configKeys: string[] | undefined;
  let dialect: Dialect | undefined;
  try {
    const inputs = loadPlanningInputs(t.configFiles, t.runnerConfig, { cwd: io.cwd, locateWarnings: true, noCache: true });
    warnings = inputs.warnings;
    dialect = inputs.dialect;
    // Launch scripts: --runners-dir, else runners/ beside the runner map's folder (configs/runners.yaml -> runners/).
    const mapDir = dirname(isAbsolute(t.runnerConfig) ? t.runnerConfig : resolve(io.cwd, t.runnerConfig));
    const runnersDir = o.runnersDir ?? relative(io.cwd, join(dirname(mapDir), "runners"));
    const absRunners = isAbsolute(runnersDir) ? runnersDir : resolve(io.cwd, runnersDir);
    if (o.runnersDir !== undefined && !existsSync(absRunners)) errors.push(`--runners-dir ${runnersDir}: no such directory`);
    else if (existsSync(absRunners)) errors.push(...missingLaunchScripts(inputs.runners, absRunners, runnersDir || ".").map((m) => `${t.runnerConfig}: ${m}`));
    configKeys = [...(inputs.scenario?.configs ?? inputs.configs).keys()];
    summary = inputsSummary(inputs, t.configFiles.length);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    errors.push(...(e.details.length ? e.details : [e.message]));
  }
  if (t.changelog) {
    const path = isAbsolute(t.changelog) ? t.changelog : resolve(io.cwd, t.changelog);
    let text: string | undefined;
    try {
      text = readUserFile(path);
    } catch (e) {
      errors.push(
        `${t.changelog}: cannot read the changelog: ${(e as { code?: string }).code ?? (e as Error).message} (give --changelog FILE, or --no-changelog)`,
      );
    }
    if (text !== undefined) {
      try {
        const entries = dialect === "2026-08" ? parseScenarioChangelog(text, t.changelog) : parseChangelog(text, t.changelog);
        summary += `, ${entries.length} changelog entr${entries.length === 1 ? "y" : "ies"} in ${basename(t.changelog)}`;
        if (configKeys) warnings.push(...(await changelogKeyWarnings(text, t.changelog, configKeys, dialect)));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        errors.push(...(e.details.length ? e.details : [e.message]));
      }
    }
  }
  const strict = o.strict;
  for (const w of warnings) io.err(`${strict ? "error" : "warning"}: ${w}\n`);
  const count = errors.length + (strict ? warnings.length : 0);
  if (count) throw new UserError(`${count} problem${count === 1 ? "" : "s"} found`, errors);
  io.out(
    `ok: ${summary}${dialect ? `; ${describeDialect(dialect)}` : ""}${warnings.length ? `; ${warnings.length} warning${warnings.length === 1 ? "" : "s"} (see stderr)` : ""}\n`,
  );
  return 0;
}
