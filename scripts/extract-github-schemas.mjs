// Extracts the few GitHub REST response schemas that test/support/fake-github.ts
// plays from the official OpenAPI description (@octokit/openapi), into small,
// self-contained JSON Schemas under test/support/github-schemas/ that ajv
// compiles directly. Run after upgrading @octokit/openapi:
//   node scripts/extract-github-schemas.mjs            (writes the fixtures)
//   node scripts/extract-github-schemas.mjs --check    (fails when they are stale)
// What it does to each schema, and why:
// - copies the operation's response schema plus every `#/components/schemas/X`
//   it references (transitively) into `$defs`, rewriting the refs;
// - turns OpenAPI 3.0 `nullable: true` into JSON Schema (`type: [t, "null"]`,
//   `null` added to an `enum`, or `anyOf [..., {type: null}]` when untyped);
// - drops documentation-only keywords (description, example(s), x-*, ...), so
//   ajv's strict mode accepts the result and the fixtures stay small.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "test/support/github-schemas");
const specPath = join(root, "node_modules/@octokit/openapi/generated/api.github.com.json");
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const openapiVersion = JSON.parse(readFileSync(join(root, "node_modules/@octokit/openapi/package.json"), "utf8")).version;

/** The responses the fake answers with: [method, path template, status, file name]. */
const RESPONSES = [
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", "200", "list-jobs-for-workflow-run"],
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs", "200", "list-jobs-for-workflow-run-attempt"],
  ["get", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "200", "list-issue-comments"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "201", "create-issue-comment"],
  ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "200", "update-issue-comment"],
  ["get", "/repos/{owner}/{repo}/collaborators/{username}/permission", "200", "get-collaborator-permission-level"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}", "200", "get-pull-request"],
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", "200", "list-workflow-run-artifacts"],
  ["post", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", "200", "create-workflow-dispatch"],
];
/** Request bodies the fake checks what it receives against. */
const REQUESTS = [
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "create-issue-comment.request"],
  ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "update-issue-comment.request"],
  ["post", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", "create-workflow-dispatch.request"],
];
/** Error bodies (401, 404, 422). */
const COMPONENTS = [
  ["basic-error", "basic-error"],
  ["validation-error", "validation-error"],
];

const DROP = new Set(["description", "example", "examples", "externalDocs", "deprecated", "readOnly", "writeOnly", "xml", "discriminator", "nullable"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs"]);
const SCHEMA_ARRAYS = new Set(["allOf", "anyOf", "oneOf"]);
const SCHEMA_ONE = new Set(["items", "additionalProperties", "not"]);

function resolveRef(ref) {
  const m = /^#\/components\/(schemas|responses)\/(.+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  return { kind: m[1], name: m[2] };
}

/** Converts one OpenAPI schema object; collects referenced component names in `refs`. */
function convert(schema, refs) {
  if (typeof schema !== "object" || schema === null) return schema;
  if (schema.$ref) {
    const { kind, name } = resolveRef(schema.$ref);
    if (kind !== "schemas") throw new Error(`unexpected ${schema.$ref}`);
    refs.add(name);
    const out = { $ref: `#/$defs/${name}` };
    return schema.nullable ? { anyOf: [out, { type: "null" }] } : out;
  }
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROP.has(k) || k.startsWith("x-")) continue;
    if (SCHEMA_MAPS.has(k)) out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convert(s, refs)]));
    else if (SCHEMA_ARRAYS.has(k)) out[k] = v.map((s) => convert(s, refs));
    else if (SCHEMA_ONE.has(k)) out[k] = typeof v === "boolean" ? v : convert(v, refs);
    else out[k] = v;
  }
  if (schema.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: "null" }] };
    }
  }
  return out;
}

/** A self-contained schema: `root` plus the transitive closure of its component refs in $defs. */
function standalone(rootSchema, meta) {
  const refs = new Set();
  const main = convert(rootSchema, refs);
  const defs = {};
  const queue = [...refs];
  while (queue.length) {
    const name = queue.shift();
    if (name in defs) continue;
    const found = spec.components.schemas[name];
    if (!found) throw new Error(`missing component schema ${name}`);
    const inner = new Set();
    defs[name] = convert(found, inner);
    for (const r of inner) if (!(r in defs)) queue.push(r);
  }
  const sortedDefs = Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]]),
  );
  return { "x-github": meta, ...main, ...(Object.keys(sortedDefs).length ? { $defs: sortedDefs } : {}) };
}

function operation(method, path) {
  const op = spec.paths[path]?.[method];
  if (!op) throw new Error(`no operation ${method.toUpperCase()} ${path} in ${specPath}`);
  return op;
}

function responseSchema(method, path, status) {
  let resp = operation(method, path).responses[status];
  if (!resp) throw new Error(`no ${status} response for ${method.toUpperCase()} ${path}`);
  if (resp.$ref) resp = spec.components.responses[resolveRef(resp.$ref).name];
  const schema = resp.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`no JSON body in ${status} response for ${method.toUpperCase()} ${path}`);
  return schema;
}

const check = process.argv.includes("--check");
if (!check) mkdirSync(outDir, { recursive: true });
const written = [];
const stale = [];
function write(file, obj) {
  const path = join(outDir, `${file}.json`);
  const text = JSON.stringify(obj, null, 1) + "\n";
  if (check) {
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(path);
  } else writeFileSync(path, text);
  written.push(file);
}
const source = `@octokit/openapi ${openapiVersion} generated/api.github.com.json`;
for (const [method, path, status, file] of RESPONSES) {
  const op = operation(method, path);
  write(
    file,
    standalone(responseSchema(method, path, status), { source, operationId: op.operationId, method: method.toUpperCase(), path, status: Number(status) }),
  );
}
for (const [method, path, file] of REQUESTS) {
  const op = operation(method, path);
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`no JSON request body for ${method.toUpperCase()} ${path}`);
  write(file, standalone(schema, { source, operationId: op.operationId, method: method.toUpperCase(), path, requestBody: true }));
}
for (const [name, file] of COMPONENTS) write(file, standalone({ $ref: `#/components/schemas/${name}` }, { source, component: name }));
if (check && stale.length) {
  process.stderr.write(`stale GitHub schema fixtures (run node scripts/extract-github-schemas.mjs):\n${stale.map((p) => `  ${p}\n`).join("")}`);
  process.exit(1);
}
process.stdout.write(`${check ? "checked" : "wrote"} ${written.length} schemas in ${outDir}\n`);
