/**
 * Loads and validates the master configs and the runner map: the planning
 * inputs of every matrix command.
 *
 * Happy path (every planning command, every CI run): a hit in the
 * content-keyed cache (see cachedPlanningInputs), or else js-yaml parses
 * (loaded on first use, so a cache hit never loads it), and the ahead-of-time
 * compiled schema validators and the rule checks run; nothing else is loaded. Only when something is wrong is the file parsed
 * again with the `yaml` package, which knows source positions, so that every
 * error names file:line:col, the config key and the path inside it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as JsYaml from "js-yaml";
import { UserError } from "../errors.js";
import { readUserFile, type UserFileError } from "../io/read-user-file.js";
import { formatProblems, offsetOf, parseWithPositions, type ParsedWithPositions } from "./locate.js";
import type { MasterConfigEntry, RunnerMap } from "./types.js";
import { configFileDialect, decideDialect, runnerFileDialect, type Dialect } from "./dialect.js";
import type { ScenarioConfig, ScenarioInputs } from "./scenario-types.js";
import { normalizeRunnerNumbers, scenarioConfigProblems, scenarioRunnerProblems } from "./scenario-validate.js";
import { formatPath, masterConfigRuleProblems, masterConfigSchemaProblems, runnersSchemaProblems, type ConfigProblem } from "./validate.js";

export const DEFAULT_CONFIG_FILES: string[] = ["configs/nvidia-master.yaml", "configs/amd-master.yaml"];
export const DEFAULT_RUNNER_CONFIG = "configs/runners.yaml";

export interface PlanningInputs {
  /** Config key -> config, in file order then key order (the matrix order follows it). */
  configs: Map<string, MasterConfigEntry>;
  /** Runner type -> runner node labels. */
  runners: RunnerMap;
  /** Config key -> the file that defines it (as given on the command line). */
  sources: Map<string, string>;
  configFiles: string[];
  runnerConfig: string;
  /**
   * Problems that do not stop planning (a config's runner missing from the
   * runner map), as `file[:line:col]: key › path: message` lines; with
   * positions only when asked for (locating needs the slower parser).
   */
  warnings: string[];
  /** Runner types used by configs but missing from the runner map -> the config keys using them. */
  undefinedRunners: Map<string, string[]>;
  /** The config dialect of the file set (src/config/dialect.ts); decides the planning rules. */
  dialect: Dialect;
  /** 2026-08 dialect only: the `scenarios` configs and the labels/hardware runner map (`configs` is then empty, `runners` holds the labels). */
  scenario?: ScenarioInputs;
}

export interface LoadOptions {
  /** Give warnings file:line:col positions (parses the files a second time when there are any). */
  locateWarnings?: boolean;
}

/** A config file's name (as shown in messages) and its text. */
export interface SourceText {
  file: string;
  text: string;
}

interface ParsedFile {
  file: string;
  text: string;
  data: unknown;
  /** Present when the file had to be parsed with positions. */
  positions?: ParsedWithPositions;
  syntaxErrors: string[];
}

const require = createRequire(import.meta.url);
let jsYaml: typeof JsYaml | undefined;
let yamlSchema: JsYaml.Schema | undefined;
/** js-yaml's core schema plus merge keys (`<<`), which the reference's PyYAML reads (the position-aware parser runs with `merge: true`). */
function loadYaml(text: string): unknown {
  jsYaml ??= require("js-yaml") as typeof JsYaml;
  yamlSchema ??= jsYaml.CORE_SCHEMA.withTags(jsYaml.mergeTag);
  return jsYaml.load(text, { schema: yamlSchema });
}

function parseFile(src: SourceText): ParsedFile {
  try {
    return { ...src, data: loadYaml(src.text), syntaxErrors: [] };
  } catch {
    // js-yaml refused it: let the position-aware parser explain (or accept) it.
    const positions = parseWithPositions(src.text, src.file);
    if (positions.syntaxErrors.length) return { ...src, data: undefined, positions, syntaxErrors: positions.syntaxErrors };
    try {
      return { ...src, data: positions.doc.toJS({ maxAliasCount: 10_000 }), positions, syntaxErrors: [] };
    } catch (e) {
      return { ...src, data: undefined, positions, syntaxErrors: [`${src.file}:1:1: YAML error: ${(e as Error).message}`] };
    }
  }
}

function positionsOf(p: ParsedFile): ParsedWithPositions {
  return (p.positions ??= parseWithPositions(p.text, p.file));
}

