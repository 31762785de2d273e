// The import graph of src/, read with the TypeScript parser (no type-checking):
// every relative `import`/`export ... from`/`import()` of every .ts file,
// marked type-only when it disappears from the emitted JavaScript.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to the root given to importGraph (e.g. src/bench/run.ts). */
  from: string;
  /** Imported file, same form (a `.js` specifier resolved to its `.ts` source). */
  to: string;
  /** `import type`, or every named binding type-only: erased at run time. */
  typeOnly: boolean;
  line: number;
}

export function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFilesUnder(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import "x"`: a side effect
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const b = clause.namedBindings;
  if (!b || ts.isNamespaceImport(b)) return false;
  return b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const c = node.exportClause;
  return !!c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly);
}

/** Relative imports of one file: [specifier, typeOnly, line]. */
export function importsOf(file: string): [string, boolean, number][] {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: [string, boolean, number][] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) out.push([node.moduleSpecifier.text, isTypeOnlyImport(node), lineOf(node)]);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      out.push([node.moduleSpecifier.text, isTypeOnlyExport(node), lineOf(node)]);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) out.push([arg.text, false, lineOf(node)]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      out.push([node.argument.literal.text, true, lineOf(node)]);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter(([spec]) => spec.startsWith("."));
}

/** Every relative import of every .ts file under `root`/`dir`. */
export function importGraph(root: string, dir = "src"): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFilesUnder(join(root, dir))) {
    for (const [spec, typeOnly, line] of importsOf(file)) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      edges.push({ from: relative(root, file), to: relative(root, target), typeOnly, line });
    }
  }
  return edges;
}

/** Every elementary cycle's smallest representative, found by DFS (each cycle reported once, as a path a -> b -> a). */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const dfs = (n: string): void => {
    state.set(n, "open");
    stack.push(n);
    for (const m of new Set(next.get(n) ?? [])) {
      if (state.get(m) === "open") {
        const cycle = stack.slice(stack.indexOf(m));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = canonical.join(" -> ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...canonical, canonical[0]!]);
        }
      } else if (!state.has(m)) dfs(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...next.keys()].sort()) if (!state.has(n)) dfs(n);
  return cycles;
}
