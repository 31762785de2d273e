/**
 * Entry point of one client thread of `infx bench --workers N` (see
 * workers.ts): runs its part of the benchmark and posts the outcomes back with
 * their times moved onto the main thread's clock.
 */
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import type { RequestOutcome } from "./client.js";
import { runPart } from "./part.js";
import type { MainMessage, WorkerInit, WorkerMessage } from "./workers.js";

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
// Both clocks count from their thread's time origin.
const toMain = (t: number) => t + performance.timeOrigin - init.mainOrigin;
const fromMain = (t: number) => t - performance.timeOrigin + init.mainOrigin;

const abort = new AbortController();
setMaxListeners(0, abort.signal); // every request in flight listens to it
let go: (startAt: number) => void = () => {};
const started = new Promise<number>((resolve) => (go = resolve));
port.on("message", (m: MainMessage) => {
  if (m.type === "abort") abort.abort();
  else if (m.type === "go") go(fromMain(m.startAt));
});

try {
  const part = await runPart(init.options, init.share, init.of, {
    signal: abort.signal,
    ready: async () => {
      post({ type: "ready" });
      const startAt = await Promise.race([started, new Promise<number>((r) => abort.signal.addEventListener("abort", () => r(0), { once: true }))]);
      const wait = startAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return performance.now();
    },
    onDone: (o) => post({ type: "done", success: o.success, outputTokens: o.outputTokens }),
  });
  const move = (o: RequestOutcome) => ({ ...o, sendTime: toMain(o.sendTime), queuedAt: toMain(o.queuedAt), endTime: toMain(o.endTime) });
  post({
    type: "result",
    outcomes: part.outcomes.map(move),
    warmups: part.warmups.map(move),
    clientLoopDelay: part.clientLoopDelay,
    t0: toMain(part.t0),
    startedAt: part.startedAt.getTime(),
  });
} catch (e) {
  post({ type: "error", message: (e as Error).stack ?? String(e) });
}
