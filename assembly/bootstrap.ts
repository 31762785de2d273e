// The curves' parametric bootstrap (`bootstrap` of src/compare/curves.ts) in WebAssembly
// (AssemblyScript): the same steps on the same doubles, so the same numbers bit for bit (exp and
// log, needed by 1% of the normals, are JavaScript's own, imported). Built by
// scripts/build-wasm.mjs into src/compare/generated/bootstrap-wasm.ts; driven by
// src/compare/wasm-bootstrap.ts, which lays the two clouds out in memory (`cloudsAt`).

@external("env", "exp")
declare function jsExp(x: f64): f64;
@external("env", "log")
declare function jsLog(x: f64): f64;

// ---------------------------------------------------------------- the ziggurat's tables (filled by JS)

const LAYERS = 256;
const zigW = new StaticArray<f64>(2 * LAYERS);
const zigK = new StaticArray<i32>(2 * LAYERS);
const zigF = new StaticArray<f64>(LAYERS + 1);
let zigR: f64 = 0;

/** Sets entry i of the tables: zigW and zigK (i < 512), zigF (i < 257). */
export function setZiggurat(i: i32, w: f64, k: i32, f: f64, r: f64): void {
  if (i < 2 * LAYERS) {
    unchecked((zigW[i] = w));
    unchecked((zigK[i] = k));
  }
  if (i <= LAYERS) unchecked((zigF[i] = f));
  zigR = r;
}

// ---------------------------------------------------------------- NormalStream (src/compare/stats.ts)

let state: i32 = 0;

@inline function nextDraw(): i32 {
  const a = (state = state + 0x6d2b79f5);
  let t = (a ^ (<i32>(<u32>a >> 15))) * (a | 1);
  t ^= t + (t ^ (<i32>(<u32>t >> 7))) * (t | 61);
  return t ^ <i32>(<u32>t >> 14);
}

@inline function unit(): f64 {
  return <f64>(<u32>nextDraw()) / 4294967296.0;
}

function slow(i: i32, bits: u32): f64 {
  const x = <f64>bits * unchecked(zigW[i]);
  if (i == 0) {
    if (x < zigR) return x;
    for (;;) {
      const e = -jsLog(1 - unit()) / zigR;
      if (-2 * jsLog(1 - unit()) >= e * e) return zigR + e;
    }
  }
  const y = unchecked(zigF[i]) + unit() * (unchecked(zigF[i + 1]) - unchecked(zigF[i]));
  return y < jsExp(-0.5 * x * x) ? x : -1;
}

function finish(t: i32): f64 {
  for (;;) {
    const i = t & 511;
    const bits = <u32>t >> 9;
    if (bits < <u32>unchecked(zigK[i])) return <f64>bits * unchecked(zigW[i]);
    const x = slow(i & 255, bits);
    if (x >= 0) return i & 256 ? -x : x;
    t = nextDraw();
  }
  return 0; // not reached
}

/** n normals into out (the draws that miss the layer below finished after the loop, as `NormalStream.fill`). */
function fill(out: usize, n: i32): void {
  let m = 0;
  for (let k = 0; k < n; k++) {
    const t = nextDraw();
    const i = t & 511;
    const bits = <u32>t >> 9;
    if (bits < <u32>unchecked(zigK[i])) store<f64>(out + (<usize>k << 3), <f64>bits * unchecked(zigW[i]));
    else {
      store<i32>(missAt + (<usize>m << 2), k);
      store<i32>(missDraw + (<usize>m << 2), t);
      m++;
    }
  }
  for (let j = 0; j < m; j++) store<f64>(out + (<usize>load<i32>(missAt + (<usize>j << 2)) << 3), finish(load<i32>(missDraw + (<usize>j << 2))));
}

// ---------------------------------------------------------------- memory

/** Capacity (points) of the scratch arrays below. */
let cap: i32 = 0;
let missAt: usize = 0;
let missDraw: usize = 0;
let normals: usize = 0;
let keyX: usize = 0;
let keyY: usize = 0;
/** The clouds: head then baseline, each x, y, sx, sy (f64) and guard (i32) arrays of `cap` points. */
let cloud: usize = 0;
/** Per cloud: redrawn coordinates, and its frontier (x, y, slope). */
let work: usize = 0;

