/** When a response may be compressed (HAProxy's rules), and the head edits that compressing implies. */
import type { Algo } from "./negotiate.ts";

/** A header field; `lname` (the lower-cased name) is used when present, e.g. an http1 HeaderField. */
export interface Field {
  readonly name: string;
  readonly value: string;
  readonly lname?: string;
}

/** A field as this module returns it: the shape of the http1 codec's HeaderField. */
export interface OutField {
  name: string;
  lname: string;
  value: string;
}

export interface RequestInfo {
  method: string;
  headers: readonly Field[];
  /** The client's HTTP/1 minor version, when known: 0 (HTTP/1.0) refuses compression. */
  minor?: 0 | 1;
}

export interface ResponseInfo {
  status: number;
  headers: readonly Field[];
}

/** HAProxy's `compression type` and `minsize-res`. */
export interface CompressPolicy {
  /**
   * Media types to compress, `type/subtype` (case-insensitive, parameters ignored) or `type/*`;
   * undefined or empty: any type. With a list, a response without Content-Type is not compressed.
   */
  types?: readonly string[];
  /** Smallest Content-Length compressed, in bytes; a body of unknown length is always compressed. */
  minsize: number;
}

/** Why a response is sent as it is: short words for logs and stats counters. */
export type SkipReason =
  | "http/1.0" // the client speaks HTTP/1.0 (HAProxy and nginx's default refuse it too)
  | "head" // HEAD: no body
  | "tunnel" // CONNECT or 101 Switching Protocols
  | "status" // not 200, 201, 202 or 203 (so never 1xx, 204, 206, 304)
  | "range" // the request has Range, or the response Content-Range
  | "transfer-encoding" // a transfer-coding other than chunked we would have to undo
  | "encoded" // Content-Encoding other than identity: already compressed
  | "no-transform" // Cache-Control: no-transform
  | "etag" // several ETag fields, or one that is not a valid entity-tag
  | "multipart" // Content-Type multipart/* (HAProxy never compresses it)
  | "grpc" // Content-Type application/grpc*: gRPC compresses its messages itself
  | "type" // Content-Type not in `types`, or absent while `types` is set
  | "small" // Content-Length below minsize, or 0
  | "length"; // Content-Length that is not one decimal number (the framing layer should refuse it)

export type Verdict = { ok: true } | { ok: false; reason: SkipReason };

const OK: Verdict = { ok: true };

/**
 * Whether the response may be compressed, given the request it answers; call it once an algorithm
 * was chosen with chooseEncoding(). Unlike HAProxy, a close-delimited response (no Content-Length,
 * not chunked) is accepted: re-framing it as chunked is the caller's job anyway.
 */
export function shouldCompress(
  req: RequestInfo,
  res: ResponseInfo,
  cfg: CompressPolicy,
): Verdict {
  if (req.minor === 0) return no("http/1.0");
  const method = req.method.toUpperCase();
  if (method === "HEAD") return no("head");
  if (method === "CONNECT" || res.status === 101) return no("tunnel");
  if (res.status < 200 || res.status > 203) return no("status");
  if (find(req.headers, "range") !== undefined) return no("range");
  const h = res.headers;
  if (find(h, "content-range") !== undefined) return no("range");
  const te = elements(h, "transfer-encoding");
  if (te.length > 1 || (te.length === 1 && te[0] !== "chunked")) return no("transfer-encoding");
  if (elements(h, "content-encoding").some((c) => c !== "identity")) return no("encoded");
  if (elements(h, "cache-control").some((d) => directive(d) === "no-transform")) {
    return no("no-transform");
  }
  const etags = all(h, "etag");
  if (etags.length > 1 || (etags.length === 1 && !isEntityTag(etags[0]!))) return no("etag");
  const type = find(h, "content-type");
  // gRPC frames its messages and compresses them itself (grpc-encoding): never re-encoded
  if (type !== undefined && /^application\/grpc/i.test(type.trimStart())) return no("grpc");
  const typeVerdict = checkType(type, cfg.types);
  if (typeVerdict !== OK) return typeVerdict;
  const cl = all(h, "content-length");
  if (cl.length > 0) {
    const n = contentLength(cl);
    if (n < 0) return no("length");
    if (n === 0 || n < cfg.minsize) return no("small");
  }
  return OK;
}

export interface RewriteOptions {
  /**
   * true (default): add `Transfer-Encoding: chunked`, the framing for an HTTP/1.1 client. false:
   * add no framing field, for a body delimited by closing the connection (HTTP/1.0 client) or by a
   * framing layer that does not use these fields (HTTP/2).
   */
  chunked?: boolean;
}

/**
 * The response head to send in front of a body encoded with `algo`; `headers` is left untouched.
 * - adds `Content-Encoding: <algo>` (an `identity` one is replaced);
 * - removes what described the unencoded bytes: Content-Length (the new length is unknown until
 *   the end), Content-MD5, Digest, Content-Digest, Repr-Digest, and Accept-Ranges (ranges of the
 *   encoded form cannot be served);
 * - removes Transfer-Encoding and, unless `chunked: false`, adds `Transfer-Encoding: chunked`;
 * - adds `Accept-Encoding` to Vary, unless Vary is `*` or already lists it;
 * - weakens a strong ETag (`"x"` becomes `W/"x"`): the encoded bytes differ, so caches and
 *   If-Range must not take them for the identity representation.
 */
