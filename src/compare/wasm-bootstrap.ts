/**
 * The curves' parametric bootstrap in WebAssembly (assembly/bootstrap.ts,
 * embedded in generated/bootstrap-wasm.ts by scripts/build-wasm.mjs): the
 * steps of `bootstrap` in curves.ts on the same doubles, with the same
 * normals (`NormalStream`: its state and ziggurat tables are copied in, and
 * JavaScript's own exp and log are imported), so the same numbers bit for bit
 * (test/wasm-bootstrap.test.ts holds it to that), at about half the cost and
 * with no warm-up of the optimizing compiler: hundreds of curves times 200
 * resamples are most of a big comparison's statistics.
 */
import { BOOTSTRAP_WASM } from "./generated/bootstrap-wasm.js";
import { NormalStream } from "./stats.js";

interface Exports {
  memory: WebAssembly.Memory;
  setZiggurat(i: number, w: number, k: number, f: number, r: number): void;
  cloudsAt(points: number): number;
  cloudCapacity(): number;
  bootstrap(hn: number, bn: number, state: number, resamples: number, vx: number, vy: number, rho: number, cov: number): number;
  bootstrapSd(): number;
}

/** One run's points as the bootstrap draws them (n of each): position, spread and guard (see `guardsOf` in curves.ts). */
export interface BootstrapCloud {
  n: number;
  x: Float64Array;
  y: Float64Array;
  /** RESAMPLE_SPREAD × the coordinate's standard deviation. */
  sx: Float64Array;
  sy: Float64Array;
  /** Per point: an earlier point that dominates it as observed, or -1. */
  guard: Int32Array;
}

let exports: Exports | undefined;

function instance(): Exports {
  if (exports) return exports;
  const module = new WebAssembly.Module(Buffer.from(BOOTSTRAP_WASM, "base64"));
  const abort = () => {
    throw new Error("bootstrap.wasm: out of memory");
  };
  const x = new WebAssembly.Instance(module, { env: { exp: Math.exp, log: Math.log, abort } }).exports as unknown as Exports;
  const z = NormalStream.ziggurat;
  for (let i = 0; i < z.w.length; i++) x.setZiggurat(i, z.w[i]!, z.k[i]!, i < z.f.length ? z.f[i]! : 0, z.r);
  exports = x;
  return x;
}

/** Writes cloud `c` (0 head, 1 baseline) into the module's arrays of capacity `cap` at `at`. */
function put(x: Exports, at: number, cap: number, c: number, cloud: BootstrapCloud): void {
  const base = at + c * 36 * cap;
  const f = new Float64Array(x.memory.buffer, base, 4 * cap);
  f.set(cloud.x.subarray(0, cloud.n), 0);
  f.set(cloud.y.subarray(0, cloud.n), cap);
  f.set(cloud.sx.subarray(0, cloud.n), 2 * cap);
  f.set(cloud.sy.subarray(0, cloud.n), 3 * cap);
  new Int32Array(x.memory.buffer, base + 32 * cap, cap).set(cloud.guard.subarray(0, cloud.n));
}

/** `bootstrap` of curves.ts: mean and standard deviation of the resamples' weighted mean log ratio. */
export function wasmBootstrap(
  h: BootstrapCloud,
  b: BootstrapCloud,
  seed: number,
  resamples: number,
  weights: { vx: number; vy: number; rho: number; cov: number },
): { mean: number; sd: number } {
  const x = instance();
  const at = x.cloudsAt(h.n + b.n);
  const cap = x.cloudCapacity();
  put(x, at, cap, 0, h);
  put(x, at, cap, 1, b);
  const mean = x.bootstrap(h.n, b.n, NormalStream.initialState(seed), resamples, weights.vx, weights.vy, weights.rho, weights.cov);
  return { mean, sd: x.bootstrapSd() };
}
