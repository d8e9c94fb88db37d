/** Strict parsers of HTTP/1.x request and response heads (RFC 9112 §2-§5), decoded once as latin1. */
import { commonName } from "./_names.ts";
import { COLON, CR, HTAB, isOws, isToken, SP, TCHAR } from "./_chars.ts";
import { isHostValue, sameAuthority, targetAuthority, targetProblem } from "./_uri.ts";
import { decodeLatin1 } from "./serialize.ts";
import type { HeaderField, HeadLimits, HeadResult, RequestHead, ResponseHead } from "./types.ts";

type Status = 400 | 414 | 431 | 502 | 505;

/** The request line of HTTP/2's connection preface (RFC 9113 §3.4), as an HTTP/1 parser sees it. */
const H2_PREFACE_LINE = "PRI * HTTP/2.0";
/** Why such a head is refused: an h2 client with prior knowledge reached an HTTP/1.1 bind. */
export const H2_PREFACE_REASON =
  "HTTP/2 prior-knowledge preface on an HTTP/1.1 bind: h2c not enabled";
type Failure = { ok: false; rejection: { status: Status; reason: string } };

function fail(status: Status, reason: string): Failure {
  return { ok: false, rejection: { status, reason } };
}

/**
 * Parses a request head (as returned by HeadReader: request line through the empty line).
 *
 * Refuses (400 unless noted): HTTP/2's connection preface (`PRI * HTTP/2.0`, named as such); a
 * request line other than `method SP target SP HTTP/1.x` with single spaces; a method that is not a token; a target with controls, spaces, non-ASCII bytes or "#", or
 * whose form does not fit the method; a version that is not `HTTP/d.d` (case matters), or whose
 * major is not 1 (505). `HTTP/1.2` and later minors are read as 1.1 (RFC 9110 §2.5, like HAProxy).
 * Fields: see `parseFields`; more than `maxHeaders` of them: 431. HTTP/1.1 without Host, several
 * Host fields, or a Host value that is not `host[:port]`: 400. A target with an authority
 * (absolute-form, CONNECT) and a Host naming another one (default ports aside): 400, as HAProxy
 * does; RFC 9112 §3.2.2 would have Host replaced, but a server that routes on Host and a rule that
 * matched the target would then disagree on where the request goes.
 */
export function parseRequestHead(head: Uint8Array, limits: HeadLimits): HeadResult<RequestHead> {
  if (head.length > limits.maxHead) return fail(431, "request head too large");
  const s = decodeLatin1(head);
  const eol = lineEnd(s, 0);
  if (eol === -2) return fail(400, "bare LF in head");
  if (eol > limits.maxRequestLine) return fail(414, "request line too long");
  if (eol < 0) return fail(400, "incomplete head");
  if (eol === 14 && s.startsWith(H2_PREFACE_LINE)) return fail(400, H2_PREFACE_REASON);
  const sp1 = s.indexOf(" ");
  if (sp1 < 0 || sp1 > eol) return fail(400, "malformed request line");
  const method = s.slice(0, sp1);
  if (!isToken(method)) return fail(400, "invalid method");
  const sp2 = s.indexOf(" ", sp1 + 1);
  if (sp2 < 0 || sp2 > eol) {
    return fail(400, sp1 + 1 === eol ? "empty request target" : "missing HTTP version");
  }
  const target = s.slice(sp1 + 1, sp2);
  const problem = targetProblem(method, target);
  if (problem !== null) return fail(400, problem);
  const minor = parseVersion(s, sp2 + 1, eol);
  if (minor === -1) return fail(400, "invalid HTTP version");
  if (minor === -2) return fail(505, "unsupported HTTP version");
  const headers = parseFields(s, eol + 2, limits.maxHeaders, 400, 431);
  if (!Array.isArray(headers)) return headers;
  let host: HeaderField | undefined;
  for (const h of headers) {
    if (h.lname !== "host") continue;
    if (host) return fail(400, "duplicate Host header");
    host = h;
  }
  if (!host && minor === 1) return fail(400, "missing Host header");
  if (host) {
    if (!isHostValue(host.value)) return fail(400, "invalid Host header");
    const a = targetAuthority(method, target);
    if (a && !sameAuthority(host.value, a.authority, a.scheme)) {
      return fail(400, "Host does not match the target's authority");
    }
  }
  // the line is copied as it came only if writing it again gives the same bytes (not `HTTP/1.2`)
  const lineStop = s.charCodeAt(eol - 1) === 0x30 + minor ? eol + 2 : 0;
  const raw = { bytes: head, lineEnd: lineStop, method, target, minor };
  return {
    ok: true,
    head: {
      kind: "request",
      method,
      target,
      minor,
      version: 1,
      headers,
      headLength: head.length,
      raw,
    },
  };
}

/**
 * Parses a response head: `HTTP/1.x SP 3DIGIT SP reason`, where the reason may be empty and the
 * SP before it may be missing (`HTTP/1.1 200`), as most proxies accept. Status 100-599. Every
 * refusal here is 502 (the server sent something the proxy will not pass on).
 */
