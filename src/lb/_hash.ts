/**
 * The fixed string hash of the hash-based balancers: 32-bit FNV-1a, then murmur3's fmix32 finalizer
 * so keys that differ in one character land far apart (what HAProxy's `avalanche` option does).
 * Fixed forever: the same key maps to the same server across restarts and versions.
 */

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

/** The hash of a balancing key, 0 to 2^32-1. */
export function hashKey(text: string): number {
  return mix32(fnv1a32(text));
}
