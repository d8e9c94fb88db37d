/** IP helpers for rules: networks as bytes + prefix (for many-pattern matching), masks. */
import { LENIENT, parseIP } from "../net/ip.ts";

/** A network over 16-byte addresses (IPv4 as ::ffff:a.b.c.d, so its prefix is 96 + n). */
export interface Network {
  bytes: Uint8Array;
  prefix: number;
}

/** Reads "10.0.0.0/8", "10.0.0.0/255.0.0.0", "2001:db8::/32" or a bare address; null if none. */
export function parseNetwork(text: string): Network | null {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIP(addr, LENIENT);
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
  const b = parseIP(text, LENIENT);
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
 * parseIP (heading zeroes allowed) for the hot path (a request's `src` against ip patterns): the
 * last address is remembered, since one request's rules test the same `src` again and again. The
 * result is shared: never modify it.
 */
export function ipBytes(text: string): Uint8Array | null {
  if (text === cachedText) return cachedBytes;
  const b = parseIP(text, LENIENT);
  cachedText = text;
  cachedBytes = b;
  return b;
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

/** Keeps the first `prefix` bits of a 16-byte address (in place) and returns it. */
export function applyPrefix(b: Uint8Array, prefix: number): Uint8Array {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    b[i] = b[i]! & (0xff << (8 - keep)) & 0xff;
  }
  return b;
}

function isV4Text(text: string): boolean {
  return !text.includes(":");
}
