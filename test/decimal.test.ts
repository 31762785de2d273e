// decimalQuotient (src/results/decimal.ts) gives the double Number gives for
// decimals of 16 to 18 significant digits, or NaN (ask Number) — never another
// double. Checked on the forms JavaScript writes, random digit strings, and
// decimals built to sit on or next to the midpoint between two doubles.
import { describe, expect, it } from "vitest";
import { rng } from "../src/bench/random.js";
import { decimalOut, decimalQuotient } from "../src/results/decimal.js";

/** decimalQuotient's double, or NaN when it leaves the decimal to Number. */
const quotient = (hi: number, k: number, lo: number, f: number) => (decimalQuotient(hi, k, lo, f) ? decimalOut[0]! : Number.NaN);

/** The scanner's split of a positive decimal without exponent: 15 digits in hi, up to 3 more in lo; undefined beyond. */
function split(s: string): [number, number, number, number] | undefined {
  let hi = 0;
  let k = 0;
  let lo = 0;
  let f = 0;
  let fraction = false;
  for (const ch of s) {
    if (ch === ".") {
      fraction = true;
      continue;
    }
    const d = ch.charCodeAt(0) - 48;
    if (hi < 1e14) hi = hi * 10 + d;
    else {
      lo = lo * 10 + d;
      k++;
    }
    if (fraction) f++;
  }
  return k >= 1 && k <= 3 && f <= 22 ? [hi, k, lo, f] : undefined;
}

function nextDouble(x: number): number {
  const a = new Float64Array([x]);
  const u = new BigUint64Array(a.buffer);
  u[0]! += 1n;
  return a[0]!;
}

function check(cases: readonly string[]): { tried: number; undecided: number } {
  let tried = 0;
  let undecided = 0;
  for (const s of cases) {
    const parts = split(s);
    if (!parts) continue;
    tried++;
    const v = quotient(...parts);
    if (Number.isNaN(v)) undecided++;
    else if (v !== Number(s)) expect(v, s).toBe(Number(s));
  }
  return { tried, undecided };
}

describe("decimalQuotient", () => {
  const next = rng(7);

  it("the shortest forms of doubles (what JSON.stringify writes): Number's double every time, almost never undecided", () => {
    const scales = [1, 1000, 0.01, 1e6, 1e-4, 123.456];
    const cases = Array.from({ length: 120_000 }, (_, i) => String(next() * scales[i % scales.length]!)).filter((s) => !s.includes("e"));
    const { tried, undecided } = check(cases);
    expect(tried).toBeGreaterThan(80_000);
    expect(undecided / tried).toBeLessThan(0.001);
  });

  it("random 16- to 18-digit decimals with the point anywhere", () => {
    const cases = Array.from({ length: 60_000 }, () => {
      const len = 16 + Math.floor(next() * 3);
      let s = String(1 + Math.floor(next() * 9));
      for (let j = 1; j < len; j++) s += Math.floor(next() * 10);
      const dot = 1 + Math.floor(next() * (len - 1));
      return `${s.slice(0, dot)}.${s.slice(dot)}`;
    });
    expect(check(cases).tried).toBe(cases.length);
  });

  it("midpoints between neighbouring doubles, and decimals one unit either side: Number's double or NaN, never a wrong one", () => {
    const cases: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = next() * 100;
      const mid = (x + nextDouble(x)) / 2; // rounds to one of them: written with 17-18 digits, the decimal lies near the true midpoint
      for (const digits of [17, 18]) cases.push(mid.toPrecision(digits));
      const exact = x.toPrecision(17);
      cases.push(exact.replace(/\d$/, (d) => String((Number(d) + 1) % 10)));
    }
    const { tried, undecided } = check(cases);
    expect(tried).toBeGreaterThan(40_000);
    expect(undecided).toBeLessThan(tried);
  });

  it("a decimal exactly halfway between two doubles is left to Number (ties to even is its call)", () => {
    // 2^53 + 1 lies exactly between 2^53 and 2^53 + 2.
    expect(quotient(900719925474099, 1, 3, 0)).toBeNaN();
    expect(Number("9007199254740993")).toBe(9007199254740992);
    // Every odd integer above 2^53 is such a tie; half a unit off one is decided here.
    expect(quotient(900719925474099, 1, 5, 0)).toBeNaN();
    expect(quotient(900719925474099, 2, 45, 1)).toBe(Number("9007199254740994.5"));
  });
});
