/** IP helpers for rules: networks as bytes + prefix (for many-pattern matching), masks, text form. */
import { parseIp } from "../net/cidr.ts";

/** A network over 16-byte addresses (IPv4 as ::ffff:a.b.c.d, so its prefix is 96 + n). */
export interface Network {
  bytes: Uint8Array;
  prefix: number;
}

/** Reads "10.0.0.0/8", "10.0.0.0/255.0.0.0", "2001:db8::/32" or a bare address; null if none. */
export function parseNetwork(text: string): Network | null {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(addr);
  if (!bytes) return null;
  const v4 = isV4Text(addr);
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const len = text.slice(slash + 1);
    if (/^\d{1,3}$/.test(len)) bits = Number(len);
    else if (v4) bits = maskBits(len);
    else return null;
    if (!(bits >= 0 && bits <= max)) return null;
  }
  return { bytes, prefix: v4 ? bits + 96 : bits };
}

/** The prefix length of a dotted netmask ("255.255.0.0" → 16), -1 when not a contiguous mask. */
export function maskBits(text: string): number {
  const b = parseIp(text);
  if (!b || !isV4Text(text)) return -1;
  let bits = 0;
  let ended = false;
  for (let i = 12; i < 16; i++) {
    for (let k = 7; k >= 0; k--) {
      const one = (b[i]! >> k) & 1;
      if (one && ended) return -1;
      if (one) bits++;
      else ended = true;
    }
  }
  return bits;
}

let cachedText = "";
let cachedBytes: Uint8Array | null = null;

/**
 * parseIp for the hot path (a request's `src` against ip patterns): dotted quads are read without
 * regexes or splitting, and the last address is remembered, since one request's rules test the
 * same `src` again and again. The result is shared: never modify it.
 */
export function ipBytes(text: string): Uint8Array | null {
  if (text === cachedText) return cachedBytes;
  const b = quad(text) ?? parseIp(text);
  cachedText = text;
  cachedBytes = b;
  return b;
}

/** A dotted quad as a mapped 16-byte address, or null (then parseIp decides). */
function quad(text: string): Uint8Array | null {
  const out = new Uint8Array(16);
  out[10] = out[11] = 0xff;
  let part = 0, digits = 0, at = 12;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || at > 15) return null;
      out[at++] = part;
      part = digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      part = part * 10 + c - 0x30;
      digits++;
      if (part > 255) return null;
    } else return null;
  }
  return at === 16 ? out : null;
}

/** Whether the 16-byte address lies in the network. */
export function inNetwork(addr: Uint8Array, net: Network): boolean {
  let n = net.prefix;
  let i = 0;
  for (; n >= 8; n -= 8, i++) if (addr[i] !== net.bytes[i]) return false;
  if (n === 0) return true;
  const mask = (0xff << (8 - n)) & 0xff;
  return (addr[i]! & mask) === (net.bytes[i]! & mask);
}

/** Whether a 16-byte address is an IPv4-mapped one (::ffff:a.b.c.d). */
export function isMappedV4(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Keeps the first `prefix` bits of a 16-byte address (in place) and returns it. */
export function applyPrefix(b: Uint8Array, prefix: number): Uint8Array {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    b[i] = b[i]! & (0xff << (8 - keep)) & 0xff;
  }
  return b;
}

/** The text form: dotted quad for mapped IPv4, RFC 5952 compressed form for IPv6. */
export function formatIp(b: Uint8Array): string {
  if (isMappedV4(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}

function isV4Text(text: string): boolean {
  return !text.includes(":");
}
