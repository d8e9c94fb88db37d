/** PROXY protocol v1 (the text line), plus the header types and address text rules v2 shares. */
import {
  formatIPv4,
  formatIPv6,
  ipv4Bytes,
  isMappedIPv4,
  mapIPv4,
  parseIPv4,
  parseIPv6,
} from "../net/ip.ts";

export { formatIPv4 as formatIpv4, formatIPv6 as formatIpv6 };

/** The address family a header announces; "unknown" means: use the real connection's addresses. */
export type ProxyFamily = "tcp4" | "tcp6" | "unix" | "unknown";

/** One v2 Type-Length-Value record (value copied out of the input buffer). */
export interface ProxyTlv {
  readonly type: number;
  readonly value: Uint8Array;
}

/** A decoded header. Addresses are text: "192.0.2.1", IPv6 compressed as RFC 5952 ("2001:db8::1"). */
export interface ProxyHeader {
  version: 1 | 2;
  command: "PROXY" | "LOCAL";
  family: ProxyFamily;
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  /** v2 TLVs other than ALPN, AUTHORITY, CRC32C and NOOP (those are decoded or checked). */
  tlvs: readonly ProxyTlv[];
  alpn?: string;
  authority?: string;
}

/** The outcome of parsing the start of a connection. `length` is the number of header bytes. */
export type ProxyParse =
  | { kind: "incomplete" }
  | { kind: "error"; reason: string }
  | { kind: "ok"; length: number; header: ProxyHeader };

/** The longest v1 line a receiver must accept, CRLF included (spec §2.1, "PROXY UNKNOWN" worst case). */
export const PROXY_V1_MAX_LENGTH = 107;

export const NOT_A_HEADER = "not a PROXY protocol header";
const PREFIX = "PROXY ";
const CR = 0x0d, LF = 0x0a;
const INCOMPLETE: ProxyParse = { kind: "incomplete" };
const FIELDS = ["source address", "destination address", "source port", "destination port"];
const PARTIAL_V4 = /^[0-9.]{0,15}$/;
const PARTIAL_V6 = /^[0-9A-Fa-f:.]{0,45}$/;
const PARTIAL_PORT = /^[0-9]{0,5}$/;

function fail(reason: string): ProxyParse {
  return { kind: "error", reason };
}

/** A dotted quad as 4 bytes: exactly 4 decimal numbers 0..255 without heading zeroes (spec §2.1). */
export function parseIpv4Text(text: string): Uint8Array | null {
  const n = parseIPv4(text);
  return n === null ? null : ipv4Bytes(n);
}

/** An IPv6 address text as 16 bytes (what inet_pton accepts, zone ids refused), or null. */
export function parseIpv6Text(text: string): Uint8Array | null {
  return parseIPv6(text);
}

/** An IPv6 address text in the compressed canonical form, or null when it is not one. */
export function normalizeIpv6(text: string): string | null {
  const b = parseIPv6(text);
  return b ? formatIPv6(b) : null;
}

/** Checks one field of a TCP4/TCP6 line; `whole` is false for the last, still growing, field. */
function fieldProblem(i: number, value: string, v6: boolean, whole: boolean): string | null {
  const name = FIELDS[i]!;
  const bad = `PROXY v1: bad ${name} ${JSON.stringify(value)}`;
  if (whole && value === "") {
    return `PROXY v1: empty ${name} (fields are separated by exactly one space)`;
  }
  if (i >= 2) {
    if (!whole) return PARTIAL_PORT.test(value) ? null : bad;
    return /^(0|[1-9][0-9]{0,4})$/.test(value) && Number(value) <= 65535 ? null : bad;
  }
  const suffix = v6 ? " for TCP6" : " for TCP4";
  if (!whole) return (v6 ? PARTIAL_V6 : PARTIAL_V4).test(value) ? null : bad + suffix;
  return (v6 ? parseIPv6(value) : parseIPv4(value)) !== null ? null : bad + suffix;
}

/** Checks the line after "PROXY " (without CRLF); `whole` is false while the CRLF is still awaited. */
function lineProblem(rest: string, whole: boolean): string | null {
  const parts = rest.split(" ");
  const proto = parts[0]!;
  if (proto === "UNKNOWN") return null;
  const growing = parts.length === 1 && !whole;
  const known = growing
    ? ["TCP4", "TCP6", "UNKNOWN"].some((p) => p.startsWith(proto))
    : proto === "TCP4" || proto === "TCP6";
  if (!known) {
    return `PROXY v1: unknown protocol ${JSON.stringify(proto)} (expected TCP4, TCP6 or UNKNOWN)`;
  }
  for (let i = 1; i < Math.min(parts.length, 5); i++) {
    const problem = fieldProblem(i - 1, parts[i]!, proto === "TCP6", whole || i < parts.length - 1);
    if (problem) return problem;
  }
  if (parts.length > 5) return "PROXY v1: unexpected data after the destination port";
  if (whole && parts.length < 5) {
    return `PROXY v1: missing ${FIELDS[parts.length - 1]} (expected "PROXY ${proto} ` +
      `<src> <dst> <srcport> <dstport>")`;
  }
  return null;
}

/**
 * Parses a v1 line at the start of `buf` (spec §2.1): "PROXY", then TCP4/TCP6 with two addresses
 * and two ports, or UNKNOWN with anything up to the CRLF; single spaces; no heading zeroes in
 * dotted quads and ports; the CRLF within 107 bytes; a lone CR or LF refused. Fields are checked
 * as they arrive, so a line that cannot become valid is refused before its CRLF. Never throws.
 */
