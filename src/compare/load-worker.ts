/**
 * Worker entry of `loadRunsInParallel`: reads the runs it is sent (one message
 * per run) and posts back each as a packed run (`loadPackedRun`: three
 * transferred buffers, and the identities first met in it, so the
 * main thread can translate this thread's ids: `runFromWorker`).
 */
import { parentPort } from "node:worker_threads";
import { localIdentities } from "./identities.js";
import { type LoadJob, loadPackedRun } from "./packed.js";

let sent = 0;
parentPort!.on("message", (job: LoadJob | null) => {
  if (job === null) return void parentPort!.close();
  const packed = loadPackedRun(job);
  const table = localIdentities();
  packed.newIdentities = table.tuplesFrom(sent);
  sent = table.size;
  const t = packed.newIdentities;
  const buffers = [packed.values, packed.bad, packed.ids, t.starts, t.types, t.nums].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage(packed, buffers);
});
