/** HPACK header block encoder (RFC 7541 §6): static and dynamic indexing, Huffman when shorter, size updates. */
import { DynamicTable, entrySize } from "./hpack_dynamic_table.ts";
import { huffmanEncodeInto, huffmanLength } from "./hpack_huffman.ts";
import { encodeInteger } from "./hpack_integer.ts";
import { STATIC_COUNT, STATIC_NAME_INDEX, STATIC_PAIRS } from "./hpack_static.ts";

/**
 * A field to encode: name, value (latin1). `lname`, when given, is the lower-case name sent
 * instead of `name` (an HTTP/1 HeaderField is encoded as it is, without a new object).
 */
export interface FieldToEncode {
  name: string;
  value: string;
  lname?: string;
}

export interface HpackEncoderOptions {
  /** Huffman-code a string when that is not longer ("shorter", the default) or never ("never"). */
  huffman?: "shorter" | "never";
}

/** Fields never put in a table (§7.1.3): credentials, and short cookies a guess could confirm. */
function isSensitive(name: string, value: string): boolean {
  return name === "authorization" || name === "proxy-authorization" ||
    (name === "cookie" && value.length < 20);
}

/** Encodes the header blocks of one connection direction, keeping its dynamic table. */
export class HpackEncoder {
  readonly table: DynamicTable;
  #huffman: boolean;
  /** Smallest and last table size the peer allowed since the last block (-1: no change to signal). */
  #pendingMin = -1;
  #pendingLast = -1;
  #out = new Uint8Array(256);
  /** The last block that changed no table: the table's version then (-1: none), its fields, its length. */
  #lastVersion = -1;
  #lastNames: string[] = [];
  #lastValues: string[] = [];
  #lastLength = 0;
  #scratch = new Uint8Array(256);

  constructor(peerTableSize = 4096, options: HpackEncoderOptions = {}) {
    this.table = new DynamicTable(peerTableSize, true);
    this.#huffman = options.huffman !== "never";
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with size updates (§4.2). */
  setPeerTableSize(size: number): void {
    this.#pendingMin = this.#pendingMin < 0 ? size : Math.min(this.#pendingMin, size);
    this.#pendingLast = size;
  }

  /** Encodes one header block (a copy the caller keeps). */
  encode(fields: readonly FieldToEncode[]): Uint8Array {
    const n = this.encodeInto(fields); // first: it may replace the buffer
    return this.#out.slice(0, n);
  }

  /** The buffer `encodeInto` wrote to (valid until the next call: it may be replaced when grown). */
  get output(): Uint8Array {
    return this.#out;
  }

  /**
   * Encodes one header block into `output`, from its start; returns the block's length. The same
   * fields as the last block, which added nothing to a table unchanged since, are the same bytes:
   * `output` still holds them (a server's usual response, its Date aside).
   */
  encodeInto(fields: readonly FieldToEncode[]): number {
    const version = this.table.version;
    if (this.#pendingLast < 0 && version === this.#lastVersion && this.#sameAsLast(fields)) {
      return this.#lastLength;
    }
    this.#lastVersion = -1;
    const n = this.#encode(fields);
    if (this.table.version !== version) return n;
    this.#lastVersion = version;
    this.#lastLength = n;
    const names = this.#lastNames, values = this.#lastValues;
    names.length = values.length = fields.length;
    for (let i = 0; i < fields.length; i++) {
      names[i] = fields[i]!.lname ?? fields[i]!.name;
      values[i] = fields[i]!.value;
    }
    return n;
  }

  #sameAsLast(fields: readonly FieldToEncode[]): boolean {
    const names = this.#lastNames, values = this.#lastValues;
    if (fields.length !== names.length) return false;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.value !== values[i] || (f.lname ?? f.name) !== names[i]) return false;
    }
    return true;
  }

  #encode(fields: readonly FieldToEncode[]): number {
    let pos = 0;
    if (this.#pendingLast >= 0) {
      this.#ensure(0, 12);
      if (this.#pendingMin < this.#pendingLast) {
        pos = encodeInteger(this.#out, pos, this.#pendingMin, 5, 0x20);
      }
      pos = encodeInteger(this.#out, pos, this.#pendingLast, 5, 0x20);
      this.table.resize(this.#pendingLast);
      this.#pendingMin = this.#pendingLast = -1;
    }
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const name = f.lname ?? f.name, value = f.value;
      this.#ensure(pos, name.length + value.length + 16);
      pos = this.#field(pos, name, value);
    }
    return pos;
  }

  #field(pos: number, name: string, value: string): number {
    const out = this.#out;
    const pair = STATIC_PAIRS.get(name)?.get(value) ??
      (this.table.length > 0 ? this.#dynamicIndex(this.table.findPair(name, value)) : 0);
    if (pair > 0) return encodeInteger(out, pos, pair, 7, 0x80);
    const nameIndex = STATIC_NAME_INDEX.get(name) ??
      (this.table.length > 0 ? this.#dynamicIndex(this.table.findName(name)) : 0);
    if (isSensitive(name, value)) {
      pos = encodeInteger(out, pos, nameIndex, 4, 0x10);
    } else if (entrySize(name, value) > this.table.maxSize) {
      pos = encodeInteger(out, pos, nameIndex, 4, 0x00);
    } else {
      pos = encodeInteger(out, pos, nameIndex, 6, 0x40);
      this.table.add(name, value);
    }
    if (nameIndex === 0) pos = this.#string(pos, name);
    return this.#string(pos, value);
  }

  #dynamicIndex(i: number): number {
    return i === 0 ? 0 : i + STATIC_COUNT;
  }

  /** A string literal: Huffman-coded when not longer (and allowed; RFC 7541 C.6.2 codes "307" in 3 bytes too), else raw latin1 octets. */
  #string(pos: number, s: string): number {
    const n = s.length;
    if (this.#scratch.length < n) this.#scratch = new Uint8Array(n * 2);
    const bytes = this.#scratch.subarray(0, n);
    for (let i = 0; i < n; i++) bytes[i] = s.charCodeAt(i) & 0xff;
    const out = this.#out;
    if (this.#huffman) {
      const h = huffmanLength(bytes);
      if (h <= n) {
        pos = encodeInteger(out, pos, h, 7, 0x80);
        return huffmanEncodeInto(bytes, out, pos);
      }
    }
    pos = encodeInteger(out, pos, n, 7, 0);
    out.set(bytes, pos);
    return pos + n;
  }

  /** Grows the output buffer so `extra` more bytes fit after `pos`. */
  #ensure(pos: number, extra: number): void {
    if (pos + extra <= this.#out.length) return;
    const grown = new Uint8Array(Math.max(this.#out.length * 2, pos + extra));
    grown.set(this.#out.subarray(0, pos));
    this.#out = grown;
  }
}
