/**
 * Errors and suggestions every layer may use: the domain modules (config, plan,
 * changelog, results, report, bench, github) throw these; the CLI and the
 * actions turn them into exit codes and messages.
 */

/** Bad command line: exit code 2, the message says what is allowed. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A problem with the user's input (files, config, environment): exit code 1,
 * the message is shown as is, never a stack trace.
 */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    /** Extra lines (e.g. every validation error) printed after the message. */
    readonly details: readonly string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `word`, best first (at most `max`). */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const scored = [...candidates].map((c) => ({ c, d: editDistance(word, c) }));
  const limit = Math.max(2, Math.floor(word.length / 2));
  return scored
    .filter((s) => s.d <= limit || s.c.startsWith(word) || word.startsWith(s.c))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((s) => s.c);
}
