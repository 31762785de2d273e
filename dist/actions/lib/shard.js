/**
 * First job of a shard: downloads this run's `sweep-plan` artifact and outputs
 * one shard's entries (a matrix of at most 256 entries, one job output < 1 MB).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActionError, input } from "./runtime.js";
import { SHARD_ID_PATTERN as SHARD_ID_RE } from "../../plan/shard.js";
/** GitHub refuses a job output over 1 MB. */
const MAX_OUTPUT_BYTES = 1_000_000;
const SHARD_DIR = "shards";
export async function runShard(deps) {
    const id = input(deps, "shard", { required: true });
    if (!SHARD_ID_RE.test(id))
        throw new ActionError(`input 'shard': '${id}' is not a shard id (expected canary, single-NNN or multi-NNN)`);
    const name = input(deps, "plan-artifact") || "sweep-plan";
    const art = (await deps.artifacts.list()).find((a) => a.name === name);
    if (!art)
        throw new ActionError(`this run has no '${name}' artifact: the plan job must upload it before the shards start`);
    const dir = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), "shard-"));
    await deps.artifacts.download(art, dir);
    const file = join(dir, SHARD_DIR, `${id}.json`);
    if (!existsSync(file))
        throw new ActionError(`artifact '${name}' has no shard '${id}'`);
    const text = readFileSync(file, "utf8");
    const entries = JSON.parse(text);
    const compact = JSON.stringify(entries);
    if (Buffer.byteLength(compact) > MAX_OUTPUT_BYTES)
        throw new ActionError(`shard '${id}' is ${Buffer.byteLength(compact)} bytes, over the job output limit`);
    deps.core.setOutput("entries", compact);
    deps.core.setOutput("count", String(entries.length));
    deps.core.info(`shard ${id}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}`);
}