export function rewriteResponseHead(
  headers: readonly Field[],
  algo: Algo,
  opts: RewriteOptions = {},
): OutField[] {
  const out: OutField[] = [];
  let vary: OutField | undefined;
  let varyDone = false;
  for (const f of headers) {
    const lname = lower(f);
    if (DROPPED.has(lname)) continue;
    const copy = { name: f.name, lname, value: f.value };
    if (lname === "vary") {
      for (const v of splitList(f.value)) {
        if (v === "*" || v === "accept-encoding") varyDone = true;
      }
      vary = copy;
    } else if (lname === "etag" && f.value.startsWith('"')) {
      copy.value = `W/${f.value}`;
    }
    out.push(copy);
  }
  out.push({ name: "Content-Encoding", lname: "content-encoding", value: algo });
  if (opts.chunked !== false) {
    out.push({ name: "Transfer-Encoding", lname: "transfer-encoding", value: "chunked" });
  }
  if (!varyDone) {
    if (vary === undefined) out.push({ name: "Vary", lname: "vary", value: "Accept-Encoding" });
    else {vary.value = vary.value.trim() === ""
        ? "Accept-Encoding"
        : `${vary.value}, Accept-Encoding`;}
  }
  return out;
}

/** Fields describing the unencoded body, dropped by rewriteResponseHead (then re-added as needed). */
const DROPPED = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-md5",
  "digest",
  "content-digest",
  "repr-digest",
  "accept-ranges",
]);

/**
 * The request head to forward for `compression offload`: without Accept-Encoding, so the server
 * sends identity and the proxy does the compressing. Call it only when chooseEncoding() picked an
 * algorithm (HAProxy leaves the field when it will not compress). `headers` is left untouched.
 */
export function requestForOffload(headers: readonly Field[]): OutField[] {
  const out: OutField[] = [];
  for (const f of headers) {
    const lname = lower(f);
    if (lname !== "accept-encoding") out.push({ name: f.name, lname, value: f.value });
  }
  return out;
}

function no(reason: SkipReason): Verdict {
  return { ok: false, reason };
}

function checkType(ct: string | undefined, types: readonly string[] | undefined): Verdict {
  const mt = ct === undefined ? undefined : mediaType(ct);
  if (mt !== undefined && mt.startsWith("multipart/")) return no("multipart");
  if (types === undefined || types.length === 0) return OK;
  if (mt === undefined) return no("type");
  const slash = mt.indexOf("/");
  for (const t of types) {
    const want = t.trim().toLowerCase();
    if (want === mt) return OK;
    if (
      want.endsWith("/*") && slash > 0 && want.length === slash + 2 &&
      mt.startsWith(want.slice(0, slash + 1))
    ) {
      return OK;
    }
  }
  return no("type");
}

/** `type/subtype` of a Content-Type value, lower-cased, without parameters. */
function mediaType(v: string): string {
  const semi = v.indexOf(";");
  return (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
}

/** The body length when every Content-Length field holds the same decimal list; -1 otherwise. */
function contentLength(values: readonly string[]): number {
  let n = -1;
  for (const v of values) {
    for (const part of v.split(",")) {
      const t = part.trim();
      if (!/^[0-9]{1,15}$/.test(t)) return -1;
      const m = Number(t);
      if (n >= 0 && m !== n) return -1;
      n = m;
    }
  }
  return n;
}

/** entity-tag (RFC 9110 §8.8.3): [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text. */
function isEntityTag(v: string): boolean {
  const start = v.startsWith("W/") ? 2 : 0;
  if (v.length - start < 2 || v[start] !== '"' || v[v.length - 1] !== '"') return false;
  for (let i = start + 1; i < v.length - 1; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x21 || c === 0x22 || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** The directive name of a Cache-Control element (`no-transform`, `max-age=3` gives `max-age`). */
function directive(el: string): string {
  const eq = el.indexOf("=");
  return eq < 0 ? el : el.slice(0, eq).trim();
}

function lower(f: Field): string {
  return f.lname ?? f.name.toLowerCase();
}

function find(h: readonly Field[], lname: string): string | undefined {
  for (const f of h) if (lower(f) === lname) return f.value;
  return undefined;
}

function all(h: readonly Field[], lname: string): string[] {
  const out: string[] = [];
  for (const f of h) if (lower(f) === lname) out.push(f.value);
  return out;
}

/** The lower-cased, trimmed, non-empty list elements of every field named `lname`. */
function elements(h: readonly Field[], lname: string): string[] {
  const out: string[] = [];
  for (const f of h) if (lower(f) === lname) out.push(...splitList(f.value));
  return out;
}

function splitList(v: string): string[] {
  const out: string[] = [];
  for (const part of v.split(",")) {
    const t = part.trim().toLowerCase();
    if (t.length > 0) out.push(t);
  }
  return out;
}

/** The compression a frontend applies to responses from one backend. */
export interface EffectiveCompression {
  algos: Algo[];
  /** Empty: every type (but multipart). */
  types: string[];
  offload: boolean;
  /** Bytes. */
  minsize: number;
  levels: Record<Algo, number>;
}
