/**
 * Config validation rules. Two layers:
 *  1. the JSON Schemas in schemas/ (compiled ahead of time by ajv into
 *     src/config/generated/validators.ts), whose errors are translated here
 *     into plain sentences with "did you mean" hints;
 *  2. rules a schema cannot say well: the shape of the concurrency fields,
 *     `conc-start <= conc-end`, no `*` in config keys, every `runner` defined
 *     in the runner map.
 * Every rule reports a `ConfigProblem` (a path inside the file and a message);
 * src/config/locate.ts turns paths into file:line:col.
 */
import { closest } from "../errors.js";
import { SCHEMA_FIELDS, validateMasterConfigSchema, validateRunnersSchema } from "./generated/validators.js";

export type PathSegment = string | number;

export interface ConfigProblem {
  /** Where the problem is, e.g. ["dsr1-fp8-b200-sglang", "seq-len-configs", 0, "search-space", 2]. */
  path: PathSegment[];
  message: string;
  /** The node to point at, when not `path` itself (e.g. the offending field). */
  locate?: PathSegment[];
  /** Point at the key of the last segment of `locate` rather than its value. */
  atKey?: boolean;
  /** Warnings do not stop planning (`infx validate --strict` makes them errors). */
  severity?: "warning";
}

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}
export type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const masterValidator = validateMasterConfigSchema as unknown as Validator;
const runnersValidator = validateRunnersSchema as unknown as Validator;

/** Hints for fields of other layouts people are likely to paste in. */
const FIELD_HINTS: Record<string, string> = {
  scenarios: "'scenarios' is the 2026-08 layout and this file set is read as 2026-02 (seq-len-configs); write every config of the run in one layout",
  router: "router settings belong to the 2026-08 layout (scenarios), not to seq-len-configs files",
  "kv-p2p-transfer": "kv-p2p-transfer belongs to the 2026-08 layout (scenarios), not to seq-len-configs files",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `'${v.length > 40 ? v.slice(0, 40) + "…" : v}' (a string)`;
  if (typeof v === "number") return Number.isInteger(v) ? `${v}` : `${v} (not a whole number)`;
  return `${String(v)} (a ${typeof v})`;
}

const TYPE_WORDS: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of fields",
};

