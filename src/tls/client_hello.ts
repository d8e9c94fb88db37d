/** TLS ClientHello parsing over raw bytes (SNI, ALPN, versions) for TCP content inspection; never throws. */

/**
 * What the first bytes of a connection are, as far as a ClientHello goes:
 * - `incomplete`: they could still become a ClientHello with more bytes;
 * - `not-tls`: they are not a TLS handshake record carrying a well-formed ClientHello;
 * - `hello`: the parsed ClientHello.
 */
export type ClientHelloResult =
  | { readonly kind: "incomplete" }
  | { readonly kind: "not-tls" }
  | ClientHello;

/** A parsed ClientHello (from the first TLS record only, as HAProxy reads it). */
export interface ClientHello {
  readonly kind: "hello";
  /** The record layer's version: 0x0301 for most clients, TLS 1.3 ones included. */
  readonly recordVersion: number;
  /** The hello's legacy_version: 0x0303 for TLS 1.2 and 1.3 clients. */
  readonly helloVersion: number;
  /** The highest version offered in supported_versions (GREASE skipped), else helloVersion. */
  readonly version: number;
  /** The first host_name of the server_name extension, ASCII letters lowercased; absent without one. */
  readonly sni?: string;
  /** The ALPN protocol names in the client's order of preference; empty without the extension. */
  readonly alpn: readonly string[];
  /** Whether the supported_groups extension (formerly elliptic_curves, 10) is present. */
  readonly ecExt: boolean;
  /** session_ticket extension (35): 0 absent, 1 present and empty, 2 present with a ticket. */
  readonly sessionTicket: 0 | 1 | 2;
  /** Bytes consumed: the first record, header included. */
  readonly length: number;
  /**
   * True when the handshake message continues past the first record: only the extensions
   * that lie wholly within it were read (see parseClientHello).
   */
  readonly truncated: boolean;
}

/** The handshake type of the first record (HAProxy's req.ssl_hello_type): 1 for a ClientHello. */
export type HandshakeTypeResult =
  | { readonly kind: "incomplete" }
  | { readonly kind: "not-tls" }
  | { readonly kind: "handshake"; readonly type: number };

const INCOMPLETE = Object.freeze({ kind: "incomplete" as const });
const NOT_TLS = Object.freeze({ kind: "not-tls" as const });

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 1;
/** Largest record accepted: 2^14 plus the 2048 bytes of slack HAProxy allows. */
const MAX_RECORD = (1 << 14) + 2048;
/** legacy_version (2), random (32), session id (1+), ciphers (2+2), compression (1+1). */
const MIN_HELLO = 2 + 32 + 1 + 2 + 2 + 1 + 1;

const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_GROUPS = 10;
const EXT_ALPN = 16;
const EXT_SESSION_TICKET = 35;
const EXT_SUPPORTED_VERSIONS = 43;
/** Extensions that must be read whole: a record ending inside one makes the hello unusable. */
const NEEDED = [EXT_SERVER_NAME, EXT_ALPN, EXT_SUPPORTED_VERSIONS];

/** A bounds-checked reader: every read past the end gives -1 or undefined instead of throwing. */
class Cursor {
  #buf: Uint8Array;
  #at: number;
  #end: number;

  constructor(buf: Uint8Array, at = 0, end = buf.length) {
    this.#buf = buf;
    this.#at = at;
    this.#end = end;
  }

  get left(): number {
    return this.#end - this.#at;
  }

  u8(): number {
    return this.left < 1 ? -1 : this.#buf[this.#at++]!;
  }

