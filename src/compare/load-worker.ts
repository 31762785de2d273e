/**
 * Worker entry of `loadRunsInParallel`: claims runs from the shared jobs
 * (`claimLoadJob`) until none is left, posting back each as a packed run
 * (`loadPackedRun`: transferred buffers, and the identities first met in it,
 * so the main thread can translate this thread's ids: `runFromWorker`).
 */
import { parentPort, workerData } from "node:worker_threads";
import { localIdentities } from "./identities.js";
import { claimLoadJob, type LoadShare } from "./parallel.js";
import { loadPackedRun } from "./packed.js";

const share = workerData as LoadShare;
let sent = 0;
for (let job = claimLoadJob(share); job; job = claimLoadJob(share)) {
  const packed = loadPackedRun(job);
  const table = localIdentities();
  packed.newIdentities = table.tuplesFrom(sent);
  sent = table.size;
  const t = packed.newIdentities;
  const buffers = [packed.values, packed.bad, packed.ids, t.starts, t.types, t.nums].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage(packed, buffers);
}
