/**
 * Worker entry of `loadRunsInParallel`: reads the runs it is sent (one message
 * per run) and posts back each as a packed run (`loadPackedRun`: keys and two
 * transferred buffers; history runs need no identities).
 */
import { parentPort } from "node:worker_threads";
import { type LoadJob, loadPackedRun } from "./packed.js";

parentPort!.on("message", (job: LoadJob | null) => {
  if (job === null) return void parentPort!.close();
  const { slots: _, ...packed } = loadPackedRun(job);
  parentPort!.postMessage(packed, [packed.values.buffer as ArrayBuffer, packed.bad.buffer as ArrayBuffer]);
});
