/** Body framing of requests and responses from Transfer-Encoding / Content-Length (RFC 9112 §6). */
import { isToken, trimOws } from "./_chars.ts";
import { getHeaders, setHeader } from "./headers.ts";
import type { BodyFraming, HeaderField, Rejection, RequestHead, ResponseHead } from "./types.ts";

export type FramingResult =
  | { ok: true; framing: BodyFraming }
  | { ok: false; rejection: Rejection };

const NONE: FramingResult = { ok: true, framing: { type: "none" } };
const CHUNKED: FramingResult = { ok: true, framing: { type: "chunked" } };
const CLOSE: FramingResult = { ok: true, framing: { type: "close" } };

function fail(status: Rejection["status"], reason: string): FramingResult {
  return { ok: false, rejection: { status, reason } };
}

/**
 * How a request's body is delimited. Transfer-Encoding must amount to `chunked` alone (any case,
 * OWS around it): tsproxy forwards the field as received, and a server that reads any other list
 * differently (`gzip, chunked`, `, chunked`) would find the body somewhere else.
 *
 * Refused with 400: both Transfer-Encoding and Content-Length; Transfer-Encoding in HTTP/1.0; a
 * Transfer-Encoding list that is malformed, empty, has an empty element, applies chunked twice, or
 * does not end with chunked (RFC 9112 §6.3: the length cannot be determined, a MUST-400); an
 * invalid Content-Length or differing values. 501: another coding before a final chunked (RFC 9112
 * §6.1; HAProxy answers 422). No Transfer-Encoding and no Content-Length: no body (requests are
 * never read until close). Equal Content-Length values in several fields or a list are merged into
 * one field of the head (as for responses).
 */
export function requestFraming(head: RequestHead): FramingResult {
  const te = getHeaders(head.headers, "transfer-encoding");
  const cl = getHeaders(head.headers, "content-length");
  if (te.length > 0) {
    if (cl.length > 0) return fail(400, "both Transfer-Encoding and Content-Length");
    if (head.minor === 0) return fail(400, "Transfer-Encoding in HTTP/1.0 request");
    const c = readCodings(te, false);
    if (typeof c === "string") return fail(400, c);
    const chunked = c.filter((n) => n === "chunked").length;
    if (chunked > 1) return fail(400, "chunked applied more than once");
    if (c[c.length - 1] !== "chunked") return fail(400, "chunked is not the final transfer coding");
    if (c.length > 1) return fail(501, "transfer coding other than chunked in a request");
    return CHUNKED;
  }
  if (cl.length > 0) return lengthFraming(head.headers, cl, 400);
  return NONE;
}

/**
 * How a response's body is delimited (RFC 9112 §6.3), given the method of its request: none for
 * HEAD, 1xx, 204, 304 and a 2xx to CONNECT (a tunnel, the caller's business); chunked when it is
 * the final transfer coding; read until close for other codings or for Transfer-Encoding in an
 * HTTP/1.0 response (§6.1: faulty framing); the Content-Length; else until close. Refused with 502:
 * both Transfer-Encoding and Content-Length (RFC 9112 lets TE win, but a response that a client
 * could frame either way is not passed on), a malformed coding list or chunked twice, an invalid
 * or conflicting Content-Length.
 */
export function responseFraming(head: ResponseHead, requestMethod: string): FramingResult {
  const s = head.status;
  if (requestMethod === "HEAD" || s < 200 || s === 204 || s === 304) return NONE;
  if (requestMethod === "CONNECT" && s < 300) return NONE;
  const te = getHeaders(head.headers, "transfer-encoding");
  const cl = getHeaders(head.headers, "content-length");
  if (te.length > 0) {
    if (cl.length > 0) return fail(502, "both Transfer-Encoding and Content-Length in response");
    const c = readCodings(te, true);
    if (typeof c === "string") return fail(502, c);
    const chunked = c.filter((n) => n === "chunked").length;
    if (chunked > 1) return fail(502, "chunked applied more than once");
    if (head.minor === 0) return CLOSE;
    return c[c.length - 1] === "chunked" ? CHUNKED : CLOSE;
  }
  if (cl.length > 0) return lengthFraming(head.headers, cl, 502);
  return CLOSE;
}

/**
 * The length of the Content-Length fields `cl`, or the refusal with `status`. Several fields or a
 * list of equal values ("5, 5") leave one field with the plain number in `headers`: RFC 9110 §8.6
 * forbids forwarding them as they are, and HAProxy merges them too (found by scripts/fuzz).
 */
function lengthFraming(
  headers: HeaderField[],
  cl: string[],
  status: Rejection["status"],
): FramingResult {
  const n = parseContentLength(cl);
  if (typeof n === "string") return fail(status, n);
  if (cl.length > 1 || cl[0]!.includes(",")) setHeader(headers, "Content-Length", String(n));
  return { ok: true, framing: { type: "length", length: n } };
}

/**
 * The lower-cased coding names of the Transfer-Encoding fields, in order, or why they are refused.
 * Empty list elements are skipped when `skipEmpty` (RFC 9110 §5.6.1), else refused. Parameters
 * (`gzip;a=b`) must be `token=token` (quoted values refused); chunked takes none.
 */
function readCodings(values: string[], skipEmpty: boolean): string[] | string {
  const names: string[] = [];
  let empty = 0;
  for (const v of values) {
    for (const part of v.split(",")) {
      const el = trimOws(part);
      if (el.length === 0) {
        empty++;
        continue;
      }
      const semi = el.indexOf(";");
      const name = (semi < 0 ? el : trimOws(el.slice(0, semi))).toLowerCase();
      if (!isToken(name)) return "invalid Transfer-Encoding";
      if (semi >= 0) {
        if (name === "chunked") return "parameters on chunked coding";
        if (!validParams(el.slice(semi + 1))) return "invalid Transfer-Encoding parameter";
      }
      names.push(name);
    }
  }
  if (names.length === 0) return "empty Transfer-Encoding";
  return empty > 0 && !skipEmpty ? "empty element in Transfer-Encoding" : names;
}

function validParams(s: string): boolean {
  for (const p of s.split(";")) {
    const eq = p.indexOf("=");
    if (eq < 0 || !isToken(trimOws(p.slice(0, eq))) || !isToken(trimOws(p.slice(eq + 1)))) {
      return false;
    }
  }
  return true;
}

/**
 * The length from the Content-Length fields: each element 1*DIGIT (no sign, space, hex), at most
 * 2^53-1; several fields or a comma list must all agree (RFC 9110 §8.6). Else why not.
 */
export function parseContentLength(values: string[]): number | string {
  let found = -1;
  for (const v of values) {
    for (const part of v.split(",")) {
      const el = trimOws(part);
      if (el.length === 0) return "invalid Content-Length";
      let n = 0;
      for (let i = 0; i < el.length; i++) {
        const d = el.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) return "invalid Content-Length";
        n = n * 10 + d;
        if (n > Number.MAX_SAFE_INTEGER) return "Content-Length too large";
      }
      if (found >= 0 && n !== found) return "conflicting Content-Length values";
      found = n;
    }
  }
  return found;
}
