// Hostile inputs that used to take unbounded time: wildcard patterns built to
// make a backtracking matcher explode. Each case asserts a correct result
// within a time bound.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadKeyMatcher, resolveConfigKeys, simpleGlobMatch, simpleGlobRegExp } from "../src/changelog/keys.js";

const elapsed = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
};

describe("hostile wildcard patterns (changelog config-keys, validate)", () => {
  it("a*a*a*a*a*a*a*a*a*a*a*a*-y against a 42-character key answers within 1 s", async () => {
    const pattern = "a*a*a*a*a*a*a*a*a*a*a*a*-y";
    const keys = ["a".repeat(42), "a".repeat(41) + "-x", "a".repeat(30) + "-y"];
    const [r, ms] = await elapsed(() => resolveConfigKeys([pattern], keys));
    expect(r.resolved.get(pattern)).toEqual(["a".repeat(30) + "-y"]);
    expect(ms).toBeLessThan(1000);
  });
  it("no match at all still answers within 1 s, with suggestions", async () => {
    const pattern = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*-y";
    const [r, ms] = await elapsed(() => resolveConfigKeys([pattern], ["a".repeat(200)]));
    expect(r.unmatched[0]!.message).toMatch(/matches no config key/);
    expect(ms).toBeLessThan(1000);
  });
  it("a rich pattern (class, extglob) with many stars is refused with a reason instead of run", async () => {
    const pattern = "a*a*a*a*a*a*a*[a]*-y";
    const [r, ms] = await elapsed(() => resolveConfigKeys([pattern], ["a".repeat(42)]));
    expect(r.unmatched[0]!.message).toMatch(/has 8 '\*'.*at most 4/);
    expect(ms).toBeLessThan(1000);
  });
  it("brace alternatives of plain patterns go through the linear matcher", async () => {
    const pattern = "{a*a*a*a*a*a*a*a*a*a*a*-y,b*}";
    const [r, ms] = await elapsed(() => resolveConfigKeys([pattern], ["a".repeat(42), "bb", "a".repeat(20) + "-y"]));
    expect(r.resolved.get(pattern)).toEqual(["bb", "a".repeat(20) + "-y"]);
    expect(ms).toBeLessThan(1000);
  });
  it("the linear matcher agrees with minimatch on generated '*'/'?' patterns (keys with '/')", async () => {
    const match = await loadKeyMatcher();
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."ab-*?".split("")), minLength: 1, maxLength: 9 }),
        fc.string({ unit: fc.constantFrom(..."ab-/".split("")), maxLength: 9 }),
        (pattern, key) => {
          expect(simpleGlobRegExp(pattern)).toBeDefined();
          expect(simpleGlobMatch(pattern, key), `${pattern} vs ${key}`).toBe(match(key, pattern));
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  });
});