  u16(): number {
    if (this.left < 2) return -1;
    const v = (this.#buf[this.#at]! << 8) | this.#buf[this.#at + 1]!;
    this.#at += 2;
    return v;
  }

  skip(n: number): boolean {
    if (n < 0 || n > this.left) return false;
    this.#at += n;
    return true;
  }

  /** A cursor over the next `n` bytes (this one moves past them), undefined if fewer are left. */
  take(n: number): Cursor | undefined {
    if (n < 0 || n > this.left) return undefined;
    const c = new Cursor(this.#buf, this.#at, this.#at + n);
    this.#at += n;
    return c;
  }

  /** The next `n` bytes as Latin-1 text, undefined if fewer are left. */
  text(n: number): string | undefined {
    if (n < 0 || n > this.left) return undefined;
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.#buf[this.#at + i]!);
    this.#at += n;
    return s;
  }
}

/**
 * Checks the first record header; the record's length once it is a plausible TLS handshake
 * record (type 0x16, major version 3), else the verdict.
 */
function recordLength(buf: Uint8Array): number | typeof INCOMPLETE | typeof NOT_TLS {
  if (buf.length < 1) return INCOMPLETE;
  if (buf[0] !== HANDSHAKE) return NOT_TLS;
  if (buf.length < 2) return INCOMPLETE;
  if (buf[1] !== 3) return NOT_TLS;
  if (buf.length < 5) return INCOMPLETE;
  const len = (buf[3]! << 8) | buf[4]!;
  return len < 4 || len > MAX_RECORD ? NOT_TLS : len;
}

/**
 * The handshake message type in the first TLS record, once that record is wholly buffered, as
 * HAProxy's req.ssl_hello_type: it looks no further, so a malformed ClientHello still gives 1.
 */
export function handshakeType(buf: Uint8Array): HandshakeTypeResult {
  const len = recordLength(buf);
  if (typeof len !== "number") return len;
  if (buf.length < 5 + len) return INCOMPLETE;
  return { kind: "handshake", type: buf[5]! };
}

/**
 * Parses the ClientHello in the first TLS record of `buf` (the connection's first bytes).
 *
 * Only the first record is read, as HAProxy does: the result is `incomplete` until that record
 * is wholly buffered (bytes that already cannot be a ClientHello give `not-tls` at once). When
 * the handshake message is longer than the record (a hello fragmented over several records,
 * which clients rarely do), the fixed fields must lie in the first record and the extensions
 * wholly inside it are read (`truncated` is then true); if the record ends inside a
 * server_name, ALPN or supported_versions extension the hello cannot be answered for and is
 * `not-tls`. SSLv2-compatible hellos are `not-tls`. Malformed lengths anywhere give `not-tls`.
 *
 * @example
 * ```ts
 * const r = parseClientHello(firstBytes);
 * if (r.kind === "hello") console.log(r.sni, r.alpn); // "a.example" ["h2", "http/1.1"]
 * ```
 */
export function parseClientHello(buf: Uint8Array): ClientHelloResult {
  const len = recordLength(buf);
  if (typeof len !== "number") return len;
  // Reject early from the bytes already there: handshake type, hello length and version.
  if (buf.length > 5 && buf[5] !== CLIENT_HELLO) return NOT_TLS;
  if (buf.length > 8 && ((buf[6]! << 16) | (buf[7]! << 8) | buf[8]!) < MIN_HELLO) return NOT_TLS;
  if (buf.length > 9 && buf[9] !== 3) return NOT_TLS;
  if (buf.length < 5 + len) return INCOMPLETE;
  const helloLen = (buf[6]! << 16) | (buf[7]! << 8) | buf[8]!;
  const truncated = helloLen > len - 4;
  const body = new Cursor(buf, 9, 9 + Math.min(helloLen, len - 4));
  return readHello(body, (buf[1]! << 8) | buf[2]!, 5 + len, truncated) ?? NOT_TLS;
}

/** The hello's fields after its header; undefined when malformed. */
function readHello(
  c: Cursor,
  recordVersion: number,
  length: number,
  truncated: boolean,
): ClientHello | undefined {
  const helloVersion = c.u16();
  if (helloVersion >> 8 !== 3 || !c.skip(32)) return undefined;
  const sessionId = c.u8();
  if (sessionId < 0 || sessionId > 32 || !c.skip(sessionId)) return undefined;
  const ciphers = c.u16();
  if (ciphers < 2 || ciphers % 2 !== 0 || !c.skip(ciphers)) return undefined;
  const methods = c.u8();
  if (methods < 1 || !c.skip(methods)) return undefined;
  const hello = {
    kind: "hello" as const,
    recordVersion,
    helloVersion,
    version: helloVersion,
    alpn: [] as string[],
    ecExt: false,
    sessionTicket: 0 as 0 | 1 | 2,
    length,
    truncated,
  };
  // No extensions at all, or (in a hello cut by the record's end) none within the record.
  if ((c.left === 0 && !truncated) || (c.left < 2 && truncated)) return hello;
  const extLen = c.u16();
  if (extLen < 0 || (extLen > c.left && !truncated)) return undefined;
  const exts = c.take(Math.min(extLen, c.left))!;
  let sni: string | undefined;
  while (exts.left >= 4) {
    const type = exts.u16(), size = exts.u16();
    const data = exts.take(size);
    if (data === undefined) {
      // Only a hello cut by the record's end may have an extension running past it.
      if (!truncated || NEEDED.includes(type)) return undefined;
      return sni === undefined ? hello : { ...hello, sni };
    }
    if (type === EXT_SERVER_NAME && sni === undefined) {
      const name = readServerName(data);
      if (name === undefined) return undefined;
      if (name !== "") sni = name;
    } else if (type === EXT_ALPN && hello.alpn.length === 0) {
      const list = readAlpn(data);
      if (list === undefined) return undefined;
      hello.alpn = list;
    } else if (type === EXT_SUPPORTED_VERSIONS) {
      const v = readVersions(data);
      if (v === undefined) return undefined;
      if (v > 0) hello.version = v;
    } else if (type === EXT_SUPPORTED_GROUPS) {
      hello.ecExt = true;
    } else if (type === EXT_SESSION_TICKET && hello.sessionTicket === 0) {
      hello.sessionTicket = size > 0 ? 2 : 1;
    }
  }
  if (exts.left > 0 && !truncated) return undefined; // 1 to 3 stray bytes
  // A record ending in the header of an extension that must be read whole.
  if (exts.left >= 2 && NEEDED.includes(exts.u16())) return undefined;
  return sni === undefined ? hello : { ...hello, sni };
}

/** The first host_name in a server_name extension ("" when none), undefined when malformed. */
function readServerName(c: Cursor): string | undefined {
  const listLen = c.u16();
  const list = c.take(listLen);
  if (list === undefined || listLen < 3) return undefined;
  let host = "";
  while (list.left > 0) {
    const type = list.u8(), len = list.u16();
    const name = list.text(len);
    if (type < 0 || name === undefined) return undefined;
    if (type === 0 && host === "") host = name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  }
  return host;
}

/** The protocol names of an ALPN extension, undefined when malformed (an empty name included). */
function readAlpn(c: Cursor): string[] | undefined {
  const listLen = c.u16();
  const list = c.take(listLen);
  if (list === undefined || listLen < 2) return undefined;
  const out: string[] = [];
  while (list.left > 0) {
    const name = list.text(list.u8());
    if (name === undefined || name === "") return undefined;
    out.push(name);
  }
  return out;
}

/** The highest non-GREASE version in supported_versions (0 when none), undefined when malformed. */
function readVersions(c: Cursor): number | undefined {
  const len = c.u8();
  const list = c.take(len);
  if (list === undefined || len < 2 || len % 2 !== 0) return undefined;
  let best = 0;
  while (list.left > 0) {
    const v = list.u16();
    const grease = (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
    if (!grease && v > best) best = v;
  }
  return best;
}