/** Where JS writes the clouds of `points` points in all (head + baseline): grows the scratch when needed. */
export function cloudsAt(points: i32): usize {
  if (points > cap) {
    let c = cap < 64 ? 64 : cap;
    while (c < points) c *= 2;
    cap = c;
    const n = <usize>c;
    missAt = heap.alloc(8 * n);
    missDraw = heap.alloc(8 * n);
    normals = heap.alloc(16 * n);
    keyX = heap.alloc(8 * n);
    keyY = heap.alloc(8 * n);
    cloud = heap.alloc(2 * 36 * n);
    work = heap.alloc(2 * 40 * n);
  }
  return cloud;
}

/** Capacity of the clouds' arrays (their layout: `cloudX` ...). */
export function cloudCapacity(): i32 {
  return cap;
}

@inline function cloudX(c: i32): usize {
  return cloud + <usize>c * 36 * <usize>cap;
}
@inline function cloudY(c: i32): usize {
  return cloudX(c) + 8 * <usize>cap;
}
@inline function cloudSx(c: i32): usize {
  return cloudX(c) + 16 * <usize>cap;
}
@inline function cloudSy(c: i32): usize {
  return cloudX(c) + 24 * <usize>cap;
}
@inline function cloudGuard(c: i32): usize {
  return cloudX(c) + 32 * <usize>cap;
}
@inline function redrawnX(c: i32): usize {
  return work + <usize>c * 40 * <usize>cap;
}
@inline function redrawnY(c: i32): usize {
  return redrawnX(c) + 8 * <usize>cap;
}
@inline function frontX(c: i32): usize {
  return redrawnX(c) + 16 * <usize>cap;
}
@inline function frontY(c: i32): usize {
  return redrawnX(c) + 24 * <usize>cap;
}
@inline function frontS(c: i32): usize {
  return redrawnX(c) + 32 * <usize>cap;
}

@inline function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

// ---------------------------------------------------------------- frontiers (src/compare/curves.ts)

/** `sortKeys`: keyX/keyY[0..n) by decreasing x, then decreasing y. */
function sortKeys(n: i32): void {
  for (let k = 1; k < n; k++) {
    const vx = f64At(keyX, k);
    const vy = f64At(keyY, k);
    let j = k;
    while (j > 0 && (f64At(keyX, j - 1) < vx || (f64At(keyX, j - 1) == vx && f64At(keyY, j - 1) < vy))) {
      setF64(keyX, j, f64At(keyX, j - 1));
      setF64(keyY, j, f64At(keyY, j - 1));
      j--;
    }
    setF64(keyX, j, vx);
    setF64(keyY, j, vy);
  }
}

/** `frontOfKeys` into cloud c's frontier (with `withSlopes`); its size. */
function frontOfKeys(n: i32, c: i32): i32 {
  const fx = frontX(c);
  const fy = frontY(c);
  let m = 0;
  let best = -Infinity;
  for (let k = 0; k < n; k++) {
    const y = f64At(keyY, k);
    if (y > best) {
      setF64(fx, m, f64At(keyX, k));
      setF64(fy, m, y);
      m++;
      best = y;
    }
  }
  for (let a = 0, b = m - 1; a < b; a++, b--) {
    const tx = f64At(fx, a);
    const ty = f64At(fy, a);
    setF64(fx, a, f64At(fx, b));
    setF64(fy, a, f64At(fy, b));
    setF64(fx, b, tx);
    setF64(fy, b, ty);
  }
  const fs = frontS(c);
  for (let i = 0; i < m - 1; i++) setF64(fs, i, (f64At(fy, i + 1) - f64At(fy, i)) / (f64At(fx, i + 1) - f64At(fx, i)));
  if (m) setF64(fs, m - 1, 0);
  return m;
}

