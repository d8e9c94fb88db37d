/** Checks of a request's field section and trailers (RFC 9113 §8.1-§8.3): a malformed message is a stream PROTOCOL_ERROR. */
import { isHostPort, isHostValue, isToken, targetProblem } from "../http1/request_line.ts";
import type { HeaderField } from "../http1/types.ts";
import { H2_ERROR, H2StreamError } from "./errors.ts";

/** A request's control data, from its pseudo-header fields. */
export interface RequestPseudo {
  method: string;
  /** Empty for CONNECT. */
  scheme: string;
  /** Empty when absent (then Host, if any, names the target). */
  authority: string;
  /** Empty for CONNECT. */
  path: string;
}

/** What the connection keeps of a checked request. */
export interface CheckedRequest {
  pseudo: RequestPseudo;
  /** The Content-Length value, or -1 when absent. */
  contentLength: number;
  /** A host field was sent (the neutral head then needs none made from :authority). */
  hasHost: boolean;
}

/** Fields with a meaning only for one HTTP/1.1 connection (§8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
]);

/** The request pseudo-header fields, one bit each (which were seen, without a set per request). */
const PSEUDO = { ":method": 1, ":scheme": 2, ":authority": 4, ":path": 8 } as const;

function malformedIn(what: string, streamId: number, message: string): H2StreamError {
  return new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, `malformed ${what}: ${message}`);
}

function malformed(streamId: number, message: string): H2StreamError {
  return malformedIn("request", streamId, message);
}

/**
 * §8.2.1: a name is lower-case visible ASCII other than ':' (past a leading one for pseudo-fields);
 * and a token (RFC 9110 §5.1), as HTTP/1 needs it to forward the field ("]x" is refused).
 */
function badName(name: string): string | null {
  if (name.length === 0) return "empty field name";
  const at = name.charCodeAt(0) === 0x3a ? 1 : 0;
  for (let i = at; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return `upper-case field name "${name}"`;
  }
  if (!isToken(at ? name.slice(1) : name)) return `invalid character in field name "${name}"`;
  return null;
}

/**
 * §8.2.1: a value has no NUL, CR or LF, and no leading or trailing space or tab. Other controls
 * (HTAB aside, DEL included) are refused too, as the HTTP/1 parser refuses them: such a value could
 * not be forwarded to an HTTP/1 server (RFC 9110 §5.5 field-content).
 */
function badValue(name: string, value: string): string | null {
  if (!BAD_VALUE.test(value)) return null; // one scan for the common, valid value
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return `NUL, CR or LF in the value of "${name}"`;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      return `control character in the value of "${name}"`;
    }
  }
  return `leading or trailing whitespace in the value of "${name}"`;
}

/** What `badValue` refuses: a control other than HTAB (NUL, CR, LF included), DEL, or whitespace at either end. */
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]|^[ \t]|[ \t]$/;

/**
 * Checks a regular field (name, value, connection-specific, te); returns its Content-Length value
 * or -1. `what` names the message in the error ("request", "response").
 */
export function checkRegular(streamId: number, f: HeaderField, what = "request"): number {
  const problem = badName(f.name) ?? badValue(f.name, f.value);
  if (problem !== null) throw malformedIn(what, streamId, problem);
  if (CONNECTION_SPECIFIC.has(f.name)) {
    throw malformedIn(what, streamId, `connection-specific field "${f.name}"`);
  }
  if (f.name === "te" && f.value !== "trailers") {
    throw malformedIn(what, streamId, `te "${f.value}" (only "trailers")`);
  }
  if (f.name !== "content-length") return -1;
  if (!/^[0-9]{1,15}$/.test(f.value)) {
    throw malformedIn(what, streamId, `invalid content-length "${f.value}"`);
  }
  return Number(f.value);
}

/**
 * Regular request fields found valid, by object: the HPACK decoder hands out its tables' own
 * objects for indexed fields, so a field a client names again and again is checked once. Host and
 * content-length are never kept (their values are read each time); fields are never mutated.
 */
const VALID = new WeakSet<HeaderField>();

/**
 * Checks a request's field section: pseudo-fields first, each known and once; :method, :scheme
 * and a non-empty :path (CONNECT: :authority only); names and values valid; no connection-specific
 * field; te only "trailers"; Content-Length digits, equal when repeated; Host equal to :authority.
 */
