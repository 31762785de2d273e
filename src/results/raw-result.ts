/**
 * The raw benchmark result (the serving benchmark client's JSON) and its
 * validation. `schemas/raw-result.schema.json` is the published schema;
 * {@link RAW_RESULT_SCHEMA} is the same document (a test keeps them equal and
 * checks that {@link validateRawResult} agrees with Ajv on it). The check is
 * interpreted here rather than by Ajv so that `infx process-result`, which runs
 * once per benchmark job, starts in milliseconds.
 */

export interface RawResult {
  date?: string;
  model_id: string;
  max_concurrency: number;
  completed: number;
  total_input_tokens: number;
  total_output_tokens: number;
  output_throughput: number;
  total_token_throughput: number;
  [key: string]: unknown;
}

type JsonType = "string" | "number" | "integer" | "boolean" | "null" | "object" | "array";

interface PropSchema {
  type: JsonType | JsonType[];
  minimum?: number;
  minLength?: number;
  description?: string;
}

export interface ObjectSchema {
  type: "object";
  required: string[];
  properties: Record<string, PropSchema>;
  patternProperties: Record<string, PropSchema>;
  [k: string]: unknown;
}

const LATENCY_KEYS = ["ttft", "tpot", "itl"].flatMap((m) => ["mean", "median", "std", "p99"].map((s) => `${s}_${m}_ms`));

export const RAW_RESULT_SCHEMA: ObjectSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://inferencex-ci/schemas/raw-result.schema.json",
  title: "Raw benchmark result",
  description:
    "One result file of the serving benchmark client (vLLM benchmark_serving format, also written by `infx bench`): the input of `infx process-result`. Latency statistics are in milliseconds (`<stat>_<metric>_ms`). Clients add keys over versions, so unknown keys are allowed; every key ending in `_ms` must be a number. Real files carry the typo key `request_goodput:` (with the colon).",
  type: "object",
  required: [
    "model_id",
    "max_concurrency",
    "completed",
    "total_input_tokens",
    "total_output_tokens",
    "output_throughput",
    "total_token_throughput",
    ...LATENCY_KEYS,
  ],
  properties: {
    date: { type: "string", description: "When the run ended, `YYYYMMDD-HHMMSS`." },
    backend: { type: "string" },
    model_id: { type: "string", minLength: 1, description: "The served model, e.g. `zai-org/GLM-4.7`." },
    tokenizer_id: { type: "string" },
    best_of: { type: "integer" },
    num_prompts: { type: "integer", minimum: 0 },
    request_rate: { type: ["number", "string"], description: "Requests per second, or the string `inf`." },
    burstiness: { type: "number" },
    max_concurrency: { type: "integer", minimum: 1, description: "Concurrent requests: the row's `conc`." },
    duration: { type: "number", minimum: 0 },
    completed: { type: "integer", minimum: 0 },
    total_input_tokens: { type: "integer", minimum: 0 },
    total_output_tokens: { type: "integer", minimum: 0 },
    request_throughput: { type: "number", minimum: 0 },
    request_goodput: { type: ["number", "null"] },
    "request_goodput:": { type: ["number", "null"], description: "The real client's typo of `request_goodput`." },
    output_throughput: { type: "number", minimum: 0, description: "Output tokens per second, all GPUs." },
    total_token_throughput: { type: "number", minimum: 0, description: "Input + output tokens per second, all GPUs." },
    max_output_tokens_per_s: { type: "number" },
    max_concurrent_requests: { type: "integer" },
  },
  patternProperties: {
    _ms$: { type: "number", minimum: 0 },
  },
  additionalProperties: true,
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/** JSON path of a key: `$.mean_ttft_ms`, `$["request_goodput:"]`. */
export function jsonPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `$.${key}` : `$[${JSON.stringify(key)}]`;
}

function checkProp(key: string, value: unknown, s: PropSchema, errors: string[]): void {
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const actual = typeOf(value);
  const ok = types.some((t) => t === actual || (t === "number" && actual === "integer"));
  if (!ok) {
    errors.push(`${jsonPath(key)}: must be ${types.join(" or ")}, got ${actual} ${describe(value)}`);
    return;
  }
  if (s.minimum !== undefined && typeof value === "number" && value < s.minimum) errors.push(`${jsonPath(key)}: must be >= ${s.minimum}, got ${value}`);
  if (s.minLength !== undefined && typeof value === "string" && value.length < s.minLength) errors.push(`${jsonPath(key)}: must not be empty`);
}

/** Every violation of `schema` in `value`, each naming its JSON path; empty when valid. */
export function validateAgainst(schema: ObjectSchema, value: unknown): string[] {
  if (typeOf(value) !== "object") return [`$: must be a JSON object, got ${typeOf(value)}`];
  const obj = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of schema.required) if (!(key in obj)) errors.push(`${jsonPath(key)}: required field is missing`);
  const patterns = Object.entries(schema.patternProperties).map(([p, s]) => [new RegExp(p, "u"), s] as const);
  for (const key of Object.keys(obj)) {
    const own = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (own) checkProp(key, obj[key], own, errors);
    for (const [re, s] of patterns) if (re.test(key)) checkProp(key, obj[key], s, errors);
  }
  return errors;
}

/** Validates a parsed raw result; returns the violations (JSON path and what is wrong), empty when valid. */
export function validateRawResult(value: unknown): string[] {
  return validateAgainst(RAW_RESULT_SCHEMA, value);
}
