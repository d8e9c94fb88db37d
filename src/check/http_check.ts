/** The HTTP health check, pure over bytes: the request it sends and the verdict on what came back. */
import { bodyHas, type Expect, matchStatus, needsBody } from "./expect.ts";
import { L7_INVALID, L7_OK, L7_WRONG_STATUS, type Verdict } from "./verdict.ts";

/** `option httpchk` and `http-check expect`, as the checker runs them. */
export interface HttpCheckSpec {
  readonly method: string;
  readonly uri: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  /** Sent in this order after the request line. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expect: Expect;
}

/** Most response bytes read (HAProxy's check buffer, tune.bufsize): past it, judge what arrived. */
export const MAX_RESPONSE = 16 * 1024;

/**
 * The request bytes: `METHOD URI VERSION`, the configured headers, and for HTTP/1.1 a `host` (the
 * checked address) and `connection: close` unless configured. HTTP/1.0 gets nothing added, like
 * HAProxy's default `OPTIONS / HTTP/1.0`.
 *
 * @example
 * ```ts
 * checkRequest(spec, "10.0.0.5:8080"); // "OPTIONS / HTTP/1.0\r\n\r\n" as bytes
 * ```
 */
export function checkRequest(spec: HttpCheckSpec, authority: string): Uint8Array {
  let head = `${spec.method} ${spec.uri} ${spec.version}\r\n`;
  const names = new Set<string>();
  for (const [name, value] of Object.entries(spec.headers)) {
    head += `${name}: ${value}\r\n`;
    names.add(name.toLowerCase());
  }
  if (spec.version === "HTTP/1.1") {
    if (!names.has("host")) head += `host: ${authority}\r\n`;
    if (!names.has("connection")) head += "connection: close\r\n";
  }
  return new TextEncoder().encode(head + "\r\n");
}

/**
 * Judges the response bytes read so far. `ended`: the server closed (or the buffer is full), no more
 * will come. Returns null while more bytes could change the verdict. A status expectation is judged
 * once the head is complete; a body expectation (HAProxy's rule) once it matches, or when the body is
 * complete, the connection ended, or {@link MAX_RESPONSE} bytes arrived.
 */
export function evaluateResponse(
  bytes: Uint8Array,
  ended: boolean,
  spec: Pick<HttpCheckSpec, "method" | "expect">,
): Verdict | null {
  const last = ended || bytes.length >= MAX_RESPONSE;
  let at = 0;
  for (;;) {
    const head = readHead(bytes, at);
    if (head === null) {
      if (!last) return null;
      const why = bytes.length === at ? "empty response" : "incomplete response head";
      return { ok: false, status: L7_INVALID, info: why };
    }
    if ("error" in head) return { ok: false, status: L7_INVALID, info: head.error };
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (head.code >= 100 && head.code < 200 && head.code !== 101) {
      at = head.end;
      continue;
    }
    return judge(head, bytes, last, spec);
  }
}

interface Head {
  code: number;
  reason: string;
  /** Lower-case field names to values (the last of repeated fields wins; framing needs only two). */
  fields: Map<string, string>;
  /** Offset of the first body byte. */
  end: number;
}

function judge(
  head: Head,
  bytes: Uint8Array,
  last: boolean,
  spec: Pick<HttpCheckSpec, "method" | "expect">,
): Verdict | null {
  const { code, reason } = head;
  const info = reason === "" ? undefined : reason;
  const expect = spec.expect;
  if (!needsBody(expect)) {
    return matchStatus(expect, code)
      ? { ok: true, status: L7_OK, code, info }
      : { ok: false, status: L7_WRONG_STATUS, code, info };
  }
  const body = bodyOf(head, bytes, spec.method);
  const done = last || body.complete;
  const text = new TextDecoder().decode(body.bytes);
  if (text === "") {
    if (!done) return null;
    return {
      ok: false,
      status: L7_INVALID,
      code,
      info: "HTTP content check could not find a response body",
    };
  }
  const found = bodyHas(expect, text);
  if (!found && !done) return null;
  if (found !== expect.negate) return { ok: true, status: L7_OK, code, info };
  return {
    ok: false,
    status: L7_INVALID,
    code,
    info: expect.negate
      ? "HTTP check matched unwanted content"
      : "HTTP content check did not match",
  };
}

/** The head starting at `from`: null when incomplete, `error` when it is not an HTTP response head. */
function readHead(bytes: Uint8Array, from: number): Head | { error: string } | null {
  let end = -1, sep = 0;
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i + 1] === 10 || (bytes[i + 1] === 13 && bytes[i + 2] === 10)) {
      sep = i;
      end = bytes[i + 1] === 10 ? i + 2 : i + 3;
      break;
    }
  }
  if (end < 0) return null;
  const lines = latin1(bytes, from, sep).split(/\r?\n/);
  const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec((lines[0] ?? "").replace(/\r$/, ""));
  if (!m) return { error: "invalid status line" };
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return { code: Number(m[1]), reason: (m[2] ?? "").trim(), fields, end };
}

/** The body bytes that arrived (chunked framing removed) and whether that is all of it. */
function bodyOf(
  head: Head,
  bytes: Uint8Array,
  method: string,
): { bytes: Uint8Array; complete: boolean } {
  const rest = bytes.subarray(head.end);
  if (method === "HEAD" || head.code === 204 || head.code === 304) {
    return { bytes: new Uint8Array(0), complete: true };
  }
  if (/chunked/i.test(head.fields.get("transfer-encoding") ?? "")) return dechunk(rest);
  const length = head.fields.get("content-length");
  if (length !== undefined && /^\d+$/.test(length)) {
    const n = Number(length);
    return { bytes: rest.subarray(0, n), complete: rest.length >= n };
  }
  return { bytes: rest, complete: false };
}

/** Removes chunked framing as far as it goes; a malformed size line ends the body there. */
function dechunk(raw: Uint8Array): { bytes: Uint8Array; complete: boolean } {
  const parts: Uint8Array[] = [];
  let pos = 0, complete = false;
  for (;;) {
    const lf = raw.indexOf(10, pos);
    if (lf < 0) break;
    const size = parseInt(latin1(raw, pos, lf).split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) {
      complete = true;
      break;
    }
    if (size === 0) {
      complete = true;
      break;
    }
    const start = lf + 1;
    parts.push(raw.subarray(start, Math.min(start + size, raw.length)));
    if (start + size + 2 > raw.length) break;
    pos = start + size + 2;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return { bytes: out, complete };
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(to, i + 4096)));
  }
  return s;
}
