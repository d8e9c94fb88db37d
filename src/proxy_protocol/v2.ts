/** PROXY protocol v2 (the binary header): parser with TLVs and CRC32C, and builder. */
import { formatIPv4, formatIPv6 } from "../net/ip.ts";
import {
  NOT_A_HEADER,
  type ProxyHeader,
  type ProxyParse,
  type ProxyTlv,
  resolveInet,
} from "./v1.ts";

/** The 12 bytes every v2 header starts with (spec §2.2). */
export const PROXY_V2_SIGNATURE: Uint8Array = Uint8Array.from(
  "\r\n\r\n\0\r\nQUIT\n",
  (c) => c.charCodeAt(0),
);

/**
 * The largest v2 header (16 fixed bytes + the length field) accepted or built. The length field
 * allows 65 551 bytes; HAProxy is bounded by its buffer size (16 kB by default) and sends well
 * under 1 kB, so 4 kB leaves room for TLVs while keeping what a peer can make us hold small.
 */
export const PROXY_V2_MAX_LENGTH = 4096;

/** TLV types with a meaning here (spec §2.2.1-§2.2.4). */
export const PP2_TYPE_ALPN = 0x01;
export const PP2_TYPE_AUTHORITY = 0x02;
export const PP2_TYPE_CRC32C = 0x03;
export const PP2_TYPE_NOOP = 0x04;

/** The longest AUTHORITY HAProxy accepts (a longer one makes it refuse the whole header). */
const AUTHORITY_MAX = 255;
const UNIX_PATH = 108;
/** Address block sizes by address family nibble: UNSPEC, INET, INET6, UNIX. */
const ADDR_LEN = [0, 12, 36, 216] as const;
const FAMILY_NAME = ["AF_UNSPEC", "AF_INET", "AF_INET6", "AF_UNIX"] as const;
const INCOMPLETE: ProxyParse = { kind: "incomplete" };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli, RFC 4960 appendix B) of `data`: crc32c("123456789") = 0xe3069283. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function fail(reason: string): ProxyParse {
  return { kind: "error", reason };
}

function hex(n: number, digits = 2): string {
  return "0x" + n.toString(16).padStart(digits, "0");
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

const utf8 = new TextDecoder();

/** A sun_path: the bytes up to the first NUL (all 108 when there is none), as UTF-8. */
function unixPath(b: Uint8Array, at: number): string {
  const field = b.subarray(at, at + UNIX_PATH);
  const nul = field.indexOf(0);
  return utf8.decode(nul < 0 ? field : field.subarray(0, nul));
}

/**
 * Parses a v2 header at the start of `buf` (spec §2.2). Refuses: a version other than 2 or a
 * command other than LOCAL/PROXY; an unassigned family or transport; DGRAM with PROXY (TCP only);
 * a length over PROXY_V2_MAX_LENGTH or too short for the family's address block; a TLV that does
 * not fit; a CRC32C TLV that is not 4 bytes or does not match. LOCAL and AF_UNSPEC/UNSPEC give
 * family "unknown" without addresses. TLVs are read after the family's address block (nothing
 * for UNSPEC, as HAProxy sends them) for LOCAL too. Each refusal comes as soon as the bytes show
 * it. Never throws.
 */
export function parseProxyV2(buf: Uint8Array): ProxyParse {
  for (let i = 0; i < Math.min(buf.length, 12); i++) {
    if (buf[i] !== PROXY_V2_SIGNATURE[i]) return fail(NOT_A_HEADER);
  }
  if (buf.length < 13) return INCOMPLETE;
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2 || (verCmd & 0xf) > 1) {
    return fail(`PROXY v2: unknown version/command ${hex(verCmd)}`);
  }
  const local = (verCmd & 0xf) === 0;
  if (buf.length < 14) return INCOMPLETE;
  const fam = buf[13]!, af = fam >> 4, transport = fam & 0xf;
  if (af > 3 || transport > 2) return fail(`PROXY v2: unknown family/transport ${hex(fam)}`);
  if (!local && transport === 2) {
    return fail(`PROXY v2: DGRAM transport ${hex(fam)} refused (only STREAM is proxied)`);
  }
  if (buf.length < 16) return INCOMPLETE;
  const len = u16(buf, 14), total = 16 + len;
  if (total > PROXY_V2_MAX_LENGTH) {
    return fail(`PROXY v2: header of ${total} bytes exceeds the ${PROXY_V2_MAX_LENGTH}-byte cap`);
  }
  const addrLen = transport === 0 ? 0 : ADDR_LEN[af as 0 | 1 | 2 | 3];
  if (len < addrLen) {
    return fail(
      `PROXY v2: length ${len} too short for the ${FAMILY_NAME[af as 0 | 1 | 2 | 3]} ` +
        `addresses (${addrLen} bytes)`,
    );
  }
  if (buf.length < total) return INCOMPLETE;
  const header: ProxyHeader = {
    version: 2,
    command: local ? "LOCAL" : "PROXY",
    family: "unknown",
    tlvs: [],
  };
  const problem = readTlvs(buf, 16 + addrLen, total, header);
  if (problem) return fail(problem);
  if (!local && addrLen > 0) readAddresses(buf, af, header);
  return { kind: "ok", length: total, header };
}

