/** HTTP pieces for end-to-end tests: a raw origin that records every byte, a raw client, a response parser, curl. */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { RunningProxy } from "./proxy.ts";
import { type Origin, sleep, tcpServer } from "./net.ts";

/** One request as the origin parsed it from the bytes the proxy sent. */
export interface OriginRequest {
  /** Which accepted connection it came on (0-based). */
  conn: number;
  method: string;
  target: string;
  version: string;
  /** Fields in order, names as they came on the wire. */
  headers: [string, string][];
  /** The head exactly as received, empty line included. */
  rawHead: string;
  body: Buffer;
}

export interface RawHttpOrigin extends Origin {
  /** Requests parsed so far, in arrival order. */
  readonly requests: OriginRequest[];
  /** Every byte received, all connections, in arrival order. */
  readonly received: number;
  /** What could not be parsed (the origin then closes that connection). */
  readonly errors: string[];
}

/** What the origin does with a parsed request: write a response on `sock` (or do nothing). */
export type OriginResponder = (req: OriginRequest, sock: net.Socket, nth: number) => void;

/** 200 with a two-byte body, keep-alive. */
export const replyOk: OriginResponder = (req, sock) => {
  sock.write(
    `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Origin-Conn: ${req.conn}\r\n\r\nok`,
  );
};

/**
 * A node:net origin with its own small HTTP/1.1 request parser (Content-Length and chunked bodies),
 * so a test sees the bytes the proxy sent exactly as they came. `respond` answers each request; the
 * third argument counts requests on that connection (0 for the first).
 */
export async function rawHttpOrigin(respond: OriginResponder = replyOk): Promise<RawHttpOrigin> {
  const requests: OriginRequest[] = [];
  const errors: string[] = [];
  let received = 0, conns = 0;
  const origin = await tcpServer((sock) => {
    const conn = conns++;
    let buf = Buffer.alloc(0);
    let nth = 0;
    sock.on("data", (d: Buffer) => {
      received += d.length;
      buf = Buffer.concat([buf, d]);
      for (let guard = 0; guard < 1000; guard++) {
        let r: { req: OriginRequest; used: number } | null;
        try {
          r = parseRequest(buf, conn);
        } catch (err) {
          errors.push(`conn ${conn}: ${(err as Error).message}: ${JSON.stringify(latin1(buf))}`);
          sock.destroy();
          return;
        }
        if (!r) return;
        buf = buf.subarray(r.used);
        requests.push(r.req);
        respond(r.req, sock, nth++);
      }
    });
    sock.on("end", () => sock.end());
  });
  return {
    port: origin.port,
    get accepted() {
      return origin.accepted;
    },
    get open() {
      return origin.open;
    },
    close: () => origin.close(),
    requests,
    get received() {
      return received;
    },
    errors,
  };
}

const latin1 = (b: Buffer) => b.toString("latin1");