export function decodePointer(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

/** The fields allowed at `path` in a master config, for "did you mean". */
function allowedFieldsAt(data: unknown, path: PathSegment[]): string[] {
  switch (path.length) {
    case 1:
      return SCHEMA_FIELDS.configEntry;
    case 3:
      return SCHEMA_FIELDS.seqLenConfig;
    case 5: {
      const entry = valueAt(data, path.slice(0, 1));
      return isRecord(entry) && entry.multinode === true ? SCHEMA_FIELDS.multiNodeSearchSpace : SCHEMA_FIELDS.singleNodeSearchSpace;
    }
    case 6:
      return SCHEMA_FIELDS.workerBlock;
    default:
      return [];
  }
}

function unknownFieldMessage(field: string, allowed: string[]): string {
  const hint = FIELD_HINTS[field];
  const near = closest(field, allowed, 1);
  let msg = `unknown field '${field}'`;
  if (near.length) msg += ` (did you mean '${near[0]}'?)`;
  else if (hint) msg += ` (${hint})`;
  else if (allowed.length) msg += ` (allowed: ${allowed.join(", ")})`;
  return msg;
}

/** Translates ajv errors into problems; drops the ones the rule layer words better. */
export function translateAjvErrors(errors: AjvError[], data: unknown, fieldsAt: (path: PathSegment[]) => string[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // Concurrency shape (oneOf/not/anyOf) and the multinode switch (if/const)
    // are reported by checkConcurrencyShape with a clearer sentence.
    if (/\/(oneOf|anyOf|not|if)(\/|$)/.test(e.schemaPath) || ["oneOf", "anyOf", "not", "if", "propertyNames"].includes(e.keyword)) continue;
    if (e.schemaPath.includes("/propertyNames/") || "propertyName" in e) continue; // key patterns: checkConfigKey
    const path = decodePointer(e.instancePath, data);
    const value = valueAt(data, path);
    let p: ConfigProblem;
    switch (e.keyword) {
      case "required": {
        const missing = String(e.params.missingProperty);
        p = { path, message: `missing required field '${missing}'` };
        break;
      }
      case "additionalProperties": {
        const field = String(e.params.additionalProperty);
        p = { path, message: unknownFieldMessage(field, fieldsAt(path)), locate: [...path, field], atKey: true };
        break;
      }
      case "type": {
        const t = String(e.params.type);
        p = { path, message: `must be ${TYPE_WORDS[t] ?? t}, got ${describeValue(value)}` };
        break;
      }
      case "minimum":
        p = { path, message: `must be at least ${String(e.params.limit)}, got ${describeValue(value)}` };
        break;
      case "maximum":
        p = { path, message: `must be at most ${String(e.params.limit)}, got ${describeValue(value)}` };
        break;
      case "enum": {
        const allowed = (e.params.allowedValues as unknown[]).map(String);
        const near = typeof value === "string" ? closest(value, allowed, 1) : [];
        p = {
          path,
          message: `must be one of ${allowed.join(", ")}, got ${describeValue(value)}` + (near.length ? ` (did you mean '${near[0]}'?)` : ""),
        };
        break;
      }
      case "pattern":
        p = { path, message: `must not be empty` };
        break;
      case "minItems":
        p = { path, message: `must list at least ${String(e.params.limit)} item${e.params.limit === 1 ? "" : "s"}` };
        break;
      default:
        p = { path, message: `invalid (${e.keyword})` };
    }
    const k = JSON.stringify([p.path, p.message]);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}

/** Schema rules for one master config file. */
export function masterConfigSchemaProblems(data: unknown): ConfigProblem[] {
  if (masterValidator(data)) return [];
  if (!isRecord(data)) return [{ path: [], message: `a master config must be a mapping from config key to config, got ${describeValue(data)}` }];
  return translateAjvErrors(masterValidator.errors ?? [], data, (path) => allowedFieldsAt(data, path));
}

/** Rules the schema cannot express, for one master config file. */
export function masterConfigRuleProblems(data: unknown, runners: Record<string, unknown> | undefined, runnerFile: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (!isRecord(data)) return out;
  for (const [key, entry] of Object.entries(data)) {
    out.push(...checkConfigKey(key));
    if (!isRecord(entry)) continue;
    if (runners && typeof entry.runner === "string" && !Object.hasOwn(runners, entry.runner)) {
      out.push(checkRunnerDefined(key, entry.runner, runners, runnerFile));
    }
    const slcs = entry["seq-len-configs"];
    if (!Array.isArray(slcs)) continue;
    slcs.forEach((slc, i) => {
      if (!isRecord(slc) || !Array.isArray(slc["search-space"])) return;
      (slc["search-space"] as unknown[]).forEach((ss, j) => {
        if (isRecord(ss)) out.push(...checkConcurrencyShape(ss, [key, "seq-len-configs", i, "search-space", j]));
      });
    });
  }
  return out;
}

/** Config keys are matched by the changelog, where `*` is a wildcard. */
export function checkConfigKey(key: string): ConfigProblem[] {
  if (key.includes("*"))
    return [{ path: [key], message: `config key '${key}' may not contain '*' (perf-changelog.yaml uses '*' as a wildcard)`, locate: [key], atKey: true }];
  if (!key.trim()) return [{ path: [key], message: `config key may not be empty`, locate: [key], atKey: true }];
  return [];
}

/** Every config's runner must be a runner type of the runner map. */
export function checkRunnerDefined(key: string, runner: string, runners: Record<string, unknown>, runnerFile: string): ConfigProblem {
  const near = closest(runner, Object.keys(runners), 1);
  return {
    path: [key, "runner"],
    severity: "warning",
    message:
      `runner '${runner}' is not defined in ${runnerFile}, so its jobs wait for a runner label nobody may have` +
      (near.length ? ` (did you mean '${near[0]}'?)` : ` (defined: ${Object.keys(runners).join(", ")})`),
  };
}

/** conc-start and conc-end together, or conc-list, never both; conc-start <= conc-end. */
export function checkConcurrencyShape(ss: Record<string, unknown>, path: PathSegment[]): ConfigProblem[] {
  const hasStart = "conc-start" in ss;
  const hasEnd = "conc-end" in ss;
  const hasList = "conc-list" in ss;
  if (hasList && (hasStart || hasEnd))
    return [{ path, message: `give either conc-start and conc-end, or conc-list, not both`, locate: [...path, "conc-list"], atKey: true }];
  if (!hasList && !hasStart && !hasEnd) return [{ path, message: `missing concurrencies: give conc-start and conc-end, or conc-list` }];
  if (!hasList && hasStart !== hasEnd)
    return [
      {
        path,
        message: hasStart ? `conc-start needs a conc-end` : `conc-end needs a conc-start`,
        locate: [...path, hasStart ? "conc-start" : "conc-end"],
        atKey: true,
      },
    ];
  const start = ss["conc-start"];
  const end = ss["conc-end"];
  if (typeof start === "number" && typeof end === "number" && start > end)
    return [{ path, message: `conc-start (${start}) is greater than conc-end (${end})` }];
  return [];
}

/** Schema rules for the runner map. */
export function runnersSchemaProblems(data: unknown): ConfigProblem[] {
  if (runnersValidator(data)) return [];
  if (!isRecord(data))
    return [{ path: [], message: `the runner map must be a mapping from runner type to a list of runner node labels, got ${describeValue(data)}` }];
  const problems = translateAjvErrors(runnersValidator.errors ?? [], data, () => []);
  return problems.map((p) => {
    if (p.path.length === 1 && isRecord(data[String(p.path[0])]) && p.message.startsWith("must be a list"))
      return {
        ...p,
        message:
          p.message +
          (p.path[0] === "labels"
            ? " (a top-level 'labels:' map is the newer InferenceX runner layout, which is not supported: list runner types at the top level)"
            : ""),
      };
    return p;
  });
}

/** Formats a path the way errors show it: `key › seq-len-configs[0] › search-space[2]`. */
export function formatPath(path: PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? ` › ${seg}` : seg;
  }
  return out;
}
