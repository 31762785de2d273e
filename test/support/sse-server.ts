// A tiny scripted HTTP server on 127.0.0.1 for client tests: each test decides
// exactly what bytes go out and when (split events, stalls, resets).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Scripted {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function scriptedServer(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>): Promise<Scripted> {
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    const n = state.requests++;
    req.resume();
    req.on("end", () => void handler(req, res, n));
  });
  server.on("connection", (s: Socket) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function sseHead(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
}

export function contentChunk(text: string, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: "cmpl-x", object: "text_completion", choices: [{ index: 0, text, finish_reason: null }], usage: null, ...extra })}\n\n`;
}

export function usageChunk(completion: number, prompt = 3): string {
  return `data: ${JSON.stringify({ id: "cmpl-x", object: "text_completion", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`;
}