/** Parses one request from the start of `buf`; null when incomplete; throws when malformed. */
function parseRequest(buf: Buffer, conn: number): { req: OriginRequest; used: number } | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) {
    if (buf.length > 1 << 20) throw new Error("head longer than 1 MiB");
    return null;
  }
  const rawHead = latin1(buf.subarray(0, end + 4));
  const lines = rawHead.slice(0, -4).split("\r\n");
  const m = /^(\S+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0]!);
  if (!m) throw new Error(`bad request line ${JSON.stringify(lines[0])}`);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const h = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!h) throw new Error(`bad header line ${JSON.stringify(line)}`);
    headers.push([h[1]!, h[2]!]);
  }
  const get = (n: string) => headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
  const te = get("transfer-encoding").join(",").toLowerCase();
  const cl = get("content-length");
  let body: Buffer, used: number;
  if (/chunked\s*$/.test(te)) {
    if (cl.length > 0) throw new Error("both Transfer-Encoding and Content-Length forwarded");
    const c = parseChunked(buf, end + 4);
    if (!c) return null;
    ({ body, used } = c);
  } else {
    if (te !== "") throw new Error(`Transfer-Encoding ${te} without chunked last`);
    const n = cl.length > 0 ? Number(cl[0]!.split(",")[0]) : 0;
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad Content-Length ${cl.join("|")}`);
    if (buf.length < end + 4 + n) return null;
    body = Buffer.from(buf.subarray(end + 4, end + 4 + n));
    used = end + 4 + n;
  }
  return {
    req: { conn, method: m[1]!, target: m[2]!, version: m[3]!, headers, rawHead, body },
    used,
  };
}

/** Decodes a chunked body starting at `off`; null when incomplete. Trailers are skipped. */
function parseChunked(buf: Buffer, off: number): { body: Buffer; used: number } | null {
  const parts: Buffer[] = [];
  for (let guard = 0; guard < 1_000_000; guard++) {
    const eol = buf.indexOf("\r\n", off);
    if (eol < 0) return null;
    const sizeText = latin1(buf.subarray(off, eol)).split(";")[0]!;
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
      throw new Error(`bad chunk size ${JSON.stringify(sizeText)}`);
    }
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      let t = eol + 2;
      for (let g = 0; g < 1000; g++) {
        const e = buf.indexOf("\r\n", t);
        if (e < 0) return null;
        if (e === t) return { body: Buffer.concat(parts), used: e + 2 };
        t = e + 2;
      }
      throw new Error("too many trailer lines");
    }
    if (buf.length < eol + 2 + size + 2) return null;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    if (latin1(buf.subarray(eol + 2 + size, eol + 4 + size)) !== "\r\n") {
      throw new Error("chunk data not followed by CRLF");
    }
    off = eol + 4 + size;
  }
  throw new Error("too many chunks");
}

/** One response as a client received it. */
export interface ClientResponse {
  version: string;
  status: number;
  reason: string;
  /** Fields in order, names as they came. */
  headers: [string, string][];
  body: Buffer;
  /** Whether the body ran until the connection closed (no Content-Length, not chunked). */
  untilClose: boolean;
}

/** The value of a field (the first one), by case-insensitive name. */
export function header(r: { headers: [string, string][] }, name: string): string | undefined {
  return r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * Parses one response from the start of `buf`; null when more bytes are needed. `head` says the
 * request was HEAD (no body); `closed` says the connection ended, so a close-delimited body is complete.
 */
export function parseResponse(
  buf: Buffer,
  opts: { head?: boolean; closed?: boolean } = {},
): { res: ClientResponse; used: number } | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) {
    if (opts.closed && buf.length > 0) {
      throw new Error(`truncated response head: ${JSON.stringify(latin1(buf))}`);
    }
    return null;
  }
  const lines = latin1(buf.subarray(0, end)).split("\r\n");
  const m = /^(HTTP\/1\.[01]) (\d{3}) ?(.*)$/.exec(lines[0]!);
  if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
  const headers: [string, string][] = lines.slice(1).map((l) => {
    const i = l.indexOf(":");
    if (i <= 0) throw new Error(`bad response header line ${JSON.stringify(l)}`);
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  const status = Number(m[2]);
  const base = { version: m[1]!, status, reason: m[3]!, headers };
  const start = end + 4;
  if (opts.head || (status >= 100 && status < 200) || status === 204 || status === 304) {
    return { res: { ...base, body: Buffer.alloc(0), untilClose: false }, used: start };
  }
  const te = header(base, "transfer-encoding");
  if (te && /chunked/i.test(te)) {
    const c = parseChunked(buf, start);
    if (!c) return null;
    return { res: { ...base, body: c.body, untilClose: false }, used: c.used };
  }
  const cl = header(base, "content-length");
  if (cl !== undefined) {
    const n = Number(cl);
    if (buf.length < start + n) return null;
    return {
      res: { ...base, body: Buffer.from(buf.subarray(start, start + n)), untilClose: false },
      used: start + n,
    };
  }
  if (!opts.closed) return null;
  return {
    res: { ...base, body: Buffer.from(buf.subarray(start)), untilClose: true },
    used: buf.length,
  };
}

/** Every complete response in `buf` (interim 1xx included), and the bytes left over. */
export function parseResponses(
  buf: Buffer,
  opts: { closed?: boolean; heads?: boolean[] } = {},
): { responses: ClientResponse[]; rest: Buffer } {
  const responses: ClientResponse[] = [];
  let finals = 0;
  for (let guard = 0; guard < 10_000 && buf.length > 0; guard++) {
    const r = parseResponse(buf, {
      closed: opts.closed ?? false,
      head: opts.heads?.[finals] ?? false,
    });
    if (!r) break;
    responses.push(r.res);
    if (r.res.status >= 200) finals++;
    buf = buf.subarray(r.used);
  }
  return { responses, rest: buf };
}

/**
 * A raw client connection: write bytes, read whole responses one by one, see whether the proxy
 * closed. Everything received is kept in `all`.
 */
export class RawClient {
  readonly sock: net.Socket;
  #buf = Buffer.alloc(0);
  #all: Buffer[] = [];
  #closed = false;
  #wake: (() => void) | null = null;

  /** The client's port, as the proxy's log shows it. */
  readonly localPort: number;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    this.localPort = sock.localPort ?? -1;
    sock.on("data", (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#all.push(d);
      this.#wake?.();
    });
    sock.on("error", () => {});
    // the proxy's FIN ends the exchange (it may keep its socket open a moment longer)
    const ended = () => {
      this.#closed = true;
      this.#wake?.();
    };
    sock.on("end", () => {
      ended();
      sock.end();
    });
    sock.on("close", ended);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
      s.once("connect", () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every byte received on this connection so far. */
  get all(): Buffer {
    return Buffer.concat(this.#all);
  }

  write(data: string | Uint8Array): void {
    this.sock.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Waits until `ready()` holds, new bytes arrive or the connection closes; false on timeout. */
  async #waitFor(ready: () => boolean, deadline: number): Promise<boolean> {
    while (!ready()) {
      if (this.#closed) return ready();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = null;
    }
    return true;
  }

  /** The next final response (interim 1xx ones are skipped unless `interim`); throws on timeout. */
  async response(
    opts: { head?: boolean; timeoutMs?: number; interim?: boolean } = {},
  ): Promise<ClientResponse> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    for (let guard = 0; guard < 100; guard++) {
      let got: { res: ClientResponse; used: number } | null = null;
      await this.#waitFor(() => {
        got = parseResponse(this.#buf, { head: opts.head ?? false, closed: this.#closed });
        return got !== null;
      }, deadline);
      if (!got) {
        throw new Error(
          `no complete response within ${opts.timeoutMs ?? 5000}ms (closed: ${this.#closed}); ` +
            `have ${JSON.stringify(latin1(this.#buf).slice(0, 400))}`,
        );
      }
      const { res, used } = got as { res: ClientResponse; used: number };
      this.#buf = this.#buf.subarray(used);
      if (res.status >= 200 || opts.interim) return res;
    }
    throw new Error("too many interim responses");
  }

  /** Waits for the proxy to close (or half-close) the connection; returns whether it did within `ms`. */
  waitClosed(ms = 5000): Promise<boolean> {
    return this.#waitFor(() => this.#closed, Date.now() + ms);
  }

  /** Bytes received and not consumed by response(). */
  get pending(): Buffer {
    return this.#buf;
  }

  destroy(): void {
    this.sock.destroy();
  }
}

