/**
 * A recording origin for the socket fuzzer: reads what the proxy forwards with a strict HTTP/1.1
 * parser (one Content-Length or a final chunked, never both, no obs-fold, no bare CR/LF, no
 * controls), answers each request, and files it under the client connection that the proxy's
 * `x-fuzz-conn` field names. Anything it cannot read as exactly such requests is a problem.
 */
import net from "node:net";

export interface OriginRequest {
  /** The client connection (its source port) the proxy said this request came from; null: none. */
  tag: string | null;
  method: string;
  target: string;
  bodyLength: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([\x21-\x7e]+) HTTP\/1\.([01])$/;
// deno-lint-ignore no-control-regex -- controls are what the origin refuses
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*$/;
const OK = Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");

const latin1 = (b: Buffer) => b.toString("latin1");

/** One request from the start of `buf`: null when incomplete; throws what is malformed. */
export function readRequest(buf: Buffer): { req: OriginRequest; used: number } | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) {
    if (buf.length > 1 << 20) throw new Error("head longer than 1 MiB");
    return null;
  }
  const text = latin1(buf.subarray(0, end));
  if (/[\r\n]/.test(text.replace(/\r\n/g, ""))) {
    throw new Error("bare CR or LF in a forwarded head");
  }
  const lines = text.split("\r\n");
  const m = LINE.exec(lines[0]!);
  if (!m) throw new Error(`bad request line ${JSON.stringify(lines[0])}`);
  const fields: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const f = FIELD.exec(line);
    if (!f || !TOKEN.test(f[1]!)) throw new Error(`bad field line ${JSON.stringify(line)}`);
    fields.push([f[1]!.toLowerCase(), f[2]!]);
  }
  const all = (n: string) => fields.filter(([k]) => k === n).map(([, v]) => v);
  const tags = all("x-fuzz-conn");
  if (tags.length > 1) throw new Error(`${tags.length} x-fuzz-conn fields`);
  if (m[3] === "1" && all("host").length !== 1) {
    throw new Error(`${all("host").length} Host fields`);
  }
  const te = all("transfer-encoding"), cl = all("content-length");
  let used: number, bodyLength: number;
  if (te.length > 0) {
    if (cl.length > 0) throw new Error("Transfer-Encoding and Content-Length both forwarded");
    if (te.length !== 1 || te[0]!.toLowerCase() !== "chunked") {
      throw new Error(`Transfer-Encoding ${JSON.stringify(te)} forwarded`);
    }
    const c = readChunked(buf, end + 4);
    if (!c) return null;
    ({ used, bodyLength } = c);
  } else {
    if (cl.length > 1) throw new Error(`${cl.length} Content-Length fields forwarded`);
    if (cl.length === 1 && !/^[0-9]{1,15}$/.test(cl[0]!)) {
      throw new Error(`Content-Length ${cl[0]}`);
    }
    bodyLength = cl.length === 1 ? Number(cl[0]) : 0;
    if (buf.length < end + 4 + bodyLength) return null;
    used = end + 4 + bodyLength;
  }
  return { req: { tag: tags[0] ?? null, method: m[1]!, target: m[2]!, bodyLength }, used };
}

function readChunked(buf: Buffer, off: number): { used: number; bodyLength: number } | null {
  let bodyLength = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", off);
    if (eol < 0) return null;
    const line = latin1(buf.subarray(off, eol));
    // leading zeros are fine (RFC 9112 §7.1), a size past 2^60 is not
    const m = /^0*([0-9a-fA-F]{0,15})(;[\x20-\x7e\t]*)?$/.exec(line);
    if (!m || line.length === 0 || line[0] === ";") {
      throw new Error(`bad chunk-size line ${JSON.stringify(line)}`);
    }
    const size = m[1] === "" ? 0 : parseInt(m[1]!, 16);
    if (size === 0) {
      for (let t = eol + 2;;) {
        const e = buf.indexOf("\r\n", t);
        if (e < 0) return null;
        if (e === t) return { used: e + 2, bodyLength };
        if (!FIELD.test(latin1(buf.subarray(t, e)))) throw new Error("bad trailer line");
        t = e + 2;
      }
    }
    if (buf.length < eol + 2 + size + 2) return null;
    if (buf[eol + 2 + size] !== 13 || buf[eol + 3 + size] !== 10) {
      throw new Error("chunk without CRLF");
    }
    bodyLength += size;
    off = eol + 4 + size;
  }
}

export interface RecordingOrigin {
  port: number;
  requests: OriginRequest[];
  /** What it could not read, with the bytes that followed, and the x-fuzz-conn found in them (or null). */
  problems: { tag: string | null; text: string }[];
  close(): Promise<void>;
}

export function recordingOrigin(): Promise<RecordingOrigin> {
  const requests: OriginRequest[] = [];
  const problems: { tag: string | null; text: string }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    let buf: Buffer = Buffer.alloc(0);
    sock.on("error", () => {});
    sock.on("close", () => sockets.delete(sock));
    sock.on("end", () => sock.end());
    sock.on("data", (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        let r: { req: OriginRequest; used: number } | null;
        try {
          r = readRequest(buf);
        } catch (err) {
          const head = latin1(buf.subarray(0, 600));
          problems.push({
            tag: /\r\nx-fuzz-conn: *(\d+)\r\n/i.exec(head)?.[1] ?? null,
            text: `${(err as Error).message}: ${JSON.stringify(head)}`,
          });
          sock.destroy();
          return;
        }
        if (!r) return;
        buf = buf.subarray(r.used);
        requests.push(r.req);
        sock.write(OK);
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        requests,
        problems,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
