/** HPACK's Huffman string coding (RFC 7541 §5.2, Appendix B): encode, encoded length, strict decode. */
import { HpackError } from "./errors.ts";
import { HUFFMAN_LENGTHS } from "./hpack_huffman_lengths.ts";

const EOS = 256;
const MAX_LEN = 30;

/** Codes by symbol, built once from the canonical lengths. */
const CODES = new Uint32Array(257);
/** Symbols sorted by (length, symbol), and per length: first code and first index in SORTED. */
const SORTED = new Uint16Array(257);
const FIRST_CODE = new Int32Array(MAX_LEN + 2);
const FIRST_INDEX = new Int32Array(MAX_LEN + 2);
const COUNT = new Int32Array(MAX_LEN + 2);

(function build() {
  const order = [...HUFFMAN_LENGTHS.keys()].sort((a, b) =>
    HUFFMAN_LENGTHS[a]! - HUFFMAN_LENGTHS[b]! || a - b
  );
  let code = 0;
  let prev = HUFFMAN_LENGTHS[order[0]!]!;
  FIRST_CODE.fill(-1);
  order.forEach((sym, i) => {
    const len = HUFFMAN_LENGTHS[sym]!;
    if (i > 0) code = (code + 1) * 2 ** (len - prev);
    prev = len;
    CODES[sym] = code;
    SORTED[i] = sym;
    if (COUNT[len] === 0) {
      FIRST_CODE[len] = code;
      FIRST_INDEX[len] = i;
    }
    COUNT[len]!++;
  });
})();

/** Bytes that `huffmanEncode(s)` would produce. */
export function huffmanLength(s: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += HUFFMAN_LENGTHS[s[i]!]!;
  return (bits + 7) >> 3;
}

/** Writes the Huffman coding of `s` into `out` at `pos` (room for `huffmanLength(s)` bytes); returns the end. */
export function huffmanEncodeInto(s: Uint8Array, out: Uint8Array, pos: number): number {
  let acc = 0;
  let nbits = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s[i]!;
    let code = CODES[sym]!;
    let len = HUFFMAN_LENGTHS[sym]!;
    if (len > 16) {
      // Feed the high part first so the accumulator never holds more than 23 bits (it keeps under 8 between symbols).
      const high = len - 16;
      acc = (acc << high) | (code >>> 16);
      nbits += high;
      while (nbits >= 8) out[pos++] = (acc >>> (nbits -= 8)) & 0xff;
      acc &= (1 << nbits) - 1;
      code &= 0xffff;
      len = 16;
    }
    acc = (acc << len) | code;
    nbits += len;
    while (nbits >= 8) out[pos++] = (acc >>> (nbits -= 8)) & 0xff;
    acc &= (1 << nbits) - 1;
  }
  if (nbits > 0) out[pos++] = ((acc << (8 - nbits)) | (0xff >>> nbits)) & 0xff;
  return pos;
}

/** The Huffman coding of `s`, padded with the most significant bits of EOS. */
export function huffmanEncode(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(huffmanLength(s));
  huffmanEncodeInto(s, out, 0);
  return out;
}

/**
 * Decodes a Huffman-coded string. Refuses (HpackError) what §5.2 calls a decoding error: the EOS
 * symbol, padding longer than 7 bits, or padding that is not the most significant bits of EOS.
 * `maxOut` bounds the decoded length (each byte decodes to at most 1.6 symbols, so the caller's
 * limit is checked as the string grows).
 */
export function huffmanDecode(src: Uint8Array, maxOut = Infinity): Uint8Array {
  const out = new Uint8Array(Math.min(huffmanDecodedMax(src.length), maxOut + 1));
  return out.subarray(0, huffmanDecodeInto(src, 0, src.length, out, maxOut));
}

/** The most bytes `n` Huffman-coded bytes decode to (the shortest code is 5 bits). */
export function huffmanDecodedMax(n: number): number {
  return Math.ceil((n * 8) / 5);
}

/**
 * Decodes src[start, end) into `out` (at least `huffmanDecodedMax(end - start)` long, or `maxOut`
 * + 1) without a view or a result buffer of its own; returns the decoded length. Errors as
 * `huffmanDecode`.
 */
export function huffmanDecodeInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  maxOut = Infinity,
): number {
  let n = 0;
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i]!;
    for (let b = 7; b >= 0; b--) {
      code = code * 2 + ((byte >> b) & 1);
      len++;
      const idx = code - FIRST_CODE[len]!;
      if (FIRST_CODE[len]! < 0 || idx < 0 || idx >= COUNT[len]!) {
        if (len >= MAX_LEN) throw new HpackError("invalid Huffman code");
        continue;
      }
      const sym = SORTED[FIRST_INDEX[len]! + idx]!;
      if (sym === EOS) throw new HpackError("EOS symbol in a Huffman-coded string");
      if (n >= maxOut) throw new HpackError(`Huffman-coded string longer than ${maxOut} bytes`);
      out[n++] = sym;
      code = 0;
      len = 0;
    }
  }
  if (len > 7) throw new HpackError("Huffman padding longer than 7 bits");
  if (code !== (1 << len) - 1) throw new HpackError("Huffman padding is not the prefix of EOS");
  return n;
}
