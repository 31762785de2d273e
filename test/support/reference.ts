// Where the reference data lives (the parity suites in test/parity/ read it).
// Default: ../shared/reference beside the project; INFX_REFERENCE_DIR overrides.
// vitest.config.ts decides whether test/parity/ runs: when the directory is
// missing the parity suites are left out with one line saying so, and under
// CI=true a missing directory fails the run.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INFX_REFERENCE_DIR ? resolve(env.INFX_REFERENCE_DIR) : join(ROOT, "../shared/reference");
}

export const REFERENCE_DIR = referenceDir();
export const REFERENCE_PRESENT = existsSync(REFERENCE_DIR);
export const GOLDEN_2026_02 = join(REFERENCE_DIR, "golden");
export const GOLDEN_2026_08 = join(REFERENCE_DIR, "golden-2026-08");
export const REF_CONFIGS_2026_02 = join(REFERENCE_DIR, "inferencex-2026-02/configs");
export const REF_CONFIGS_2026_08 = join(REFERENCE_DIR, "inferencex-2026-08/configs");
/** The user's seed documents (the user guide, the CSV extraction), beside the reference data. */
export const SEEDS_DIR = env("INFX_SEEDS_DIR") ?? join(dirname(REFERENCE_DIR), "seeds");

function env(name: string): string | undefined {
  const v = process.env[name];
  return v ? resolve(v) : undefined;
}