function located(p: ParsedFile, problems: ConfigProblem[]): string[] {
  return problems.length ? formatProblems(problems, positionsOf(p), p.file) : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates config and runner-map texts and builds the planning inputs.
 * Pure (no file system): the fuzz tests drive it directly.
 * Throws UserError listing every problem of every file.
 */
export function planningInputsFromTexts(configs: SourceText[], runnerSource: SourceText, opts: LoadOptions = {}): PlanningInputs {
  const runnersParsed = parseFile(runnerSource);
  const parsedConfigs = configs.map(parseFile);
  const runnerDialect = runnerFileDialect(runnersParsed.data);
  const dialect = decideDialect([
    {
      file: runnerSource.file,
      dialect: runnerDialect,
      why: runnerDialect === "2026-08" ? "a labels: runner map" : "a flat runner map",
      where: () => whereIs(runnersParsed, runnerDialect === "2026-08" ? "labels" : undefined),
    },
    ...parsedConfigs.map((p) => {
      const d = configFileDialect(p.data);
      const field = d === "2026-08" ? "scenarios" : "seq-len-configs";
      return { file: p.file, dialect: d, why: field, where: () => whereIs(p, field) };
    }),
  ]);
  if (dialect === "2026-08") return scenarioInputsFromParsed(parsedConfigs, runnersParsed, opts);
  const errors: string[] = [];
  const warnings: string[] = [];
  const undefinedRunners = new Map<string, string[]>();
  errors.push(...runnersParsed.syntaxErrors);
  let runnerData: unknown = runnersParsed.data ?? {};
  if (runnersParsed.syntaxErrors.length === 0) {
    if (runnerData === null || runnerData === undefined) runnerData = {};
    errors.push(...located(runnersParsed, runnersSchemaProblems(runnerData)));
  }
  const runnersForRules = runnersParsed.syntaxErrors.length === 0 && isRecord(runnerData) ? runnerData : undefined;

  const result = new Map<string, MasterConfigEntry>();
  const sources = new Map<string, string>();
  const firstDefinition = new Map<string, ParsedFile>();
  for (const parsed of parsedConfigs) {
    const src = parsed;
    if (parsed.syntaxErrors.length) {
      errors.push(...parsed.syntaxErrors);
      continue;
    }
    const data = parsed.data === null || parsed.data === undefined ? {} : parsed.data;
    const rules = masterConfigRuleProblems(data, runnersForRules, runnerSource.file);
    const problems = [...masterConfigSchemaProblems(data), ...rules.filter((p) => p.severity !== "warning")];
    const warned = rules.filter((p) => p.severity === "warning");
    for (const w of warned) {
      const key = String(w.path[0]);
      const runner = isRecord(data) && isRecord(data[key]) ? String(data[key].runner) : "";
      undefinedRunners.set(runner, [...(undefinedRunners.get(runner) ?? []), key]);
    }
    if (warned.length)
      warnings.push(...(opts.locateWarnings ? located(parsed, warned) : warned.map((w) => `${src.file}: ${formatPath(w.path)}: ${w.message}`)));
    if (isRecord(data))
      problems.push(
        ...claimKeys(parsed, data, firstDefinition, (key) => {
          result.set(key, data[key] as MasterConfigEntry);
          sources.set(key, src.file);
        }),
      );
    errors.push(...located(parsed, problems));
  }
  throwProblems(errors);
  return {
    configs: result,
    runners: runnerData as RunnerMap,
    sources,
    configFiles: configs.map((c) => c.file),
    runnerConfig: runnerSource.file,
    warnings,
    undefinedRunners,
    dialect,
  };
}

/** `file:line:col` of the first top-level key (or of `field` inside the first entry having it), for the dialect-mix message. */
function whereIs(p: ParsedFile, field: string | undefined): string {
  const data = isRecord(p.data) ? p.data : {};
  const key = Object.keys(data).find((k) => field === undefined || k === field || (isRecord(data[k]) && field in (data[k] as Record<string, unknown>)));
  if (key === undefined) return `${p.file}:1:1`;
  const path = key === field || field === undefined ? [key] : [key, field];
  try {
    const pos = positionsOf(p).lineCounter.linePos(offsetOf(positionsOf(p), path, true));
    return `${p.file}:${pos.line}:${pos.col}`;
  } catch {
    return `${p.file}:1:1`;
  }
}

/** Registers a file's config keys; a key defined by an earlier file is a problem pointing at both. */
function claimKeys(parsed: ParsedFile, data: Record<string, unknown>, firstDefinition: Map<string, ParsedFile>, claim: (key: string) => void): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(data)) {
    const first = firstDefinition.get(key);
    if (first) {
      const pos = positionsOf(first).lineCounter.linePos(offsetOf(positionsOf(first), [key], true));
      problems.push({
        path: [key],
        locate: [key],
        atKey: true,
        message: `config key '${key}' is already defined in ${first.file}:${pos.line}:${pos.col} (keys must be unique across config files)`,
      });
    } else {
      firstDefinition.set(key, parsed);
      claim(key);
    }
  }
  return problems;
}

