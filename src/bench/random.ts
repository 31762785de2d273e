/**
 * Seeded randomness for reproducible benchmarks: request lengths, prompt token
 * ids and arrival times are the same for the same seed on every machine.
 */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [lo, hi] (both inclusive). */
export function uniformInt(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo + 1));
}

function standardNormal(next: () => number): number {
  let u = 0;
  while (u === 0) u = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** Gamma(shape, scale) by Marsaglia and Tsang (shape < 1 boosted by U^(1/shape)). */
export function gamma(next: () => number, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape > 0 and scale > 0 (got ${shape}, ${scale})`);
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = next();
    return gamma(next, shape + 1, scale) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(next);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/**
 * Inter-arrival gaps (seconds) for `n` requests at `rate` requests/s.
 * burstiness 1 is a Poisson process (exponential gaps); lower is burstier,
 * higher is more regular (gamma gaps with shape = burstiness and the same mean).
 * An infinite rate sends everything at once (all gaps 0).
 */
export function arrivalGaps(n: number, rate: number, burstiness: number, seed: number): number[] {
  if (rate === Infinity) return new Array<number>(n).fill(0);
  if (!(rate > 0)) throw new RangeError(`request rate must be > 0 or inf, got ${rate}`);
  const next = rng(seed ^ 0x5bd1e995);
  const scale = 1 / (rate * burstiness);
  return Array.from({ length: n }, () => gamma(next, burstiness, scale));
}
