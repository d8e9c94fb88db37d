/** HPACK's prefixed integers (RFC 7541 §5.1): encode into a buffer, decode with a bound. */
import { HpackError } from "./errors.ts";

/** Largest integer a decoder accepts: every length, index and size here fits in 2^31 - 1. */
const MAX_INT = 0x7fffffff;

/** Bytes `encodeInteger` needs for `value` with an N-bit prefix. */
export function integerLength(value: number, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) return 1;
  let n = 2;
  for (let v = value - max; v >= 128; v = Math.floor(v / 128)) n++;
  return n;
}

/**
 * Writes `value` with an N-bit prefix at `out[pos]`, keeping the bits of `flags` above the prefix
 * (the representation's pattern, e.g. 0x80 for an indexed field). Returns the position after it.
 */
export function encodeInteger(
  out: Uint8Array,
  pos: number,
  value: number,
  prefixBits: number,
  flags: number,
): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out[pos++] = flags | value;
    return pos;
  }
  out[pos++] = flags | max;
  let v = value - max;
  while (v >= 128) {
    out[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}

/** A read position into a header block, shared by the decoding steps of one block. */
export interface Cursor {
  pos: number;
}

/**
 * Reads an integer with an N-bit prefix at `src[cur.pos]` and advances. Refuses a truncated
 * integer and one over 2^31 - 1 (HpackError): a peer cannot make us loop on continuation bytes.
 */
export function decodeInteger(src: Uint8Array, cur: Cursor, prefixBits: number): number {
  if (cur.pos >= src.length) throw new HpackError("truncated integer");
  const max = (1 << prefixBits) - 1;
  let value = src[cur.pos++]! & max;
  if (value < max) return value;
  let shift = 1;
  for (;;) {
    if (cur.pos >= src.length) throw new HpackError("truncated integer");
    const b = src[cur.pos++]!;
    value += (b & 0x7f) * shift;
    if (value > MAX_INT) throw new HpackError(`integer over ${MAX_INT}`);
    if ((b & 0x80) === 0) return value;
    shift *= 128;
  }
}