function readAddresses(buf: Uint8Array, af: number, h: ProxyHeader): void {
  if (af === 3) {
    h.family = "unix";
    h.src = unixPath(buf, 16);
    h.dst = unixPath(buf, 16 + UNIX_PATH);
    return;
  }
  const size = af === 1 ? 4 : 16;
  const text = af === 1 ? formatIPv4 : formatIPv6;
  h.family = af === 1 ? "tcp4" : "tcp6";
  h.src = text(buf, 16);
  h.dst = text(buf, 16 + size);
  h.srcPort = u16(buf, 16 + 2 * size);
  h.dstPort = u16(buf, 18 + 2 * size);
}

/** Reads the TLVs in buf[from, total) into `h`; returns why they are refused, or null. */
function readTlvs(buf: Uint8Array, from: number, total: number, h: ProxyHeader): string | null {
  const tlvs: ProxyTlv[] = [];
  for (let at = from; at < total;) {
    if (at + 3 > total) return `PROXY v2: truncated TLV header at byte ${at} (${total - at} left)`;
    const type = buf[at]!, len = u16(buf, at + 1), start = at + 3;
    if (start + len > total) {
      return `PROXY v2: TLV ${hex(type)} at byte ${at} runs past the header end ` +
        `(length ${len}, ${total - start} bytes left)`;
    }
    const value = buf.slice(start, start + len);
    if (type === PP2_TYPE_CRC32C) {
      if (len !== 4) return `PROXY v2: CRC32C TLV of ${len} bytes at byte ${at} (expected 4)`;
      const copy = buf.slice(0, total);
      copy.fill(0, start, start + 4);
      const sent = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
      const computed = crc32c(copy);
      if (sent !== computed) {
        return `PROXY v2: CRC32C mismatch (header says ${hex(sent, 8)}, ` +
          `computed ${hex(computed, 8)})`;
      }
    } else if (type === PP2_TYPE_ALPN) h.alpn = utf8.decode(value);
    else if (type === PP2_TYPE_AUTHORITY) h.authority = utf8.decode(value);
    else if (type !== PP2_TYPE_NOOP) tlvs.push({ type, value });
    at = start + len;
  }
  h.tlvs = tlvs;
  return null;
}

/** What buildProxyV2 sends. `tlvs` are extra records (not ALPN/AUTHORITY/CRC32C/NOOP). */
export interface ProxyV2Fields {
  command?: "PROXY" | "LOCAL";
  family: "tcp4" | "tcp6" | "unix" | "unknown";
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  alpn?: string;
  authority?: string;
  crc32c?: boolean;
  tlvs?: readonly ProxyTlv[];
}

const WHO = "buildProxyV2";

function tlvBytes(type: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xffff) {
    throw new RangeError(`${WHO}: TLV ${hex(type)} of ${value.length} bytes (at most 65535)`);
  }
  const out = new Uint8Array(3 + value.length);
  out[0] = type;
  out[1] = value.length >> 8;
  out[2] = value.length & 0xff;
  out.set(value, 3);
  return out;
}

