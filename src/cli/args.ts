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
  readonly name: string;
  readonly kind: OptKind;
  /** One or more values (argparse `nargs='+'`). */
  readonly multiple?: boolean;
  readonly choices?: readonly string[];
  readonly default?: unknown;
  readonly required?: boolean;
  readonly help: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly metavar?: string;
  /** Single-letter alias, e.g. `o` for `-o`. */
  readonly short?: string;
  /**
   * Collects the option, under its own (dashed) name, into the record
   * `options[group]` of the typed options: for a family of options made from
   * a list, whose names the type system cannot know.
   */
  readonly group?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly help: string;
  readonly required?: boolean;
  readonly multiple?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Longer explanation shown by --help. */
  readonly description?: string;
  readonly options: readonly OptSpec[];
  readonly positionals?: readonly PositionalSpec[];
  /** Sets of option names of which at most one (or exactly one, if required) may be given. */
  readonly exclusive?: readonly { readonly names: readonly string[]; readonly required?: boolean }[];
  readonly examples?: readonly string[];
}

export type ParsedArgs = Record<string, unknown> & { _: string[]; help?: boolean };

/** `config-files` -> `configFiles`: the key an option has in a command's typed options. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export function camelCase<S extends string>(name: S): CamelCase<S> {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) as CamelCase<S>;
}

type ScalarOf<O extends OptSpec> = O["kind"] extends "int" | "number"
  ? number
  : O extends { readonly choices: readonly (infer C extends string)[] }
    ? C
    : string;
/** The value an option has after parsing: a flag is a boolean, a `multiple` option an array. */
type ValueOf<O extends OptSpec> = O["kind"] extends "flag" ? boolean : O extends { readonly multiple: true } ? ScalarOf<O>[] : ScalarOf<O>;
/** Options that always have a value after parsing: flags, required options, options with a default. */
// biome-ignore lint/complexity/noBannedTypes: `{}` is "any non-nullish default" here, which is what makes the option always set
type AlwaysSet<O extends OptSpec> = O extends { readonly kind: "flag" } | { readonly required: true } | { readonly default: {} } ? O : never;
type PositionalValue<P extends PositionalSpec> = P extends { readonly multiple: true }
  ? string[]
  : P extends { readonly required: true }
    ? string
    : string | undefined;

type Grouped<O extends OptSpec> = O extends { readonly group: string } ? O : never;
type Named<Os extends OptSpec> = Exclude<Os, Grouped<Os>>;
type OptionValues<Os extends OptSpec> = { -readonly [O in AlwaysSet<Named<Os>> as CamelCase<O["name"]>]: ValueOf<O> } & {
  -readonly [O in Exclude<Named<Os>, AlwaysSet<Os>> as CamelCase<O["name"]>]?: ValueOf<O>;
} & { -readonly [O in Grouped<Os> as O["group"] & string]: Partial<Record<string, ValueOf<O>>> };
type PositionalValues<S extends CommandSpec> = S extends { readonly positionals: readonly (infer P extends PositionalSpec)[] }
  ? { -readonly [Q in P as CamelCase<Q["name"]>]: PositionalValue<Q> }
  : unknown;

/**
 * A command's typed options, inferred from its spec (declared with
 * `defineSpec`): one camelCase key per option and positional, e.g.
 * `--config-files a b` -> `configFiles: string[]`, `--max-conc 4` ->
 * `maxConc?: number`, a flag -> `boolean`.
 */
export type OptionsOf<S extends CommandSpec> = OptionValues<S["options"][number]> & PositionalValues<S>;

/** Declares a command's spec keeping its literal types, so that `OptionsOf<typeof spec>` knows every option. */
export function defineSpec<const S extends CommandSpec>(spec: S): S {
  return spec;
}

/** Declares option specs shared by several commands, keeping their literal types. */
export function defineOptions<const Os extends readonly OptSpec[]>(options: Os): Os {
  return options;
}

/**
 * The one place parsed arguments become a command's typed options: every
 * option and positional of `spec` under its camelCase name (parseArgs has
 * already checked kinds, choices, required options and filled in defaults).
 */
export function optionsOf<S extends CommandSpec>(spec: S, args: ParsedArgs): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const o of spec.options) {
    if (o.group !== undefined) {
      const group = (out[o.group] ??= {}) as Record<string, unknown>;
      if (args[o.name] !== undefined) group[o.name] = args[o.name];
    } else if (args[o.name] !== undefined) out[camelCase(o.name)] = args[o.name];
  }
  for (const p of spec.positionals ?? []) out[camelCase(p.name)] = args[p.name];
  return out as OptionsOf<S>;
}

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
      throw new UsageError(`unknown option '--${name}' for '${spec.name}'` + (hint.length ? ` (did you mean ${hint.map((h) => `--${h}`).join(", ")}?)` : ""));
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
    if (values.length === 0)
      throw new UsageError(`--${name} expects ${opt.multiple ? "one or more values" : "a value"}` + (opt.choices ? ` (${opt.choices.join(", ")})` : ""));
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
    if (group.required && given.length === 0) throw new UsageError(`one of ${group.names.map((n) => `--${n}`).join(" | ")} is required`);
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
  if (out._.length < required)
    throw new UsageError(
      `missing ${pos
        .filter((p) => p.required)
        .map((p) => `<${p.name}>`)
        .join(" ")}`,
    );
  if (!pos.some((p) => p.multiple) && out._.length > pos.length) throw new UsageError(`unexpected argument '${out._[pos.length]}'`);
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
      const mv =
        o.kind === "flag"
          ? ""
          : ` ${o.metavar ?? (o.choices ? `{${o.choices.join(",")}}` : o.name.toUpperCase().replace(/-/g, "_"))}${o.multiple ? "..." : ""}`;
      const flag = `${o.short ? `-${o.short}, ` : ""}--${o.name}${mv}`;
      const extra = [
        o.required ? "required" : "",
        o.default !== undefined && o.kind !== "flag" ? `default: ${Array.isArray(o.default) ? o.default.join(" ") : String(o.default)}` : "",
      ]
        .filter(Boolean)
        .join("; ");
      const text = o.help + (extra ? ` (${extra})` : "");
      if (flag.length > 26) lines.push(`  ${flag}`, `  ${"".padEnd(26)} ${text}`);
      else lines.push(`  ${flag.padEnd(26)} ${text}`);
    }
  }
  for (const g of spec.exclusive ?? []) lines.push("", `${g.required ? "Exactly" : "At most"} one of: ${g.names.map((n) => `--${n}`).join(", ")}`);
  if (spec.examples?.length) {
    lines.push("", "Examples:");
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join("\n") + "\n";
}

/** parseArgs then optionsOf: a command line (without the command name) to the command's typed options; --help is refused. */
export function parseOptions<S extends CommandSpec>(spec: S, argv: readonly string[]): OptionsOf<S> {
  const args = parseArgs(spec, argv);
  if (args.help) throw new UsageError(`--help is not an option here ('infx ${spec.name} --help' shows the options)`);
  return optionsOf(spec, args);
}
