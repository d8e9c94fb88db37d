/** Byte-level mutations shared by both fuzzers: bit flips, interesting bytes, cuts, duplication, splicing, random chunking. */
import type { Rng } from "./rng.ts";

/** Bytes that parsers treat specially: controls, separators, high bit, digits of lengths. */
const INTERESTING = [
  0x00,
  0x09,
  0x0a,
  0x0d,
  0x20,
  0x22,
  0x2c,
  0x2d,
  0x30,
  0x3a,
  0x3b,
  0x7f,
  0x80,
  0xff,
  0x41,
  0x7a,
];

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One random byte-level mutation of `b` (a new array); `other` is material for splicing. */
export function mutateBytes(rng: Rng, b: Uint8Array, other?: Uint8Array): Uint8Array {
  if (b.length === 0) return rng.bytes(rng.range(1, 8));
  const at = rng.int(b.length);
  const out = b.slice();
  switch (rng.int(8)) {
    case 0: // bit flip
      out[at]! ^= 1 << rng.int(8);
      return out;
    case 1: // interesting byte
      out[at] = rng.pick(INTERESTING);
      return out;
    case 2: // random byte
      out[at] = rng.int(256);
      return out;
    case 3: // insert bytes
      return concat([
        b.subarray(0, at),
        rng.chance(0.5) ? Uint8Array.of(rng.pick(INTERESTING)) : rng.bytes(rng.range(1, 4)),
        b.subarray(at),
      ]);
    case 4: { // delete a range
      const n = rng.range(1, Math.min(16, b.length - at));
      return concat([b.subarray(0, at), b.subarray(at + n)]);
    }
    case 5: { // duplicate a range
      const n = rng.range(1, Math.min(64, b.length - at));
      return concat([b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n)]);
    }
    case 6: // truncate
      return b.slice(0, at);
    default: { // splice: our head, the other's tail
      if (!other || other.length === 0) return b.slice(0, at);
      return concat([b.subarray(0, at), other.subarray(rng.int(other.length))]);
    }
  }
}

/** `b` cut into random chunks: whole, bytewise, or at random points (the codecs must not care). */
export function chunkRandomly(rng: Rng, b: Uint8Array): Uint8Array[] {
  const mode = rng.int(6);
  if (mode === 0 || b.length < 2) return [b];
  if (mode === 1 && b.length <= 512) {
    return Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));
  }
  const out: Uint8Array[] = [];
  let i = 0;
  const max = mode === 2 ? 4 : mode === 3 ? 32 : Math.max(2, b.length >> 1);
  while (i < b.length) {
    const n = rng.range(1, max);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}
