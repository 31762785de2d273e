/**
 * A small argparse-compatible option parser. The reference planner is a Python
 * argparse program and users type its command lines into the manual workflow,
 * so this accepts the same shapes: `--opt v`, `--opt=v`, and `nargs='+'`
 * options (`--config-files a.yaml b.yaml`) that take values up to the next
 * `--option`. Negative numbers (`--min-conc -1`) are values, not options.
 */
import { UsageError } from "../errors.js";

export type OptKind = "string" | "int" | "number" | "flag";

export interface OptSpec {
  /** Long name without the dashes, e.g. `config-files`. */
  name: string;
  kind: OptKind;
  /** One or more values (argparse `nargs='+'`). */
  multiple?: boolean;
  choices?: readonly string[];
  default?: unknown;
  required?: boolean;
  help: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  metavar?: string;
  /** Single-letter alias, e.g. `o` for `-o`. */
  short?: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
  required?: boolean;
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Longer explanation shown by --help. */
  description?: string;
  options: OptSpec[];
  positionals?: PositionalSpec[];
  /** Sets of option names of which at most one (or exactly one, if required) may be given. */
  exclusive?: { names: string[]; required?: boolean }[];
  examples?: string[];
}

export type ParsedArgs = Record<string, unknown> & { _: string[]; help?: boolean };

const isOptionToken = (t: string) => t.startsWith("-") && t !== "-" && !/^-\d/.test(t) && !/^-\.\d/.test(t);

function convert(opt: OptSpec, raw: string): unknown {
  if (opt.kind === "int") {
    if (!/^[+-]?\d+$/.test(raw.trim())) throw new UsageError(`--${opt.name}: expected a whole number, got '${raw}'`);
    return Number.parseInt(raw, 10);
  }
  if (opt.kind === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || Number.isNaN(n)) throw new UsageError(`--${opt.name}: expected a number, got '${raw}'`);
    return n;
  }
  if (opt.choices && !opt.choices.includes(raw)) {
    throw new UsageError(`--${opt.name}: invalid choice '${raw}' (choose from ${opt.choices.map((c) => `'${c}'`).join(", ")})`);
  }
  return raw;
}

import { closest } from "../errors.js";
export { closest, editDistance } from "../errors.js";

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const byShort = new Map(spec.options.filter((o) => o.short).map((o) => [o.short!, o]));
  const out: ParsedArgs = { _: [] };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "--") {
      out._.push(...argv.slice(i + 1));
      break;
    }
    if (tok === "--help" || tok === "-h") {
      out.help = true;
      continue;
    }
    if (!isOptionToken(tok)) {
      out._.push(tok);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (tok.startsWith("--")) {
      const eq = tok.indexOf("=");
      name = eq >= 0 ? tok.slice(2, eq) : tok.slice(2);
      inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
    } else {
      const o = byShort.get(tok.slice(1));
      if (!o) throw new UsageError(`unknown option '${tok}'`);
      name = o.name;
    }
    const opt = byName.get(name);
    if (!opt) {
      const hint = closest(name, byName.keys());
      throw new UsageError(
        `unknown option '--${name}' for '${spec.name}'` + (hint.length ? ` (did you mean ${hint.map((h) => `--${h}`).join(", ")}?)` : ""),
      );
    }
    seen.add(name);
    if (opt.kind === "flag") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else {
      while (i + 1 < argv.length && !isOptionToken(argv[i + 1]!) && argv[i + 1] !== "--") {
        values.push(argv[++i]!);
        if (!opt.multiple) break;
      }
    }
    if (values.length === 0) throw new UsageError(`--${name} expects ${opt.multiple ? "one or more values" : "a value"}` + (opt.choices ? ` (${opt.choices.join(", ")})` : ""));
    // A list of numbers may also be written `4,8,16` (or quoted, `"4 8 16"`).
    const items = opt.multiple && (opt.kind === "int" || opt.kind === "number") ? values.flatMap((v) => v.split(/[\s,]+/).filter(Boolean)) : values;
    if (items.length === 0) throw new UsageError(`--${name} expects one or more values`);
    const converted = items.map((v) => convert(opt, v));
    out[name] = opt.multiple ? converted : converted[0];
  }
  if (out.help) return out;
  for (const group of spec.exclusive ?? []) {
    const given = group.names.filter((n) => seen.has(n));
    if (given.length > 1) throw new UsageError(`${given.map((n) => `--${n}`).join(" and ")} cannot be used together`);
    if (group.required && given.length === 0)
      throw new UsageError(`one of ${group.names.map((n) => `--${n}`).join(" | ")} is required`);
  }
  for (const opt of spec.options) {
    if (!(opt.name in out)) {
      if (opt.required) throw new UsageError(`--${opt.name} is required`);
      if (opt.default !== undefined) out[opt.name] = opt.default;
      else if (opt.kind === "flag") out[opt.name] = false;
    }
  }
  const pos = spec.positionals ?? [];
  const required = pos.filter((p) => p.required).length;
  if (out._.length < required) throw new UsageError(`missing ${pos.filter((p) => p.required).map((p) => `<${p.name}>`).join(" ")}`);
  if (!pos.some((p) => p.multiple) && out._.length > pos.length)
    throw new UsageError(`unexpected argument '${out._[pos.length]}'`);
  pos.forEach((p, idx) => {
    out[p.name] = p.multiple ? out._.slice(idx) : out._[idx];
  });
  return out;
}

export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  const pos = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`) + (p.multiple ? "..." : ""));
  lines.push(`Usage: infx ${spec.name} [options]${pos.length ? " " + pos.join(" ") : ""}`, "", spec.summary);
  if (spec.description) lines.push("", spec.description.trim());
  if (spec.positionals?.length) {
    lines.push("", "Arguments:");
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(26)} ${p.help}`);
  }
  if (spec.options.length) {
    lines.push("", "Options:");
    for (const o of spec.options) {
      const mv = o.kind === "flag" ? "" : ` ${o.metavar ?? (o.choices ? `{${o.choices.join(",")}}` : o.name.toUpperCase().replace(/-/g, "_"))}${o.multiple ? "..." : ""}`;
      const flag = `${o.short ? `-${o.short}, ` : ""}--${o.name}${mv}`;
      const extra = [o.required ? "required" : "", o.default !== undefined && o.kind !== "flag" ? `default: ${Array.isArray(o.default) ? o.default.join(" ") : String(o.default)}` : ""]
        .filter(Boolean)
        .join("; ");
      const text = o.help + (extra ? ` (${extra})` : "");
      if (flag.length > 26) lines.push(`  ${flag}`, `  ${"".padEnd(26)} ${text}`);
      else lines.push(`  ${flag.padEnd(26)} ${text}`);
    }
  }
  for (const g of spec.exclusive ?? [])
    lines.push("", `${g.required ? "Exactly" : "At most"} one of: ${g.names.map((n) => `--${n}`).join(", ")}`);
  if (spec.examples?.length) {
    lines.push("", "Examples:");
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join("\n") + "\n";
}