export function parseResponseHead(head: Uint8Array, limits: HeadLimits): HeadResult<ResponseHead> {
  if (head.length > limits.maxHead) return fail(502, "response head too large");
  const s = decodeLatin1(head);
  const eol = lineEnd(s, 0);
  if (eol === -2) return fail(502, "bare LF in head");
  if (eol > limits.maxRequestLine) return fail(502, "status line too long");
  if (eol < 0) return fail(502, "incomplete head");
  if (eol < 12 || s.charCodeAt(8) !== SP) return fail(502, "malformed status line");
  const minor = parseVersion(s, 0, 8);
  if (minor === -1) return fail(502, "invalid HTTP version");
  if (minor === -2) return fail(502, "unsupported HTTP version");
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return fail(502, "invalid status code");
    status = status * 10 + d;
  }
  if (status < 100 || status > 599) return fail(502, "status code out of range");
  if (eol > 12 && s.charCodeAt(12) !== SP) return fail(502, "invalid status code");
  const reason = eol > 12 ? s.slice(13, eol) : "";
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if ((c < 0x20 && c !== HTAB) || c === 0x7f) return fail(502, "control character in reason");
  }
  const headers = parseFields(s, eol + 2, limits.maxHeaders, 502, 502);
  if (!Array.isArray(headers)) return headers;
  // `HTTP/1.1 200` is written again with the SP before its empty reason, `HTTP/1.2` as `HTTP/1.1`
  const lineStop = eol > 12 && s.charCodeAt(7) === 0x30 + minor ? eol + 2 : 0;
  const raw = { bytes: head, lineEnd: lineStop, status, reason, minor };
  return {
    ok: true,
    head: { kind: "response", minor, status, reason, headers, headLength: head.length, raw },
  };
}

/** Index of the CR ending the line that starts at `from`; -1 if no LF follows, -2 for a bare LF. */
function lineEnd(s: string, from: number): number {
  const j = s.indexOf("\n", from);
  if (j < 0) return -1;
  if (j === 0 || s.charCodeAt(j - 1) !== CR) return -2;
  return j - 1;
}

/** `HTTP/d.d` in s[a..b): the minor as 0 or 1 (later minors read as 1), -1 if malformed, -2 if major ≠ 1. */
function parseVersion(s: string, a: number, b: number): 0 | 1 | -1 | -2 {
  if (b - a !== 8 || !s.startsWith("HTTP/", a) || s.charCodeAt(a + 6) !== 0x2e) return -1;
  const major = s.charCodeAt(a + 5) - 0x30;
  const minor = s.charCodeAt(a + 7) - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return -1;
  if (major !== 1) return -2;
  return minor === 0 ? 0 : 1;
}

/**
 * The field lines from `pos` to the empty line that must end `s`. Refuses with `status`: obs-fold (a
 * line starting with SP or HTAB, including right after the start line), a name that is empty or not
 * a token, whitespace before the colon, a missing colon, a value holding NUL, CR, LF or another
 * control other than HTAB (DEL included), bare LF, bytes after the empty line. More than `max`
 * fields: `tooMany`. Values are trimmed of SP/HTAB at both ends; obs-text (0x80-0xFF) is kept.
 */
function parseFields(
  s: string,
  pos: number,
  max: number,
  status: Status,
  tooMany: Status,
): HeaderField[] | Failure {
  const fields: HeaderField[] = [];
  for (;;) {
    const e = lineEnd(s, pos);
    if (e === -1) return fail(status, "incomplete head");
    if (e === -2) return fail(status, "bare LF in head");
    if (e === pos) {
      if (e + 2 !== s.length) return fail(status, "bytes after the end of the head");
      return fields;
    }
    const f = parseField(s, pos, e);
    if (typeof f === "string") return fail(status, f);
    if (fields.length === max) return fail(tooMany, "too many header fields");
    fields.push(f);
    pos = e + 2;
  }
}

/** One field line s[a..e): a HeaderField, or why it is refused. */
function parseField(s: string, a: number, e: number): HeaderField | string {
  const c0 = s.charCodeAt(a);
  if (c0 === SP || c0 === HTAB) return "obsolete line folding";
  let i = a;
  while (i < e && TCHAR[s.charCodeAt(i)] === 1) i++;
  if (i === e) return "missing colon in header field";
  const c = s.charCodeAt(i);
  if (c !== COLON) {
    if (!isOws(c)) return "invalid header name";
    let k = i;
    while (k < e && isOws(s.charCodeAt(k))) k++;
    return s.charCodeAt(k) === COLON ? "space before colon in header name" : "invalid header name";
  }
  if (i === a) return "empty header name";
  let v0 = i + 1;
  let v1 = e;
  while (v0 < v1 && isOws(s.charCodeAt(v0))) v0++;
  while (v1 > v0 && isOws(s.charCodeAt(v1 - 1))) v1--;
  for (let k = v0; k < v1; k++) {
    const v = s.charCodeAt(k);
    if ((v < 0x20 && v !== HTAB) || v === 0x7f) {
      if (v === 0) return "NUL in header value";
      return v === CR ? "CR in header value" : "control character in header value";
    }
  }
  const name = s.slice(a, i);
  const value = s.slice(v0, v1);
  // Bun's toLowerCase costs ~150 ns a name: common names take a lower-case string made once
  const lname = commonName(s, a, i) ?? name.toLowerCase();
  // the line is copied as it came only if it is `name: value` exactly, as the serializer writes it
  const at = v0 === i + 2 && v1 === e && s.charCodeAt(i + 1) === SP ? a : -1;
  return { name, lname, value, at, end: e + 2, src: value };
}