export function parseProxyV1(buf: Uint8Array): ProxyParse {
  const n = Math.min(buf.length, PROXY_V1_MAX_LENGTH);
  for (let i = 0; i < Math.min(n, PREFIX.length); i++) {
    if (buf[i] !== PREFIX.charCodeAt(i)) return fail(NOT_A_HEADER);
  }
  let end = -1;
  for (let i = 0; i < n && end < 0; i++) {
    if (buf[i] === LF) return fail(`PROXY v1: LF without CR at byte ${i}`);
    if (buf[i] !== CR) continue;
    if (i + 1 >= PROXY_V1_MAX_LENGTH) break;
    if (i + 1 >= buf.length) return partial(buf, i);
    if (buf[i + 1] !== LF) return fail(`PROXY v1: CR not followed by LF at byte ${i}`);
    end = i;
  }
  if (end < 0) {
    if (buf.length >= PROXY_V1_MAX_LENGTH) {
      return fail(`PROXY v1: line longer than ${PROXY_V1_MAX_LENGTH} bytes`);
    }
    return partial(buf, buf.length);
  }
  const rest = latin1(buf, end).slice(PREFIX.length);
  const problem = lineProblem(rest, true);
  if (problem) return fail(problem);
  const f = rest.split(" ");
  const header: ProxyHeader = { version: 1, command: "PROXY", family: "unknown", tlvs: [] };
  if (f[0] === "TCP4" || f[0] === "TCP6") {
    const v6 = f[0] === "TCP6";
    header.family = v6 ? "tcp6" : "tcp4";
    header.src = v6 ? normalizeIpv6(f[1]!)! : f[1]!;
    header.dst = v6 ? normalizeIpv6(f[2]!)! : f[2]!;
    header.srcPort = Number(f[3]);
    header.dstPort = Number(f[4]);
  }
  return { kind: "ok", length: end + 2, header };
}

/** The verdict on a line whose CRLF has not arrived: incomplete unless its fields already fail. */
function partial(buf: Uint8Array, upTo: number): ProxyParse {
  if (upTo <= PREFIX.length) return INCOMPLETE;
  const problem = lineProblem(latin1(buf, upTo).slice(PREFIX.length), false);
  return problem ? fail(problem) : INCOMPLETE;
}

function latin1(buf: Uint8Array, end: number): string {
  let s = "";
  for (let i = 0; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Addresses and ports a builder sends; family "tcp4"/"tcp6" is a wish, see `resolveInet`. */
export interface ProxyV1Fields {
  family: "tcp4" | "tcp6" | "unknown";
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
}

/** Addresses and ports resolved for the wire: both 4 bytes (TCP4) or both 16 bytes (TCP6). */
export interface InetPair {
  v6: boolean;
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
}

function addressBytes(who: string, name: string, text: string | undefined): Uint8Array {
  const b = text === undefined ? null : parseIpv4Text(text) ?? parseIPv6(text);
  if (!b) {
    throw new RangeError(`${who}: bad ${name} ${JSON.stringify(text)} (expected IPv4 or IPv6)`);
  }
  return b;
}

function port(who: string, name: string, value: number | undefined): number {
  if (Number.isInteger(value) && value! >= 0 && value! <= 65535) return value!;
  throw new RangeError(`${who}: bad ${name} ${value} (expected an integer 0..65535)`);
}

/**
 * The family actually sent, as HAProxy's make_proxy_line does: TCP4 when both addresses are IPv4,
 * else TCP6 with any IPv4 address written v4-mapped (::ffff:a.b.c.d). Family "tcp4" first unmaps
 * v4-mapped IPv6 addresses (a dual-stack socket's view of an IPv4 peer); "tcp6" always sends TCP6.
 * @throws {RangeError} naming the field when an address or port is not valid.
 */
export function resolveInet(
  who: string,
  family: "tcp4" | "tcp6",
  h: Omit<ProxyV1Fields, "family">,
): InetPair {
  let src = addressBytes(who, "source address", h.src);
  let dst = addressBytes(who, "destination address", h.dst);
  const srcPort = port(who, "source port", h.srcPort);
  const dstPort = port(who, "destination port", h.dstPort);
  if (family === "tcp4") {
    if (isMappedIPv4(src)) src = src.slice(12);
    if (isMappedIPv4(dst)) dst = dst.slice(12);
  }
  const v6 = family === "tcp6" || src.length === 16 || dst.length === 16;
  if (v6) [src, dst] = [mapIPv4(src), mapIPv4(dst)];
  return { v6, src, dst, srcPort, dstPort };
}

/**
 * Writes a v1 line: "PROXY UNKNOWN\r\n" for family "unknown", else TCP4/TCP6 (see `resolveInet`).
 * @throws {RangeError} naming the field when an address or port is not valid.
 */
export function buildProxyV1(h: ProxyV1Fields): Uint8Array {
  if (h.family === "unknown") return new TextEncoder().encode("PROXY UNKNOWN\r\n");
  const p = resolveInet("buildProxyV1", h.family, h);
  const text = (b: Uint8Array) => (p.v6 ? formatIPv6(b) : formatIPv4(b));
  const line = `PROXY ${p.v6 ? "TCP6" : "TCP4"} ${text(p.src)} ${text(p.dst)} ` +
    `${p.srcPort} ${p.dstPort}\r\n`;
  return new TextEncoder().encode(line);
}
