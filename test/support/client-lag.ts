// The benchmark client's warning about its own event-loop lag
// (src/bench/report.ts clientLagWarning) is right whenever the machine is
// busy: on a loaded test machine it may appear in any run. Tests that assert
// "nothing else on stderr" leave exactly that line out, and timing tests add
// the delay the process's event loop really had to their tolerance.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

const LAG_WARNING =
  /^warning: the client's own event loop lagged \(p99 \d+\.\d ms, max \d+\.\d ms( at concurrency \d+)?\): latencies include up to that much client delay; run fewer streams per client process, or check what else is using this machine's CPU\n/gm;

/** stderr without the client's lag warning (the only line a loaded machine may add). */
export function withoutLagWarning(stderr: string): string {
  return stderr.replace(LAG_WARNING, "");
}

/** Watches this thread's event loop (where in-process serve-sim, and the client unless it runs in worker threads, run) until `stop()`: its p99 delay in ms. */
export function watchLoopDelay(): { stop: () => number; max: () => number } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    stop: () => {
      h.disable();
      return h.count > 0 ? h.percentile(99) / 1e6 : 0;
    },
    /** The longest delay seen (ms); call after stop(). */
    max: () => (h.count > 0 ? h.max / 1e6 : 0),
  };
}