/** Sends `raw` (latin1) on a fresh connection and collects everything until the proxy closes it. */
export async function sendRaw(
  port: number,
  raw: string | Uint8Array,
  timeoutMs = 5000,
): Promise<{ data: Buffer; closed: boolean; localPort: number }> {
  const c = await RawClient.open(port);
  const localPort = c.localPort;
  c.write(raw);
  const closed = await c.waitClosed(timeoutMs);
  c.destroy();
  return { data: c.all, closed, localPort };
}

export interface CurlResult {
  code: number;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/**
 * Runs curl asynchronously (the origins live in this process, so a blocking spawnSync would
 * deadlock them). `input` is piped to curl's stdin.
 */
export function curl(
  args: string[],
  opts: { input?: Uint8Array | string; timeoutMs?: number } = {},
): Promise<CurlResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn("curl", ["--silent", "--show-error", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - t0 });
    });
    p.stdin.on("error", () => {});
    if (opts.input !== undefined) p.stdin.end(opts.input);
    else p.stdin.end();
  });
}

/** Polls `cond` every 20ms until it holds; throws with `what` after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 100_000; i++) {
    if (cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits for a line of the proxy's output (after `from` characters) matching `re`; returns it. */
export async function waitForLine(
  proxy: RunningProxy,
  re: RegExp,
  opts: { from?: number; ms?: number } = {},
): Promise<string> {
  let found: string | undefined;
  try {
    await until(
      () => {
        found = proxy.output().slice(opts.from ?? 0).split("\n").find((l) => re.test(l));
        return found !== undefined;
      },
      opts.ms ?? 3000,
      `a log line matching ${re}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; output:\n${proxy.output().slice(-3000)}`);
  }
  return found!;
}

/** The access-log lines (httplog) of a client port. */
export function logLinesOf(proxy: RunningProxy, clientPort: number): string[] {
  return proxy.output().split("\n").filter((l) => l.startsWith(`127.0.0.1:${clientPort} [`));
}

/**
 * A one-frontend (`web`), one-backend (`app`) HTTP config; `servers` as [name, port] pairs.
 * `frontend` adds flow-mapping entries (", key: value"); `backend` and `defaults` add one block line
 * each ("key: value"); `global` adds flow entries.
 */
export function httpConfig(
  servers: [string, number][],
  extra: { frontend?: string; backend?: string; defaults?: string; global?: string } = {},
): string {
  return `
global: { hardStopAfter: 2s ${extra.global ?? ""} }
defaults:
  mode: http
  timeout: { connect: 2s, client: 30s, server: 30s, httpRequest: 10s, httpKeepAlive: 10s }
  ${extra.defaults ?? ""}
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app ${extra.frontend ?? ""} }
backends:
  app:
    ${extra.backend ?? ""}
    servers:
${servers.map(([n, p]) => `      - { name: ${n}, address: "127.0.0.1:${p}" }`).join("\n")}
`;
}

/** What the JSON echo origin answers: the request as node:http saw it, the body by length and hash. */
export interface EchoedRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** Names and values alternating, as node:http's rawHeaders. */
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  bodyLength: number;
  bodySha256: string;
}

/** A node:http origin answering every request with its head and a hash of its body, as JSON. */
export function jsonEchoOrigin(): Promise<Origin & { readonly requests: number }> {
  let accepted = 0, open = 0, requests = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    requests++;
    const h = createHash("sha256");
    let n = 0;
    req.on("data", (d: Buffer) => {
      n += d.length;
      h.update(d);
    });
    req.on("end", () => {
      const echoed: EchoedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        bodyLength: n,
        bodySha256: h.digest("hex"),
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(echoed));
    });
  });
  server.on("connection", (s: net.Socket) => {
    accepted++;
    open++;
    sockets.add(s);
    s.on("close", () => {
      open--;
      sockets.delete(s);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        get accepted() {
          return accepted;
        },
        get open() {
          return open;
        },
        get requests() {
          return requests;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
