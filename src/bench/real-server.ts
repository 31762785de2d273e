/**
 * The rules of a local sweep against one real server (`infx sweep --local
 * --base-url URL`): that server is one machine, so
 *  - the matrix must name one runner type (`oneRunnerType`): rows are
 *    labelled with it, and a server cannot be an h200 and a b200 at once;
 *  - per-GPU throughput divides by the server's GPUs (`--gpus N`, or what the
 *    server reports: `serverGpus`), not by each entry's TP (`forServer`);
 *  - the server must answer before the first job (`probeServer`), else the
 *    sweep stops at once instead of failing every job;
 *  - each row records the server and its GPU count (`forServer`).
 * Lengths default to the entries' own (scale 1) with a real server: see
 * `defaultScale`.
 */
import { UserError } from "../errors.js";
import type { AggRow } from "../results/types.js";
import type { MatrixEntry } from "../plan/types.js";

/** Divisor of the lengths when --scale is not given: full size against a real server, 64 against serve-sim. */
export function defaultScale(baseUrl: string | undefined): number {
  return baseUrl ? 1 : 64;
}

/** The runner type of the matrix; a matrix of several is refused unless the user chose one. */
export function oneRunnerType(entries: readonly MatrixEntry[], chosen: readonly string[] | undefined): string {
  const types = [...new Set(entries.map((e) => e.runner))].sort();
  if (types.length > 1) {
    throw new UserError(
      `the matrix spans ${types.length} runner types (${types.join(", ")}) but --base-url is one server: ` +
        `add --runner-type with the one that server is${chosen?.length ? ` (--runner-type ${chosen.join(" ")} keeps several)` : ""}`,
    );
  }
  return types[0] ?? "";
}

export interface ServerInfo {
  /** Model names the server lists at /v1/models. */
  models: string[];
  /** GPUs the server reports (SGLang /get_server_info), if it does. */
  gpus?: number;
}

type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

async function getJson(fetchImpl: Fetch, url: string, timeoutMs: number): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetchImpl(url, { signal: ctl.signal });
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    return { ok: true, value: await res.json() };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ok: false, reason: ctl.signal.aborted ? `no answer within ${timeoutMs / 1000}s` : (err.cause?.code ?? err.message) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GPUs of an SGLang server from /get_server_info (its server arguments):
 * tp_size x pp_size, times dp_size unless DP attention runs inside the TP group.
 */
export function serverGpus(info: unknown): number | undefined {
  if (typeof info !== "object" || info === null) return undefined;
  const i = info as Record<string, unknown>;
  const n = (k: string) => (typeof i[k] === "number" && Number.isInteger(i[k]) && (i[k] as number) > 0 ? (i[k] as number) : 1);
  if (typeof i.tp_size !== "number") return undefined;
  return n("tp_size") * n("pp_size") * (i.enable_dp_attention === true ? 1 : n("dp_size"));
}

/** Checks that the server answers GET /v1/models; throws a UserError that says what to do when it does not. */
export async function probeServer(baseUrl: string, opts: { timeoutMs?: number; fetchImpl?: Fetch } = {}): Promise<ServerInfo> {
  const fetchImpl = opts.fetchImpl ?? (fetch as unknown as Fetch);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const root = baseUrl.replace(/\/+$/, "");
  const models = await getJson(fetchImpl, `${root}/v1/models`, timeoutMs);
  if (!models.ok) {
    throw new UserError(
      `the server at ${baseUrl} is not answering (GET /v1/models: ${models.reason}); start it, wait until it has loaded the model, or fix --base-url. No job was run.`,
    );
  }
  const data = (models.value as { data?: unknown }).data;
  const names = Array.isArray(data) ? data.map((m) => String((m as { id?: unknown }).id ?? "")).filter(Boolean) : [];
  const info = await getJson(fetchImpl, `${root}/get_server_info`, timeoutMs);
  const gpus = info.ok ? serverGpus(info.value) : undefined;
  return { models: names, ...(gpus !== undefined ? { gpus } : {}) };
}

/** The GPU count to divide by: --gpus, else the server's own, else an error that asks for --gpus. */
export function resolveGpus(given: number | undefined, info: ServerInfo, baseUrl: string): { gpus: number; from: "--gpus" | "server" } {
  if (given !== undefined) return { gpus: given, from: "--gpus" };
  if (info.gpus !== undefined) return { gpus: info.gpus, from: "server" };
  throw new UserError(
    `how many GPUs serve ${baseUrl}? The server does not say (no SGLang /get_server_info): pass --gpus N so per-GPU throughput divides by the server's GPUs, not by each entry's TP`,
  );
}

/** A row measured on the real server: per-GPU throughput over its GPUs, and where it came from. */
export function forServer(row: AggRow, gpus: number, baseUrl: string): AggRow {
  // processResult divided by the entry's GPUs: TP, or prefill/decode/both for a multi-node entry.
  const [all, input, output] = row.is_multinode
    ? [row.num_prefill_gpu + row.num_decode_gpu, row.num_prefill_gpu, row.num_decode_gpu]
    : [row.tp, row.tp, row.tp];
  return {
    ...row,
    tput_per_gpu: (row.tput_per_gpu * all) / gpus,
    input_tput_per_gpu: (row.input_tput_per_gpu * input) / gpus,
    output_tput_per_gpu: (row.output_tput_per_gpu * output) / gpus,
    server: baseUrl,
    server_gpus: gpus,
  };
}