function unixBytes(name: string, path: string | undefined): Uint8Array {
  const b = new TextEncoder().encode(path ?? "");
  if (path === undefined || b.length > UNIX_PATH || b.includes(0)) {
    throw new RangeError(
      `${WHO}: bad ${name} ${JSON.stringify(path)} (expected a path of at most 108 bytes, no NUL)`,
    );
  }
  return b;
}

/** The family byte and address block for `h` (LOCAL and "unknown": UNSPEC, no addresses). */
function addressBlock(h: ProxyV2Fields): [number, Uint8Array] {
  if (h.command === "LOCAL" || h.family === "unknown") return [0x00, new Uint8Array(0)];
  if (h.family === "unix") {
    const out = new Uint8Array(2 * UNIX_PATH);
    out.set(unixBytes("source path", h.src), 0);
    out.set(unixBytes("destination path", h.dst), UNIX_PATH);
    return [0x31, out];
  }
  const p = resolveInet(WHO, h.family, h);
  const size = p.v6 ? 16 : 4;
  const out = new Uint8Array(2 * size + 4);
  out.set(p.src, 0);
  out.set(p.dst, size);
  out[2 * size] = p.srcPort >> 8;
  out[2 * size + 1] = p.srcPort & 0xff;
  out[2 * size + 2] = p.dstPort >> 8;
  out[2 * size + 3] = p.dstPort & 0xff;
  return [p.v6 ? 0x21 : 0x11, out];
}

/**
 * Writes a v2 header: PROXY (default) or LOCAL; TCP over IPv4/IPv6 (mixed families as in
 * `resolveInet`), UNIX stream paths, or UNSPEC for "unknown"; then ALPN, AUTHORITY, the extra
 * TLVs and, with `crc32c`, a CRC32C TLV computed over the whole header.
 * @throws {RangeError} naming the field when an address, port, path or TLV is not valid, or when
 * the header would exceed PROXY_V2_MAX_LENGTH.
 */
export function buildProxyV2(h: ProxyV2Fields): Uint8Array {
  const [fam, addresses] = addressBlock(h);
  const parts: Uint8Array[] = [addresses];
  const enc = new TextEncoder();
  if (h.alpn !== undefined) parts.push(tlvBytes(PP2_TYPE_ALPN, enc.encode(h.alpn)));
  if (h.authority !== undefined) {
    const a = enc.encode(h.authority);
    if (a.length > AUTHORITY_MAX) {
      throw new RangeError(`${WHO}: authority of ${a.length} bytes (HAProxy accepts at most 255)`);
    }
    parts.push(tlvBytes(PP2_TYPE_AUTHORITY, a));
  }
  for (const t of h.tlvs ?? []) {
    if (!Number.isInteger(t.type) || t.type < 0 || t.type > 0xff || (t.type >= 1 && t.type <= 4)) {
      throw new RangeError(
        `${WHO}: bad TLV type ${t.type} (0..255, not ALPN/AUTHORITY/CRC32C/NOOP)`,
      );
    }
    parts.push(tlvBytes(t.type, t.value));
  }
  if (h.crc32c) parts.push(tlvBytes(PP2_TYPE_CRC32C, new Uint8Array(4)));
  const len = parts.reduce((n, p) => n + p.length, 0);
  if (16 + len > PROXY_V2_MAX_LENGTH) {
    throw new RangeError(`${WHO}: header of ${16 + len} bytes exceeds ${PROXY_V2_MAX_LENGTH}`);
  }
  const out = new Uint8Array(16 + len);
  out.set(PROXY_V2_SIGNATURE, 0);
  out[12] = h.command === "LOCAL" ? 0x20 : 0x21;
  out[13] = fam;
  out[14] = len >> 8;
  out[15] = len & 0xff;
  let at = 16;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (h.crc32c) {
    const c = crc32c(out);
    out.set([c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff], out.length - 4);
  }
  return out;
}
