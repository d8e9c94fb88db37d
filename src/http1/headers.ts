/** Lookups and edits over a head's HeaderField[] (case-insensitive names, arrival order kept). */
import { isOws, trimOws } from "./_chars.ts";
import type { HeaderField } from "./types.ts";

/** The value of the first field named `lname` (lower-case), or undefined. */
export function getHeader(h: readonly HeaderField[], lname: string): string | undefined {
  for (const f of h) if (f.lname === lname) return f.value;
  return undefined;
}

/** The values of every field named `lname` (lower-case), in order. */
export function getHeaders(h: readonly HeaderField[], lname: string): string[] {
  const out: string[] = [];
  for (const f of h) if (f.lname === lname) out.push(f.value);
  return out;
}

/** How many fields are named `lname` (lower-case). */
export function headerCount(h: readonly HeaderField[], lname: string): number {
  let n = 0;
  for (const f of h) if (f.lname === lname) n++;
  return n;
}

/**
 * True when `token` is an element of the comma-separated lists in the fields named `lname`,
 * compared case-insensitively (e.g. `hasToken(h, "connection", "close")`).
 */
export function hasToken(h: readonly HeaderField[], lname: string, token: string): boolean {
  const want = token.toLowerCase();
  for (const f of h) {
    if (f.lname === lname && listHas(f.value, want)) return true;
  }
  return false;
}

/** Whether the list `value` has the element `want` (already lower-case), OWS around elements ignored. */
function listHas(value: string, want: string): boolean {
  if (want.length === 0) return false;
  let a = 0;
  while (a <= value.length) {
    let b = value.indexOf(",", a);
    if (b < 0) b = value.length;
    let x = a;
    let y = b;
    while (x < y && isOws(value.charCodeAt(x))) x++;
    while (y > x && isOws(value.charCodeAt(y - 1))) y--;
    if (sameToken(value, x, y, want)) return true;
    a = b + 1;
  }
  return false;
}

/** Whether value[x, y) is `want` (lower-case) in any ASCII case; no string is made (Bun's toLowerCase is slow). */
function sameToken(value: string, x: number, y: number, want: string): boolean {
  if (y - x !== want.length) return false;
  for (let k = 0; k < want.length; k++) {
    let c = value.charCodeAt(x + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== want.charCodeAt(k)) return false;
  }
  return true;
}

function knownInConnection(v: string, x: number, y: number): boolean {
  for (const n of KNOWN_IN_CONNECTION) if (sameToken(v, x, y, n)) return true;
  return false;
}

/** The other names the Connection fields list, lower-cased (null when none: the usual case, no allocation). */
function connectionExtras(h: readonly HeaderField[]): string[] | null {
  let extra: string[] | null = null;
  for (const f of h) {
    if (f.lname !== "connection") continue;
    const v = f.value;
    let a = 0;
    while (a <= v.length) {
      let b = v.indexOf(",", a);
      if (b < 0) b = v.length;
      let x = a, y = b;
      while (x < y && isOws(v.charCodeAt(x))) x++;
      while (y > x && isOws(v.charCodeAt(y - 1))) y--;
      if (y > x && !knownInConnection(v, x, y)) {
        (extra ??= []).push(v.slice(x, y).toLowerCase());
      }
      a = b + 1;
    }
  }
  return extra;
}

/** The lower-cased elements of every list in the fields named `lname` (empty elements dropped). */
export function listElements(h: readonly HeaderField[], lname: string): string[] {
  const out: string[] = [];
  for (const f of h) {
    if (f.lname !== lname) continue;
    for (const part of f.value.split(",")) {
      const t = trimOws(part).toLowerCase();
      if (t.length > 0) out.push(t);
    }
  }
  return out;
}

/** Replaces every field named like `name` with one `name: value`, at the place of the first (else appended). */
export function setHeader(h: HeaderField[], name: string, value: string): void {
  const lname = name.toLowerCase();
  const at = h.findIndex((f) => f.lname === lname);
  if (at < 0) {
    h.push({ name, lname, value });
    return;
  }
  h[at] = { name, lname, value };
  let w = at + 1;
  for (let r = at + 1; r < h.length; r++) {
    const f = h[r]!;
    if (f.lname !== lname) h[w++] = f;
  }
  h.length = w;
}

/** Appends a field `name: value` (after any of the same name). */
export function addHeader(h: HeaderField[], name: string, value: string): void {
  h.push({ name, lname: name.toLowerCase(), value });
}

/** Removes every field named `lname` (lower-case); returns how many were removed. */
export function removeHeader(h: HeaderField[], lname: string): number {
  return removeWhere(h, (f) => f.lname === lname);
}

/** Hop-by-hop fields always removed (RFC 9110 §7.6.1): Connection and these. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
]);

/**
 * Names a Connection field may not make us drop: framing and routing fields. Honouring
 * `Connection: content-length` would forward a body without its length and desynchronise the
 * server (the "hop-by-hop header abuse" attack); Transfer-Encoding stays because chunked bodies are
 * forwarded as they are.
 */
const NEVER_DROPPED = new Set(["content-length", "transfer-encoding", "host"]);

/** Names Connection may list that need no entry of their own (dropped anyway, or never). */
const KNOWN_IN_CONNECTION = [...HOP_BY_HOP, ...NEVER_DROPPED];

/**
 * Removes hop-by-hop fields (RFC 9110 §7.6.1) before forwarding: Connection, every field it lists,
 * and Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade. Transfer-Encoding, Content-Length and
 * Host are kept even when listed in Connection. Proxy-Authenticate/Proxy-Authorization are left to
 * the caller (RFC 9110 does not list them). Names in `keep` (lower-case, e.g. "upgrade" and
 * "connection" for a WebSocket handshake) are kept. Returns how many fields were removed.
 */
export function removeHopByHop(h: HeaderField[], keep?: ReadonlySet<string>): number {
  // The common case, no hop-by-hop field at all, costs one pass and no allocation.
  let any = false;
  for (const f of h) {
    if (HOP_BY_HOP.has(f.lname)) {
      any = true;
      break;
    }
  }
  if (!any) return 0;
  // Names Connection lists beyond the standard ones (usually none: "keep-alive" or "close").
  const extra = connectionExtras(h);
  let w = 0;
  for (let r = 0; r < h.length; r++) {
    const f = h[r]!;
    const drop = (HOP_BY_HOP.has(f.lname) || (extra !== null && extra.includes(f.lname))) &&
      !(keep?.has(f.lname) ?? false);
    if (!drop) h[w++] = f;
  }
  const removed = h.length - w;
  h.length = w;
  return removed;
}

function removeWhere(h: HeaderField[], pred: (f: HeaderField) => boolean): number {
  let w = 0;
  for (let r = 0; r < h.length; r++) {
    const f = h[r]!;
    if (!pred(f)) h[w++] = f;
  }
  const removed = h.length - w;
  h.length = w;
  return removed;
}