/** `resampledFront` of cloud c (n points): its frontier's size. */
function resampledFront(c: i32, n: i32, from: i32, ys: i32, rho: f64, rest: f64): i32 {
  const x = cloudX(c);
  const y = cloudY(c);
  const sx = cloudSx(c);
  const sy = cloudSy(c);
  const guard = cloudGuard(c);
  const rx = redrawnX(c);
  const ry = redrawnY(c);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const ex = f64At(normals, from + i);
    const px = f64At(x, i) + f64At(sx, i) * ex;
    const py = f64At(y, i) + f64At(sy, i) * (rest == 0 ? rho * ex : rho * ex + rest * f64At(normals, ys + from + i));
    setF64(rx, i, px);
    setF64(ry, i, py);
    const g = load<i32>(guard + (<usize>i << 2));
    if (g >= 0 && f64At(rx, g) >= px && f64At(ry, g) >= py) continue;
    setF64(keyX, m, px);
    setF64(keyY, m, py);
    m++;
  }
  sortKeys(m);
  return frontOfKeys(m, c);
}

/** `ratiosOf` of the two clouds' frontiers (sizes hn, bn): the weighted mean log ratio, NaN when they share no level. */
function ratiosOf(hn: i32, bn: i32, vx: f64, vy: f64, cov: f64): f64 {
  if (!hn || !bn) return NaN;
  const hx = frontX(0);
  const hy = frontY(0);
  const hs = frontS(0);
  const bx = frontX(1);
  const by = frontY(1);
  const bs = frontS(1);
  const lo = Math.max(f64At(hx, 0), f64At(bx, 0));
  const hi = Math.min(f64At(hx, hn - 1), f64At(bx, bn - 1));
  if (lo > hi) return NaN;
  let n = 0;
  let sum: f64 = 0;
  let sumW: f64 = 0;
  let i = 0;
  let j = 0;
  let sh = 0;
  let sb = 0;
  let last: f64 = NaN;
  while (i < hn || j < bn) {
    const x = j >= bn || (i < hn && f64At(hx, i) <= f64At(bx, j)) ? f64At(hx, i++) : f64At(bx, j++);
    if (x > hi) break;
    if (x < lo || x == last) continue;
    last = x;
    while (sh < hn - 1 && f64At(hx, sh + 1) < x) sh++;
    while (sb < bn - 1 && f64At(bx, sb + 1) < x) sb++;
    const ratio = f64At(hy, sh) + f64At(hs, sh) * (x - f64At(hx, sh)) - (f64At(by, sb) + f64At(bs, sb) * (x - f64At(bx, sb)));
    const slope = (f64At(hs, sh) + f64At(bs, sb)) / 2;
    const w = 1 / Math.max(vy + slope * slope * vx - 2 * slope * cov, 1e-12);
    n++;
    sum += ratio * w;
    sumW += w;
  }
  return n ? sum / sumW : NaN;
}

// ---------------------------------------------------------------- the bootstrap

let sdOut: f64 = 0;

/** The standard deviation of the last `bootstrap`. */
export function bootstrapSd(): f64 {
  return sdOut;
}

/**
 * `bootstrap` of curves.ts over the clouds at `cloudsAt` (hn head points, bn baseline points):
 * the mean of the resamples' weighted mean log ratio (its standard deviation: `bootstrapSd`).
 * `stateSeed`: NormalStream's starting state for the curve's seed.
 */
export function bootstrap(hn: i32, bn: i32, stateSeed: i32, resamples: i32, vx: f64, vy: f64, rho: f64, cov: f64): f64 {
  const rest = Math.sqrt(Math.max(0, 1 - rho * rho));
  const points = hn + bn;
  state = stateSeed;
  let n = 0;
  let sum: f64 = 0;
  let sumSq: f64 = 0;
  for (let r = 0; r < resamples; r++) {
    fill(normals, rest == 0 ? points : 2 * points);
    const fh = resampledFront(0, hn, 0, points, rho, rest);
    const fb = resampledFront(1, bn, hn, points, rho, rest);
    const m = ratiosOf(fh, fb, vx, vy, cov);
    if (isNaN(m)) continue;
    n++;
    sum += m;
    sumSq += m * m;
  }
  if (n < 2) {
    sdOut = Infinity;
    return NaN;
  }
  const mu = sum / n;
  sdOut = Math.sqrt(Math.max(0, (sumSq - n * mu * mu) / (n - 1)));
  return mu;
}
