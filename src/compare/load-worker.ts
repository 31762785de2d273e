/**
 * Worker entry of `loadRunsInParallel`: reads the runs it is sent (one message
 * per run) and posts back their points as flat arrays (no identity objects:
 * history runs need only keys and values).
 */
import { parentPort } from "node:worker_threads";
import { loadRun } from "./load.js";
import { packRun, type LoadJob } from "./parallel.js";

parentPort!.on("message", (job: LoadJob | null) => {
  if (job === null) return void parentPort!.close();
  const packed = packRun(job.index, loadRun(job.label, job.files, job.root));
  parentPort!.postMessage(packed, [packed.values.buffer as ArrayBuffer, packed.bad.buffer as ArrayBuffer]);
});