export function checkRequest(streamId: number, headers: readonly HeaderField[]): CheckedRequest {
  const pseudo: RequestPseudo = { method: "", scheme: "", authority: "", path: "" };
  let seen = 0; // PSEUDO bits
  let known = 0; // PSEUDO bits of fields found valid by an earlier request (PSEUDO_VALID)
  let methodField: HeaderField | null = null, schemeField: HeaderField | null = null;
  let authorityField: HeaderField | null = null, pathField: HeaderField | null = null;
  let regular = false;
  let contentLength = -1;
  let host: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const f = headers[i]!;
    if (f.name.charCodeAt(0) === 0x3a) {
      if (regular) throw malformed(streamId, `pseudo-header "${f.name}" after a regular field`);
      const bit: number = (PSEUDO as Record<string, number | undefined>)[f.name] ?? 0;
      if (bit === 0) {
        throw malformed(streamId, `pseudo-header "${f.name}" not allowed in a request`);
      }
      if ((seen & bit) !== 0) throw malformed(streamId, `duplicate pseudo-header "${f.name}"`);
      seen |= bit;
      if (PSEUDO_VALID.has(f)) known |= bit;
      else {
        const problem = badValue(f.name, f.value);
        if (problem !== null && f.value !== "") throw malformed(streamId, problem);
      }
      if (bit === PSEUDO[":method"]) pseudo.method = (methodField = f).value;
      else if (bit === PSEUDO[":scheme"]) pseudo.scheme = (schemeField = f).value;
      else if (bit === PSEUDO[":authority"]) pseudo.authority = (authorityField = f).value;
      else pseudo.path = (pathField = f).value;
      continue;
    }
    regular = true;
    if (VALID.has(f)) continue;
    const cl = checkRegular(streamId, f);
    if (cl >= 0) {
      if (contentLength >= 0 && cl !== contentLength) {
        throw malformed(streamId, "differing content-length values");
      }
      contentLength = cl;
    } else if (f.name === "host") {
      if (host !== null) throw malformed(streamId, "duplicate host");
      host = f.value;
    } else VALID.add(f);
  }
  if ((seen & PSEUDO[":method"]) === 0 || pseudo.method === "") {
    throw malformed(streamId, "missing :method");
  }
  checkControlData(streamId, pseudo, host, known);
  if (pseudo.method === "CONNECT") {
    if ((seen & (PSEUDO[":scheme"] | PSEUDO[":path"])) !== 0) {
      throw malformed(streamId, "CONNECT with :scheme or :path");
    }
    if (pseudo.authority === "") throw malformed(streamId, "CONNECT without :authority");
  } else {
    if (pseudo.scheme === "") throw malformed(streamId, "missing :scheme");
    if (pseudo.path === "") {
      throw malformed(streamId, (seen & PSEUDO[":path"]) !== 0 ? "empty :path" : "missing :path");
    }
    if (
      pseudo.path.charCodeAt(0) !== 0x2f && !(pseudo.path === "*" && pseudo.method === "OPTIONS")
    ) {
      throw malformed(streamId, `:path "${pseudo.path}" is neither origin-form nor OPTIONS *`);
    }
  }
  if (
    host !== null && pseudo.authority !== "" && host !== pseudo.authority &&
    host.toLowerCase() !== pseudo.authority.toLowerCase()
  ) {
    throw malformed(streamId, `host "${host}" differs from :authority "${pseudo.authority}"`);
  }
  if (known !== seen) rememberPseudo(pseudo, methodField, schemeField, authorityField, pathField);
  return { pseudo, contentLength, hasHost: host !== null };
}

/**
 * Pseudo-fields found valid, by object, as VALID does for regular ones: a value that passed
 * `badValue` and the check of `checkControlData` that does not depend on the other fields
 * (:method a token; outside CONNECT, :authority a host[:port] and an origin-form :path).
 */
const PSEUDO_VALID = new WeakSet<HeaderField>();

/** Keeps the pseudo-fields of a request that passed every check (CONNECT's :authority and :path aside). */
function rememberPseudo(
  p: RequestPseudo,
  method: HeaderField | null,
  scheme: HeaderField | null,
  authority: HeaderField | null,
  path: HeaderField | null,
): void {
  if (method !== null) PSEUDO_VALID.add(method);
  if (scheme !== null) PSEUDO_VALID.add(scheme);
  if (p.method === "CONNECT") return;
  if (authority !== null && p.authority !== "") PSEUDO_VALID.add(authority);
  if (path !== null && p.path.charCodeAt(0) === 0x2f) PSEUDO_VALID.add(path);
}

/**
 * What becomes the HTTP/1 request line and Host must read the same way in HTTP/1 (no space or
 * control in a method or path splits the line there): :method a token, :path a valid target,
 * :authority and host valid host[:port] (no userinfo, §8.3.1), and one of them for "http"/"https".
 */
function checkControlData(
  streamId: number,
  p: RequestPseudo,
  host: string | null,
  known: number,
): void {
  if ((known & PSEUDO[":method"]) === 0 && !isToken(p.method)) {
    throw malformed(streamId, `invalid :method "${p.method}"`);
  }
  const connect = p.method === "CONNECT";
  if (!connect && p.path !== "" && ((known & PSEUDO[":path"]) === 0)) {
    const problem = targetProblem(p.method, p.path);
    if (problem !== null) throw malformed(streamId, `:path "${p.path}": ${problem}`);
  }
  if (
    p.authority !== "" && (connect || (known & PSEUDO[":authority"]) === 0) &&
    !isHostPort(p.authority, connect)
  ) {
    throw malformed(streamId, `invalid :authority "${p.authority}"`);
  }
  if (host !== null && !isHostValue(host)) throw malformed(streamId, `invalid host "${host}"`);
  if (
    p.authority === "" && (host === null || host === "") &&
    (p.scheme === "http" || p.scheme === "https")
  ) {
    throw malformed(streamId, `no :authority nor host for scheme "${p.scheme}"`);
  }
}

/** Checks a trailer section (§8.1): no pseudo-field, regular fields valid. */
export function checkTrailers(
  streamId: number,
  headers: readonly HeaderField[],
  what = "request",
): void {
  for (const f of headers) {
    if (f.name.charCodeAt(0) === 0x3a) {
      throw malformed(streamId, `pseudo-header "${f.name}" in trailers`);
    }
    checkRegular(streamId, f, what);
  }
}
