/** Asks an OpenAI-compatible server which model it serves (`GET /v1/models`). */
import { request } from "undici";

export async function servedModel(baseUrl: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL(baseUrl.replace(/\/+$/, "") + "/v1/models");
  let res;
  try {
    res = await request(url, { method: "GET", headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (e) {
    throw new Error(`cannot reach ${url.href} to find the served model: ${(e as Error).message} (pass --model to skip this)`);
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url.href} answered HTTP ${res.statusCode}; pass --model`);
  try {
    const id = JSON.parse(text)?.data?.[0]?.id;
    if (typeof id === "string" && id) return id;
  } catch {
    /* fall through */
  }
  throw new Error(`${url.href} did not list a model (expected {"data": [{"id": ...}]}); pass --model`);
}
