/**
 * Where a worker thread's script is: beside the module that starts it, in
 * dist/compare/ (tsc) and in actions/dist/ (scripts/build.mjs builds the
 * workers there, WORKER_ENTRIES). Beside the TypeScript sources under test there
 * is none, and the callers then do the work on their own thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The script `name` beside the module at `moduleUrl` (its `import.meta.url`), when it exists. */
export function workerBeside(moduleUrl: string, name: string): string | undefined {
  try {
    const file = fileURLToPath(new URL(name, moduleUrl));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}
