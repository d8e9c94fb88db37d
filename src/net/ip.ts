/** IP address text ⇄ bytes: the one IPv4/IPv6 text parser and formatter, pure, no sockets. */

/**
 * How strict a parse is. The defaults are inet_pton's grammar (what node:net's isIPv4/isIPv6 and
 * the PROXY protocol accept): decimal parts without heading zeroes, no zone id.
 */
export interface IPTextOptions {
  /** Accept heading zeroes in dotted quads ("010.0.0.1" is 10.0.0.1, read as decimal). */
  readonly leadingZeros?: boolean;
  /** Accept an IPv6 zone id ("fe80::1%eth0", as node:net's isIPv6); it is not in the bytes. */
  readonly zone?: boolean;
}

/** Heading zeroes accepted: what ACL/map patterns, converters and the balancers' hashes read. */
export const LENIENT: IPTextOptions = { leadingZeros: true };
const STRICT: IPTextOptions = {};
const ZONE = /^[0-9A-Za-z.:-]+$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/**
 * A dotted quad ("192.0.2.1": four decimal parts 0..255 of 1 to 3 digits) as its 32-bit number,
 * or null; heading zeroes only with `leadingZeros`. Reads chars without allocating (a hot path).
 */
export function parseIPv4(text: string, opts: IPTextOptions = STRICT): number | null {
  const zeros = opts.leadingZeros === true;
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + part;
      part = digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      if (digits === 1 && part === 0 && !zeros) return null;
      part = part * 10 + c - 0x30;
      digits++;
      if (part > 255) return null;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + part;
}

/**
 * An IPv6 address text as 16 bytes, or null: groups of 1 to 4 hex digits, at most one "::" standing
 * for one or more zero groups, and optionally a dotted quad as the last 32 bits ("::ffff:1.2.3.4").
 */
export function parseIPv6(text: string, opts: IPTextOptions = STRICT): Uint8Array | null {
  let addr = text;
  const pct = opts.zone ? text.indexOf("%") : -1;
  if (pct >= 0) {
    if (!ZONE.test(text.slice(pct + 1))) return null;
    addr = text.slice(0, pct);
  }
  const halves = addr.split("::");
  if (halves.length > 2) return null;
  let words: number[];
  if (halves.length === 1) {
    const all = hexGroups(addr, true, opts);
    if (!all || all.length !== 8) return null;
    words = all;
  } else {
    const head = hexGroups(halves[0]!, false, opts), tail = hexGroups(halves[1]!, true, opts);
    if (!head || !tail || head.length + tail.length > 7) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

/** Colon-separated hex groups as 16-bit words ("" gives none); a dotted quad last when `v4Tail`. */
function hexGroups(text: string, v4Tail: boolean, opts: IPTextOptions): number[] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (v4Tail && i === parts.length - 1 && p.includes(".")) {
      const n = parseIPv4(p, opts);
      if (n === null) return null;
      out.push(n >>> 16, n & 0xffff);
    } else if (HEX_GROUP.test(p)) out.push(parseInt(p, 16));
    else return null;
  }
  return out;
}

/** Either family as 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d); null when neither. */
export function parseIP(text: string, opts: IPTextOptions = STRICT): Uint8Array | null {
  const v4 = parseIPv4(text, opts);
  if (v4 !== null) return mappedIPv4(v4);
  return text.includes(":") ? parseIPv6(text, opts) : null;
}

/** An IPv4 address number as its 4 bytes. */
export function ipv4Bytes(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** An IPv4 address number as 16 bytes, IPv4-mapped (::ffff:a.b.c.d). */
export function mappedIPv4(n: number): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = out[11] = 0xff;
  out[12] = n >>> 24;
  out[13] = (n >>> 16) & 0xff;
  out[14] = (n >>> 8) & 0xff;
  out[15] = n & 0xff;
  return out;
}

/** 4 bytes as 16, IPv4-mapped; 16 bytes as they are. */
export function mapIPv4(b: Uint8Array): Uint8Array {
  if (b.length === 16) return b;
  const out = new Uint8Array(16);
  out[10] = out[11] = 0xff;
  out.set(b, 12);
  return out;
}

/** Whether 16 bytes from `at` are an IPv4-mapped IPv6 address (::ffff:a.b.c.d); false for 4 bytes. */
export function isMappedIPv4(b: Uint8Array, at = 0): boolean {
  if (b.length - at < 16) return false;
  for (let i = 0; i < 10; i++) if (b[at + i] !== 0) return false;
  return b[at + 10] === 0xff && b[at + 11] === 0xff;
}

/** 4 bytes from `at` as a dotted quad. */
export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * 16 bytes from `at` as RFC 5952 text: lower case, the first longest run of two or more zero groups
 * as "::", and an IPv4-mapped address as ::ffff:a.b.c.d.
 */
export function formatIPv6(b: Uint8Array, at = 0): string {
  if (isMappedIPv4(b, at)) return "::ffff:" + formatIPv4(b, at + 12);
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((x) => x.toString(16)).join(":");
  if (best < 0) return hex(w);
  return hex(w.slice(0, best)) + "::" + hex(w.slice(best + bestLen));
}

/** 16 bytes as text: a dotted quad for an IPv4-mapped address, else `formatIPv6`'s form. */
export function formatIP(b: Uint8Array): string {
  return isMappedIPv4(b) ? formatIPv4(b, 12) : formatIPv6(b);
}
