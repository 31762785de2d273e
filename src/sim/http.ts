/**
 * The HTTP/1.1 layer of serve-sim, directly on TCP sockets.
 *
 * serve-sim is a measuring instrument: its ground truth is only as good as the
 * moments it can stamp. node:http parses requests before any JavaScript sees
 * them and corks each response until the next tick, so under a burst of
 * hundreds of requests or chunks its timestamps lag the bytes by milliseconds.
 * Here a request is stamped when its first bytes are read (`receivedAt`), and
 * every response write goes straight to the socket, so a caller that stamps
 * after `write` has the moment the bytes were handed to the kernel.
 *
 * Scope (what an OpenAI-compatible client sends): HTTP/1.1 and 1.0 requests with
 * a Content-Length body (chunked request bodies get 411; `Expect: 100-continue`
 * is answered), keep-alive unless the client asks to close, pipelined requests
 * answered in order, responses either with a Content-Length or chunked (streams).
 */
import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";

export interface SimRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Header names lower-cased. */
  headers: Map<string, string>;
  body: Buffer;
  /** `performance.timeOrigin + performance.now()` when the request's first bytes were read, ms. */
  receivedAt: number;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 64 * 1024 * 1024;
const REASONS: Record<number, string> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  404: "Not Found",
  411: "Length Required",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
};

export const wallNow = () => performance.timeOrigin + performance.now();

/** One response on one connection; a connection serves its requests one after another. */
export class SimResponse {
  private chunked = false;
  private headSent = false;
  ended = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    private readonly keepAlive: boolean,
    private readonly done: () => void,
  ) {}

  onClose(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  /** @internal */
  connectionClosed(): void {
    for (const fn of this.closeListeners) fn();
  }

  private head(status: number, headers: Record<string, string | number>, bodyLength: number | undefined): string {
    this.headSent = true;
    let h = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n`;
    for (const [k, v] of Object.entries(headers)) h += `${k}: ${v}\r\n`;
    if (bodyLength === undefined) {
      this.chunked = true;
      h += "transfer-encoding: chunked\r\n";
    } else if (status !== 204) h += `content-length: ${bodyLength}\r\n`;
    if (!this.keepAlive) h += "connection: close\r\n";
    return h + "\r\n";
  }

  private pendingHead = "";

  /**
   * Starts a chunked response. The status line and headers are written with
   * the first chunk, or at the next turn of the event loop if no chunk comes
   * first, so reading a burst of requests is not slowed by a write per request.
   */
  startStream(status: number, headers: Record<string, string | number>): void {
    if (this.ended || this.socket.destroyed) return;
    this.pendingHead = this.head(status, headers, undefined);
    setImmediate(() => this.flushHead());
  }

  private flushHead(): void {
    if (!this.pendingHead || this.socket.destroyed) return;
    const h = this.pendingHead;
    this.pendingHead = "";
    this.socket.write(h, "latin1");
  }

  /** One chunk of a streamed body, written to the socket immediately. */
  write(data: string): void {
    if (this.ended || this.socket.destroyed) return;
    if (!this.headSent) throw new Error("startStream() first");
    const frame = `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
    if (this.pendingHead) {
      this.socket.write(this.pendingHead + frame);
      this.pendingHead = "";
    } else this.socket.write(frame);
  }

  /** Ends a stream (with a last chunk), or sends a whole response with a Content-Length. */
  end(data = "", status = 200, headers: Record<string, string | number> = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.socket.destroyed) {
      if (!this.headSent) this.socket.write(this.head(status, headers, Buffer.byteLength(data)) + data);
      else if (this.chunked) {
        const tail = data ? `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n0\r\n\r\n` : "0\r\n\r\n";
        this.socket.write(this.pendingHead + tail);
        this.pendingHead = "";
      }
      if (!this.keepAlive) this.socket.end();
    }
    this.done();
  }

  json(status: number, value: unknown): void {
    this.end(JSON.stringify(value), status, { "content-type": "application/json" });
  }

  /** Drops the connection without finishing the response. */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }
}

const ready = new Set<() => void>();
let _readyTimer: NodeJS.Immediate | undefined;
function afterReads(fn: () => void): void {
  ready.add(fn);
  _readyTimer ??= setImmediate(() => {
    _readyTimer = undefined;
    for (const f of ready) {
      ready.delete(f);
      f();
    }
  });
}

export interface SimHttpServer {
  server: Server;
  sockets: Set<Socket>;
}

