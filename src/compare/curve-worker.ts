/**
 * Worker entry of `curveStats`: claims curves from the shared jobs until none
 * is left. Started ahead (`prestartCurveWorkers`: workerData `{ warm: true }`),
 * it first computes a few synthetic curves, so its code is optimized before
 * the jobs come, then waits for them (one message).
 */
import { parentPort, workerData } from "node:worker_threads";
import { claimJobs, type SharedJobs } from "./curve-pool.js";
import { type CurvePoint, curveStat } from "./curves.js";

/** Synthetic curves like a sweep's (two series of 30 concurrencies, 3% noise), both noise correlations' paths. */
function warmUp(): void {
  const series = (shift: number): CurvePoint[] =>
    Array.from({ length: 60 }, (_, i) => {
      const c = (i % 30) + 1;
      const tp = i < 30 ? 0 : 0.3;
      return { x: 5 - 0.7 * Math.log(c) - tp + shift, y: 3 + 0.75 * Math.log(c) - tp, sx: 0.03, sy: 0.03 };
    });
  for (let k = 0; k < 24; k++) curveStat(series(0), series(0.01 * (k % 5)), 0.99, k, k % 2 ? 1 : 0.8);
}

const data = workerData as SharedJobs | { warm: true };
if ("warm" in data) {
  warmUp();
  parentPort?.once("message", (s: SharedJobs) => claimJobs(s));
} else claimJobs(data);