function throwProblems(errors: string[]): void {
  if (!errors.length) return;
  const files = new Set(errors.map((e) => e.split(":")[0]));
  throw new UserError(`${errors.length} problem${errors.length === 1 ? "" : "s"} in ${[...files].join(", ")}:`, errors);
}

/**
 * The 2026-08 dialect's planning inputs: `scenarios` configs validated by
 * src/config/scenario-validate.ts against a `{labels, hardware}` runner map
 * (whose `2_063_837` numbers are read as integers, as YAML 1.1 does).
 */
function scenarioInputsFromParsed(parsedConfigs: ParsedFile[], runnersParsed: ParsedFile, opts: LoadOptions): PlanningInputs {
  const errors: string[] = [...runnersParsed.syntaxErrors];
  const warnings: string[] = [];
  let runnerData: unknown = runnersParsed.data ?? {};
  if (!runnersParsed.syntaxErrors.length) {
    runnerData = normalizeRunnerNumbers(runnerData);
    errors.push(...located(runnersParsed, scenarioRunnerProblems(runnerData)));
  }
  const runnersOk =
    !runnersParsed.syntaxErrors.length && isRecord(runnerData) && isRecord(runnerData.labels)
      ? (runnerData as unknown as ScenarioInputs["runners"])
      : undefined;
  const configs = new Map<string, ScenarioConfig>();
  const sources = new Map<string, string>();
  const firstDefinition = new Map<string, ParsedFile>();
  for (const parsed of parsedConfigs) {
    if (parsed.syntaxErrors.length) {
      errors.push(...parsed.syntaxErrors);
      continue;
    }
    const data = parsed.data === null || parsed.data === undefined ? {} : parsed.data;
    const all = scenarioConfigProblems(data, runnersOk, runnersParsed.file);
    const problems = all.filter((p) => p.severity !== "warning");
    const warned = all.filter((p) => p.severity === "warning");
    if (warned.length)
      warnings.push(...(opts.locateWarnings ? located(parsed, warned) : warned.map((w) => `${parsed.file}: ${formatPath(w.path)}: ${w.message}`)));
    if (isRecord(data))
      problems.push(
        ...claimKeys(parsed, data, firstDefinition, (key) => {
          configs.set(key, data[key] as ScenarioConfig);
          sources.set(key, parsed.file);
        }),
      );
    errors.push(...located(parsed, problems));
  }
  throwProblems(errors);
  const runners = runnersOk!;
  return {
    configs: new Map(),
    runners: runners.labels,
    sources,
    configFiles: parsedConfigs.map((c) => c.file),
    runnerConfig: runnersParsed.file,
    warnings,
    undefinedRunners: new Map(),
    dialect: "2026-08",
    scenario: { configs, runners },
  };
}

/**
 * Validated planning inputs cached by content: the key is a hash of every
 * file's name and text, the options, and the validator code, so any edit (or
 * a new schema) misses. A hit skips parsing and validation (about 4/5 of a
 * cold `infx full-sweep`). Off with INFX_NO_CACHE=1; the directory is
 * $INFX_CACHE_DIR or node_modules/.cache/infx of this package. Cache problems
 * never fail a command: they only cost the cache.
 */
export interface CacheOptions {
  cacheDir?: string;
  noCache?: boolean;
}

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CACHE_FORMAT = "planning-inputs-v2";
const CACHE_MAX_FILES = 32;

let codeFingerprint: string | undefined;
/** Changes whenever the validation code changes (the compiled validators and this module). */
function validatorFingerprint(): string {
  if (codeFingerprint) return codeFingerprint;
  const h = createHash("sha256").update(CACHE_FORMAT);
  // .js when running the build, .ts when running the sources (tests, development)
  for (const base of ["generated/validators", "validate", "load", "types", "dialect", "scenario-validate", "generated/scenario-validators"])
    for (const ext of [".js", ".ts"]) {
      try {
        const st = statSync(fileURLToPath(new URL(base + ext, import.meta.url)));
        h.update(`${base}${ext}:${st.size}:${st.mtimeMs}`);
      } catch {
        h.update(`${base}${ext}:-`);
      }
    }
  return (codeFingerprint = h.digest("hex"));
}