interface RequestHead {
  method: string;
  target: string;
  version: string;
  headers: Map<string, string>;
  /** Content-Length of the body. */
  length: number;
}

/** Parses a request head (`buf` up to `headEnd`, the blank line); a refusal is the status and message to answer with. */
function readHead(buf: Buffer, headEnd: number): RequestHead | { status: number; message: string } {
  const lines = buf.toString("latin1", 0, headEnd).split("\r\n");
  const [method, target, version] = lines[0]!.split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.")) return { status: 400, message: "malformed request line" };
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i]!.indexOf(":");
    if (c > 0) headers.set(lines[i]!.slice(0, c).trim().toLowerCase(), lines[i]!.slice(c + 1).trim());
  }
  if (headers.has("transfer-encoding")) return { status: 411, message: "serve-sim needs a Content-Length request body" };
  const length = Number(headers.get("content-length") ?? 0);
  if (!Number.isInteger(length) || length < 0) return { status: 400, message: "bad content-length" };
  if (length > MAX_BODY) return { status: 413, message: "request body too large" };
  return { method, target, version, headers, length };
}

/** Serves one connection: stamps and buffers what it reads, then parses and dispatches its requests in order. */
function serveConnection(socket: Socket, sockets: Set<Socket>, handle: (req: SimRequest, res: SimResponse) => void): void {
  sockets.add(socket);
  // Bytes not yet consumed, as they arrived (joined only when a request is complete,
  // so a large body in many pieces is copied once, not once per piece).
  let pieces: Buffer[] = [];
  let buffered = 0;
  /** Bytes needed before parsing can get further (the head is parsed, the body is not all here). */
  let needed = 0;
  let firstByteAt = 0;
  let current: SimResponse | null = null;
  let continued = false;

  const reject = (status: number, message: string) => {
    const body = JSON.stringify({ object: "error", message, type: "BadRequestError", param: null, code: status });
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    pieces = [];
    buffered = 0;
  };
  const joined = (): Buffer => {
    if (pieces.length > 1) pieces = [Buffer.concat(pieces, buffered)];
    return pieces[0]!;
  };

  /** Parses and dispatches buffered requests while no response is open. */
  const pump = () => {
    while (buffered > 0 && buffered >= needed && !current && !socket.destroyed) {
      const buf = joined();
      const headEnd = buf.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        if (buf.length > MAX_HEAD) reject(431, "request head too large");
        return;
      }
      const head = readHead(buf, headEnd);
      if ("status" in head) return reject(head.status, head.message);
      const { method, target, version, headers, length } = head;
      const start = headEnd + 4;
      if (buf.length < start + length) {
        needed = start + length;
        // The rest of the body is still coming; a client that waits to be asked (curl does,
        // for bodies over 1 KiB) is asked once.
        if (!continued && (headers.get("expect") ?? "").toLowerCase() === "100-continue") {
          continued = true;
          socket.write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
      }
      continued = false;
      needed = 0;
      const body = buf.subarray(start, start + length);
      const rest = buf.subarray(start + length);
      pieces = rest.length ? [rest] : [];
      buffered = rest.length;
      const connection = (headers.get("connection") ?? "").toLowerCase();
      const keepAlive = version === "HTTP/1.1" ? connection !== "close" : connection === "keep-alive";
      const req: SimRequest = { method, path: target.split("?")[0]!, headers, body, receivedAt: firstByteAt };
      const res = new SimResponse(socket, keepAlive, () => {
        if (current === res) current = null;
        if (keepAlive) setImmediate(pump);
      });
      current = res;
      // Pipelined bytes already here belong to the next request: it arrived no later than now.
      firstByteAt = wallNow();
      handle(req, res);
    }
  };

  // Reading only stamps and buffers; requests are parsed and handled after
  // every socket that is ready now has been read (and stamped) too.
  socket.on("data", (d: Buffer) => {
    const t = wallNow();
    if (buffered === 0) firstByteAt = t;
    pieces.push(d);
    buffered += d.length;
    if (buffered >= needed) afterReads(pump);
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    sockets.delete(socket);
    current?.connectionClosed();
  });
}

/** Starts listening; `handle` is called once per complete request. */
export async function listenSimHttp(host: string, port: number, handle: (req: SimRequest, res: SimResponse) => void): Promise<SimHttpServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => serveConnection(socket, sockets, handle));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return { server, sockets };
}
