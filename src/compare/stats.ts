/** Small statistics for the comparison: quantiles of the normal and t distributions, seeded normal generators. */
import { rng } from "../bench/random.js";

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Inverse of Student's t CDF: exact for 1 and 2 degrees of freedom, else the
 * Cornish-Fisher expansion around the normal quantile (error < 0.5% for df >= 3
 * at the tail probabilities used here).
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be > 0, got ${df}`);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (!Number.isFinite(df) || df > 1e6) return normalQuantile(p);
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** A seeded standard-normal generator (Box-Muller over mulberry32). */
export function normalRng(seed: number): () => number {
  const next = rng(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * next();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/*
 * The bootstrap's normals: Marsaglia and Tsang's ziggurat over mulberry32 (one
 * 32-bit draw per normal on 99% of draws, no log, square root or sine), exact
 * in distribution. The half-normal density f(x) = exp(-x²/2) is covered by 256
 * layers of equal area V: layer 0 is the rectangle [0, R] × [0, f(R)] with the
 * tail beyond R; layer i > 0 is the box [0, X[i]] × [f(X[i]), f(X[i + 1])]. R
 * makes the top layer end at f = 1; V = R f(R) + the tail's area (both solved
 * numerically, to double precision).
 */
const ZIG_LAYERS = 256;
const ZIG_R = 3.654152885361008;
const ZIG_V = 0.00492867323397466;
/** 2^-23: a draw's top 23 bits as a fraction of its layer's width. */
const ZIG_UNIT = 1 / 8388608;
/** Layer widths X[0..256] (X[0] = V / f(R): the base layer as a rectangle of area V, X[256] = 0) and f at them. */
const zigX = new Float64Array(ZIG_LAYERS + 1);
const zigF = new Float64Array(ZIG_LAYERS + 1);
/**
 * Per layer and sign (index: layer + 256 × sign bit): x = bits × zigW[i], the
 * sign included (no branch on it); inside the layer below (accepted at once)
 * when bits < zigK[i].
 */
const zigW = new Float64Array(2 * ZIG_LAYERS);
const zigK = new Int32Array(2 * ZIG_LAYERS);
{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  zigX[0] = ZIG_V / f(ZIG_R);
  zigX[1] = ZIG_R;
  for (let i = 1; i < ZIG_LAYERS - 1; i++) zigX[i + 1] = Math.sqrt(-2 * Math.log(f(zigX[i]!) + ZIG_V / zigX[i]!));
  zigX[ZIG_LAYERS] = 0;
  for (let i = 0; i <= ZIG_LAYERS; i++) zigF[i] = i === 0 ? 0 : i === ZIG_LAYERS ? 1 : f(zigX[i]!);
  for (let i = 0; i < ZIG_LAYERS; i++) {
    zigW[i] = zigX[i]! * ZIG_UNIT;
    zigW[i + ZIG_LAYERS] = -zigW[i]!;
    zigK[i] = zigK[i + ZIG_LAYERS] = Math.floor((zigX[i + 1]! / zigX[i]!) * 8388608);
  }
}

/** Scratch of `NormalStream.fill`: where the draws that missed the layer below go, and those draws (finished after its loop). */
let missAt = new Int32Array(0);
let missDraw = new Int32Array(0);

/**
 * A seeded stream of standard normals by the ziggurat: `fill(out, n)` writes
 * `n` independent standard normals to `out[0..n)`, the same numbers for the
 * same seed and the same sequence of `n`. A 32-bit mulberry32 draw (the
 * generator of `rng` in src/bench/random.ts, inlined) picks the layer (low 8
 * bits), the sign (bit 8) and the position in the layer (top 23 bits); the 1%
 * of draws that miss the layer below are finished after the loop, each from
 * its own further draws.
 */
export class NormalStream {
  /** mulberry32's state. */
  private a: number;

  constructor(seed: number) {
    this.a = NormalStream.initialState(seed);
  }

  /** mulberry32's state for `seed` (what WebAssembly copies of the stream start from: wasm-bootstrap.ts). */
  static initialState(seed: number): number {
    return ((seed >>> 0) ^ 0x9e3779b9) | 0;
  }

  /** The ziggurat's tables, for copies of the stream elsewhere (wasm-bootstrap.ts). */
  static readonly ziggurat = { w: zigW, k: zigK, f: zigF, r: ZIG_R };

  /** The next 32-bit draw, as a signed integer. */
  private next(): number {
    const a = (this.a = (this.a + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return t ^ (t >>> 14);
  }

  /** A uniform in [0, 1). */
  private unit(): number {
    return (this.next() >>> 0) / 4294967296;
  }

  /** A draw that missed the layer below: the wedge (layer i > 0) or the tail (layer 0); -1 to draw again. */
  private slow(i: number, bits: number): number {
    const x = bits * zigW[i]!;
    if (i === 0) {
      if (x < ZIG_R) return x;
      // Marsaglia's tail: R + an exponential of rate R, accepted with probability exp(-x²/2) / its envelope.
      for (;;) {
        const e = -Math.log(1 - this.unit()) / ZIG_R;
        if (-2 * Math.log(1 - this.unit()) >= e * e) return ZIG_R + e;
      }
    }
    const y = zigF[i]! + this.unit() * (zigF[i + 1]! - zigF[i]!);
    return y < Math.exp(-0.5 * x * x) ? x : -1;
  }

  /** The normal of draw t, a draw that missed the layer below: the rest of the ziggurat, with further draws as needed. */
  private finish(t: number): number {
    for (;;) {
      const i = t & 511;
      const bits = t >>> 9;
      if (bits < zigK[i]!) return bits * zigW[i]!;
      const x = this.slow(i & 255, bits);
      if (x >= 0) return i & 256 ? -x : x;
      t = this.next();
    }
  }

  fill(out: Float64Array, n: number): void {
    if (missAt.length < n) {
      missAt = new Int32Array(n);
      missDraw = new Int32Array(n);
    }
    // `| 0`: the loop's state stays an untagged int32 (a field's value could be boxed).
    let a = this.a | 0;
    let m = 0;
    for (let k = 0; k < n; k++) {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t ^= t >>> 14;
      const i = t & 511;
      const bits = t >>> 9;
      if (bits < zigK[i]!) out[k] = bits * zigW[i]!;
      else {
        // The 1% of draws that miss are finished after this loop, each from its own further draws.
        missAt[m] = k;
        missDraw[m++] = t;
      }
    }
    this.a = a;
    for (let j = 0; j < m; j++) out[missAt[j]!] = this.finish(missDraw[j]!);
  }
}

/** FNV-1a hash of a string, for per-curve seeds that do not depend on the order curves are visited. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