function cacheKey(configs: SourceText[], runners: SourceText, opts: LoadOptions): string {
  const h = createHash("sha256")
    .update(validatorFingerprint())
    .update(JSON.stringify({ w: Boolean(opts.locateWarnings) }));
  for (const s of [runners, ...configs]) h.update(`\0${s.file}\0${s.text.length}\0`).update(s.text);
  return h.digest("hex").slice(0, 40);
}

interface CachedInputs {
  configs: [string, MasterConfigEntry][];
  runners: RunnerMap;
  sources: [string, string][];
  configFiles: string[];
  runnerConfig: string;
  warnings: string[];
  undefinedRunners: [string, string[]][];
  dialect: Dialect;
  scenario?: { configs: [string, ScenarioConfig][]; runners: ScenarioInputs["runners"] };
}

function readCache(dir: string, key: string): PlanningInputs | undefined {
  try {
    const c = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")) as CachedInputs;
    return {
      configs: new Map(c.configs),
      runners: c.runners,
      sources: new Map(c.sources),
      configFiles: c.configFiles,
      runnerConfig: c.runnerConfig,
      warnings: c.warnings,
      undefinedRunners: new Map(c.undefinedRunners),
      dialect: c.dialect ?? "2026-02",
      scenario: c.scenario && { configs: new Map(c.scenario.configs), runners: c.scenario.runners },
    };
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, key: string, inputs: PlanningInputs): void {
  try {
    mkdirSync(dir, { recursive: true });
    const c: CachedInputs = {
      configs: [...inputs.configs],
      runners: inputs.runners,
      sources: [...inputs.sources],
      configFiles: inputs.configFiles,
      runnerConfig: inputs.runnerConfig,
      warnings: inputs.warnings,
      undefinedRunners: [...inputs.undefinedRunners],
      dialect: inputs.dialect,
      scenario: inputs.scenario && { configs: [...inputs.scenario.configs], runners: inputs.scenario.runners },
    };
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(c));
    renameSync(tmp, join(dir, `${key}.json`));
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    if (files.length > CACHE_MAX_FILES) {
      const byAge = files.map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
      for (const { f } of byAge.slice(0, files.length - CACHE_MAX_FILES)) unlinkSync(join(dir, f));
    }
  } catch {
    // read-only install, full disk, a concurrent writer: planning goes on uncached
  }
}

/** planningInputsFromTexts through the content-keyed cache. */
export function cachedPlanningInputs(configs: SourceText[], runners: SourceText, opts: LoadOptions & CacheOptions = {}): PlanningInputs {
  if (opts.noCache) return planningInputsFromTexts(configs, runners, opts);
  const dir = opts.cacheDir ?? join(PACKAGE_ROOT, "node_modules/.cache/infx");
  const key = cacheKey(configs, runners, opts);
  const hit = readCache(dir, key);
  if (hit) return hit;
  const inputs = planningInputsFromTexts(configs, runners, opts);
  writeCache(dir, key, inputs);
  return inputs;
}

function readSource(file: string, cwd: string): SourceText {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  try {
    return { file, text: readUserFile(path) };
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`cannot read ${file}: ${(e as UserFileError).reason}`);
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : ((e as Error).message ?? String(e));
    throw new UserError(`cannot read ${file}: ${why}`);
  }
}

/**
 * Reads, validates and returns the planning inputs. Relative paths resolve
 * against `opts.cwd` (default: the process's working directory) and appear in
 * messages as given. Throws UserError listing every problem.
 */
export function loadPlanningInputs(configFiles: string[], runnerConfig: string, opts: LoadOptions & CacheOptions & { cwd?: string } = {}): PlanningInputs {
  const cwd = opts.cwd ?? process.cwd();
  const missing: string[] = [];
  const read = (f: string): SourceText | undefined => {
    try {
      return readSource(f, cwd);
    } catch (e) {
      missing.push((e as Error).message);
      return undefined;
    }
  };
  const runnerSource = read(runnerConfig);
  const configSources = configFiles.map(read);
  if (missing.length) throw new UserError(missing.length === 1 ? missing[0]! : `cannot read ${missing.length} files:`, missing.length === 1 ? [] : missing);
  return cachedPlanningInputs(configSources as SourceText[], runnerSource!, opts);
}
