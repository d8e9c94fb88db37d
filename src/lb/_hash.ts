/**
 * The key hashes of the hash-based balancers: tsproxy's own (FNV-1a then murmur3's finalizer) and
 * HAProxy's (sdbm, djb2, wt6, crc32, the avalanche modifier, the source-address hash), byte for byte.
 */
import { LENIENT, parseIP, parseIPv4 } from "../net/ip.ts";
import type { HashFunction } from "./types.ts";

/** 32-bit FNV-1a over the UTF-16 code units of `text` (its bytes when it is ASCII or Latin-1). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: every input bit flips each output bit with probability about 1/2. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * tsproxy's default key hash, 0 to 2^32-1: fixed, so a key keeps its server across restarts (for
 * the same servers and weights).
 */
export function hashKey(text: string): number {
  return mix32(fnv1a32(text));
}

// HAProxy's functions (src/hash.c) read bytes: keys are latin1 text (HTTP heads are decoded so),
// so a char code is the byte.

/** HAProxy's hash_sdbm, its default: h = c + (h << 6) + (h << 16) - h. */
export function sdbm(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    h = ((text.charCodeAt(i) & 0xff) + (h << 6) + (h << 16) - h) >>> 0;
  }
  return h;
}

/** HAProxy's hash_djb2: h = h * 33 + c from 5381. */
export function djb2(text: string): number {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 33) + (text.charCodeAt(i) & 0xff)) >>> 0;
  return h;
}

/** HAProxy's hash_wt6 (Willy Tarreau's 6-bit rotations). */
export function wt6(text: string): number {
  let h0 = 0xa53c965a, h1 = 0x5ca6953a, step0 = 6, step1 = 18;
  for (let i = 0; i < text.length; i++) {
    let t = text.charCodeAt(i) & 0xff;
    h0 = ~(h0 ^ t) >>> 0;
    h1 = ~(h1 + t) >>> 0;
    t = ((h1 << step0) | (h1 >>> (32 - step0))) >>> 0;
    h1 = ((h0 << step1) | (h0 >>> (32 - step1))) >>> 0;
    h0 = t;
    t = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = t & 0x1f;
    step1 = t >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

/** HAProxy's hash_crc32: the reflected CRC-32 (polynomial 0xedb88320), bit by bit. */
export function crc32(text: string): number {
  let h = ~0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i) & 0xff;
    for (let bit = 0; bit < 8; bit++) h = (h >>> 1) ^ ((h & 1) ? 0xedb88320 : 0);
  }
  return ~h >>> 0;
}

/** HAProxy's full_hash (the `avalanche` modifier): Bob Jenkins' integer hash times 3221225473. */
export function fullHash(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0;
  return Math.imul(a, 3221225473) >>> 0;
}

const FUNCTIONS = { sdbm, djb2, wt6, crc32 } as const;

/** How one backend hashes its keys: a text key, and a client address for `balance source`. */
export interface Hasher {
  /** True for HAProxy's functions: map-based picks then follow HAProxy's server map exactly. */
  readonly haproxy: boolean;
  text(key: string): number;
  /** `balance source`'s hash of an address given as text. */
  address(ip: string): number;
}

const DEFAULT_HASHER: Hasher = { haproxy: false, text: hashKey, address: hashKey };

/** The hasher `fn` names (default fnv1a). */
export function hasherFor(fn: HashFunction | undefined): Hasher {
  if (fn === undefined || fn === "fnv1a") return DEFAULT_HASHER;
  const [name, modifier] = fn.split(" ") as [keyof typeof FUNCTIONS, string | undefined];
  const base = FUNCTIONS[name];
  if (modifier === undefined) return { haproxy: true, text: base, address: addressHash };
  return {
    haproxy: true,
    text: (key) => fullHash(base(key)),
    address: (ip) => fullHash(addressHash(ip)),
  };
}

/**
 * HAProxy's get_server_sh: an IPv4 address as its 32-bit number, an IPv6 address as the XOR of its
 * four 32-bit words (the hash function is not used); 0 for text that is no address.
 */
export function addressHash(ip: string): number {
  const v4 = parseIPv4(ip, LENIENT);
  if (v4 !== null) return v4;
  const b = parseIP(ip, LENIENT);
  if (b === null) return 0;
  let h = 0;
  for (let i = 0; i < 16; i += 4) {
    h ^= (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  }
  return h >>> 0;
}

/** The bytes of address `ip` as latin1 text (4 or 16 chars), what HAProxy's `hash src` hashes. */
export function addressBytes(ip: string): string {
  const v4 = parseIPv4(ip, LENIENT);
  if (v4 !== null) {
    return String.fromCharCode(v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff);
  }
  const b = parseIP(ip, LENIENT);
  return b === null ? ip : String.fromCharCode(...b);
}
