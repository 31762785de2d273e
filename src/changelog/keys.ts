/**
 * Config-key resolution for changelog entries: a key is either a literal
 * config key or a wildcard pattern (`gptoss*`, `dsr1-fp8-*-sglang`,
 * `*-trt`) matched over whole keys with minimatch. A key or pattern that
 * matches nothing is an error that suggests the closest existing keys.
 * minimatch is loaded only when some entry really uses a pattern.
 */
import { closest } from "../errors.js";

/** Characters that make a config key a glob pattern (minimatch syntax). */
const GLOB_MAGIC = /[*?[\]{}!+@()]/;

export function isKeyPattern(key: string): boolean {
  return GLOB_MAGIC.test(key);
}

type Matcher = (key: string, pattern: string) => boolean;

/**
 * Most `*` a pattern may hold when it needs minimatch (classes, extglobs):
 * minimatch builds a backtracking regular expression whose cost grows with
 * the power of the star count. Brace alternatives that are plain `*`/`?`
 * patterns do not count: they are matched by `simpleGlobMatch`.
 */
export const MAX_RICH_PATTERN_STARS = 4;
let matcherPromise: Promise<Matcher> | undefined;

/**
 * The regular expression minimatch would use for a pattern whose only magic
 * characters are `*` and `?` (nearly every changelog pattern), or undefined for
 * anything richer. Saves importing minimatch (~30 ms, more on a busy runner)
 * on the common path; a property test checks it agrees with minimatch.
 */
export function simpleGlobRegExp(pattern: string): RegExp | undefined {
  if (/[[\]{}!+@()\\/]/.test(pattern) || pattern === "") return undefined;
  const body = pattern
    .replace(/[.^$|]/g, (c) => `\\${c}`)
    .replace(/\*+/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/**
 * Whole-key match of a pattern whose only magic characters are `*` and `?`
 * (the patterns `simpleGlobRegExp` accepts), in O(pattern x key) time with no
 * backtracking: `*` matches any run of characters except `/`, `?` one such
 * character. A pattern built by a user (`a*a*a*...`) cannot make it slow.
 */
export function simpleGlobMatch(pattern: string, key: string): boolean {
  // Greedy two-pointer match with one remembered star (classic wildcard matching):
  // each star is retried at most once per key position, and `/` ends every star.
  let p = 0;
  let k = 0;
  let starP = -1;
  let starK = 0;
  while (k < key.length) {
    const c = pattern[p];
    if (c === "*") {
      starP = ++p;
      starK = k;
    } else if (c !== undefined && (c === "?" ? key[k] !== "/" : c === key[k])) {
      p++;
      k++;
    } else if (starP >= 0 && key[starK] !== "/") {
      p = starP;
      k = ++starK;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** minimatch with the options that fit config keys (no comments, no negation, whole-key match). */
export function loadKeyMatcher(): Promise<Matcher> {
  matcherPromise ??= import("minimatch").then(({ minimatch, braceExpand }) => {
    const options = { nocomment: true, nonegate: true, dot: true, nobrace: false };
    return (key: string, pattern: string) =>
      braceExpand(pattern).some((alt) => (simpleGlobRegExp(alt) ? simpleGlobMatch(alt, key) : minimatch(key, alt, options)));
  });
  return matcherPromise;
}

/** Why a pattern is refused before matching (too many stars for minimatch), or undefined. */
export function riskyPatternReason(pattern: string): string | undefined {
  if (simpleGlobRegExp(pattern)) return undefined;
  const stars = pattern.split("*").length - 1;
  if (stars <= MAX_RICH_PATTERN_STARS || !/[[\]!+@()]/.test(pattern)) return undefined;
  return `the pattern '${pattern}' has ${stars} '*' together with '[...]' or '(...)' (at most ${MAX_RICH_PATTERN_STARS}); split it into simpler patterns`;
}

/** Up to three existing keys to suggest for a key or pattern that matched nothing. */
export function suggestKeys(word: string, allKeys: readonly string[]): string[] {
  const bare = word.replace(/[*?[\]{}!+@()]/g, "");
  const near = closest(bare, allKeys, 3);
  if (near.length) return near;
  // Fall back to the keys sharing the longest prefix (at least two characters).
  const common = (k: string) => {
    let i = 0;
    while (i < k.length && i < bare.length && k[i] === bare[i]) i++;
    return i;
  };
  const best = Math.max(0, ...allKeys.map(common));
  return best >= 2 ? allKeys.filter((k) => common(k) === best).slice(0, 3) : [];
}

export interface KeyResolution {
  /** The config keys each pattern resolved to, in config order, per input pattern. */
  resolved: Map<string, string[]>;
  /** One message per pattern or key that matched nothing. */
  unmatched: { pattern: string; message: string }[];
}

/**
 * Resolves patterns and literal keys over `allKeys` (in config order).
 * Literal keys resolve to themselves when present.
 */
export async function resolveConfigKeys(patterns: readonly string[], allKeys: readonly string[]): Promise<KeyResolution> {
  const known = new Set(allKeys);
  const resolved = new Map<string, string[]>();
  const unmatched: KeyResolution["unmatched"] = [];
  const needsMatcher = patterns.some((p) => isKeyPattern(p) && !known.has(p) && !simpleGlobRegExp(p));
  const match = needsMatcher ? await loadKeyMatcher() : undefined;
  for (const p of patterns) {
    if (resolved.has(p)) continue;
    if (known.has(p)) {
      resolved.set(p, [p]);
      continue;
    }
    if (isKeyPattern(p)) {
      const risky = riskyPatternReason(p);
      if (risky) {
        unmatched.push({ pattern: p, message: risky });
        continue;
      }
      const re = simpleGlobRegExp(p);
      const hits = re ? allKeys.filter((k) => simpleGlobMatch(p, k)) : allKeys.filter((k) => match!(k, p));
      if (hits.length) {
        resolved.set(p, hits);
        continue;
      }
      const hint = suggestKeys(p, allKeys);
      unmatched.push({
        pattern: p,
        message: `the pattern '${p}' matches no config key${hint.length ? ` (closest keys: ${hint.join(", ")})` : ""}`,
      });
      continue;
    }
    const hint = suggestKeys(p, allKeys);
    unmatched.push({
      pattern: p,
      message: `config key '${p}' is not defined in the master configs${hint.length ? ` (did you mean ${hint.join(", ")}?)` : ""}`,
    });
  }
  return { resolved, unmatched };
}
