/** Asks an OpenAI-compatible server which model it serves (`GET /v1/models`). */
import { request } from "undici";

/** Largest `/v1/models` answer read (bytes): a list of model ids is a few KiB. */
const MAX_MODELS_BODY = 1 << 20;

/** The served model; the whole exchange (connect, headers, body) must finish within `timeoutMs`. */
export async function servedModel(baseUrl: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL(baseUrl.replace(/\/+$/, "") + "/v1/models");
  const signal = AbortSignal.timeout(timeoutMs);
  let res;
  let text = "";
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    res = await request(url, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal });
    for await (const piece of res.body) {
      pieces.push(piece as Buffer);
      size += (piece as Buffer).length;
      if (size > MAX_MODELS_BODY) throw new Error(`the answer is longer than ${MAX_MODELS_BODY} bytes`);
    }
    text = Buffer.concat(pieces).toString("utf8");
  } catch (e) {
    const why = signal.aborted ? `no complete answer within ${timeoutMs / 1000} s` : (e as Error).message;
    res?.body.destroy();
    throw new Error(`cannot reach ${url.href} to find the served model: ${why} (pass --model to skip this)`);
  }
  if (res.statusCode !== 200) throw new Error(`${url.href} answered HTTP ${res.statusCode}; pass --model`);
  try {
    const id = JSON.parse(text)?.data?.[0]?.id;
    if (typeof id === "string" && id) return id;
  } catch {
    /* fall through */
  }
  throw new Error(`${url.href} did not list a model (expected {"data": [{"id": ...}]}); pass --model`);
}
