// The curves' bootstrap in WebAssembly (wasmBootstrap, assembly/bootstrap.ts) gives the numbers of
// the JavaScript one (bootstrap in curves.ts) bit for bit: curveStat both ways, over random curves
// (few and many points, ties, zero and full noise correlation, points below the frontier).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CurvePoint, curveStat } from "../src/compare/curves.js";

const point = fc.record({
  x: fc.double({ min: -3, max: 6, noNaN: true }),
  y: fc.double({ min: -2, max: 9, noNaN: true }),
  sx: fc.oneof(fc.constant(0.03), fc.double({ min: 0.001, max: 0.5, noNaN: true })),
  sy: fc.oneof(fc.constant(0.03), fc.double({ min: 0.001, max: 0.5, noNaN: true })),
});
/** A curve of `n` points along a falling frontier, with noise: what benchmark sweeps give. */
const curve = (n: number, shift: number): CurvePoint[] =>
  Array.from({ length: n }, (_, i) => ({ x: i * 0.3 + shift, y: 8 - i * 0.25 - (i % 3) * 0.2 + shift / 10, sx: 0.02 + (i % 5) * 0.01, sy: 0.03 }));

describe("wasmBootstrap against the JavaScript bootstrap", () => {
  it("the same CurveStat, bit for bit, for random clouds, seeds and noise correlations", () => {
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 40 }),
        fc.array(point, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.oneof(fc.constantFrom(0, 1, -1, 0.5), fc.double({ min: -1, max: 1, noNaN: true })),
        (head, base, seed, rho) => {
          const js = curveStat(head, base, 0.99, seed, rho, "js");
          const wasm = curveStat(head, base, 0.99, seed, rho, "wasm");
          expect(wasm).toStrictEqual(js);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("benchmark-like curves of 3 to 150 points (past the insertion sort's 64), shifted head and baseline", () => {
    let bootstrapped = 0;
    for (const n of [3, 9, 30, 64, 65, 150])
      for (const [shift, rho] of [
        [0, 0.8],
        [0.05, 1],
        [-0.1, 0],
      ] as const) {
        const js = curveStat(curve(n, shift), curve(n + 1, 0), 0.99, n * 7919, rho, "js");
        const wasm = curveStat(curve(n, shift), curve(n + 1, 0), 0.99, n * 7919, rho, "wasm");
        expect(wasm, `${n} points, shift ${shift}, rho ${rho}`).toStrictEqual(js);
        if (js?.method === "bootstrap" && Number.isFinite(js.halfWidth)) bootstrapped++;
      }
    expect(bootstrapped, "most cases went through the bootstrap").toBeGreaterThan(12);
  });
});
