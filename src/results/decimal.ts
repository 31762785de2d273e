/**
 * Decimals of 16 to 18 significant digits to the double `Number` gives, by
 * arithmetic on doubles: the digits JavaScript writes for a double (its
 * shortest round trip) are mostly 16 or 17, one more than Clinger's fast path
 * (an integer below 2^53 over an exact power of ten) takes, and making a
 * string per number to hand to `Number` is most of the cost of reading them.
 *
 * The value is M / 10^f with M = hi × 10^k + lo (hi below 10^15, k ≤ 3). A
 * candidate quotient q is checked exactly: with q × 10^f split into two
 * doubles (Dekker's product), the remainder M − q × 10^f is compared with
 * half the spacing of doubles at q, times 10^f (exact: a power of two times
 * an exact power of ten). q is the nearest double when the remainder is
 * inside; a neighbour is tried when it is outside; when the remainder is too
 * close to the boundary to tell (a near tie), the answer is NaN and the
 * caller asks `Number`.
 */

/** Powers of ten that doubles hold exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Veltkamp's constant: splits a double into two halves of 26 bits. */
const SPLIT = 134217729;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Which 32-bit half of a double holds its exponent (little- or big-endian machine). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * Where `decimalQuotient` and its helpers leave their doubles: a double
 * returned from a call that is not inlined is boxed (a heap object per
 * number read), a typed array slot is not.
 */
export const decimalOut = new Float64Array(1);

/** The exact error of the product p = fl(a × b): a × b = p + error (Dekker; no FMA needed). */
function productError(a: number, b: number, p: number): void {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  decimalOut[0] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The next double after a positive finite q, up (+1) or down (-1), into `f64[0]`. */
function neighbour(q: number, step: 1 | -1): void {
  f64[0] = q;
  const low = u32[LOW]! + step;
  u32[LOW] = low >>> 0;
  if (low > 0xffffffff) u32[HIGH]!++;
  else if (low < 0) u32[HIGH]!--;
}

/**
 * The double nearest to (hi × 10^k + lo) / 10^f, ties to even, as `Number`
 * reads the decimal, into `decimalOut[0]`; false when this cannot tell (the
 * caller asks `Number`). Needs integers hi < 2^53, k ≤ 3, lo < 10^k, f ≤ 22,
 * and the value positive.
 */
export function decimalQuotient(hi: number, k: number, lo: number, f: number): boolean {
  const scale = POW10[k]!;
  // M exactly as mh + ml (M < 2^63: the product's error and the sum's are small integers).
  const p = hi * scale;
  productError(hi, scale, p);
  const mh = p + lo;
  const ml = p - mh + lo + decimalOut[0]!;
  const P = POW10[f]!;
  let q = mh / P;
  for (let tries = 0; tries < 3; tries++) {
    if (!(q > 0) || !Number.isFinite(q)) return false;
    const a = q * P;
    productError(q, P, a);
    const b = decimalOut[0]!;
    // r = M - q × P; mh - a is exact (the two are within a few units of each other).
    const d = ml - b;
    const r = mh - a + d;
    neighbour(q, 1);
    const up = ((f64[0]! - q) / 2) * P;
    neighbour(q, -1);
    const down = ((q - f64[0]!) / 2) * P;
    const slack = (Math.abs(d) + Math.abs(r) + Math.abs(ml) + Math.abs(b)) * 2 ** -50;
    if (r >= 0 ? r < up - slack : -r < down - slack) {
      decimalOut[0] = q;
      return true;
    }
    if (r >= 0 ? r <= up + slack : -r <= down + slack) return false; // a near tie: too close to call here
    neighbour(q, r > 0 ? 1 : -1);
    q = f64[0]!;
  }
  return false;
}
