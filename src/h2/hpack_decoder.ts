/** HPACK header block decoder (RFC 7541 §3, §6): indexed and literal fields, table size updates, a decoded-size bound. */
import type { HeaderField } from "../http1/types.ts";
import { decodeLatin1 } from "../http1/serialize.ts";
import { HpackError } from "./errors.ts";
import { DynamicTable } from "./hpack_dynamic_table.ts";
import { huffmanDecodedMax, huffmanDecodeInto } from "./hpack_huffman.ts";
import { type Cursor, decodeInteger } from "./hpack_integer.ts";
import { STATIC_COUNT, STATIC_TABLE } from "./hpack_static.ts";

/** The static table's entries as field objects, handed out for indexed hits (never mutated). */
const STATIC_FIELDS: readonly HeaderField[] = STATIC_TABLE.map(([name, value]) => ({
  name,
  lname: name,
  value,
}));

/** A decoded block: its fields in order, its size as §4.1 counts it, and whether it passed the limit. */
export interface DecodedBlock {
  /**
   * The fields, names as sent (lower case in valid HTTP/2), `lname` the same string. Indexed ones
   * are the tables' own objects (shared by every block that names them): replace, never mutate.
   */
  headers: HeaderField[];
  /** Sum of name + value + 32 over every field of the block, kept or not. */
  size: number;
  /**
   * True when `size` passed `maxHeaderListSize`: fields past the limit were decoded only as far
   * as the dynamic table needs (the HPACK bomb: a few bytes referencing a large entry again and
   * again), and are not in `headers`.
   */
  tooLarge: boolean;
}

/** Decodes the header blocks of one connection direction, keeping its dynamic table. */
export class HpackDecoder {
  readonly table: DynamicTable;
  /** Our SETTINGS_HEADER_TABLE_SIZE: the largest size update the peer may ask for. */
  #settingsSize: number;
  #maxListSize: number;
  #cur: Cursor = { pos: 0 };
  /** The last literal values without indexing (see `#literal`), and where the next one goes. */
  #recent: { bytes: Uint8Array; field: HeaderField }[] = [];
  #recentAt = 0;
  /** Where Huffman-coded strings are decoded (grown as needed). */
  #scratch = new Uint8Array(256);

  constructor(settingsTableSize = 4096, maxHeaderListSize = 65536) {
    this.#settingsSize = settingsTableSize;
    this.#maxListSize = maxHeaderListSize;
    this.table = new DynamicTable(settingsTableSize);
  }

  /** Changes the limit the peer's size updates must respect (our SETTINGS_HEADER_TABLE_SIZE once acknowledged). */
  set settingsTableSize(size: number) {
    this.#settingsSize = size;
    if (this.table.maxSize > size) this.table.resize(size);
  }

  /**
   * Decodes one complete header block. Throws HpackError on any decoding error (§2.3.3 bad index,
   * truncated integer or string, bad Huffman, a size update over the limit or after a field): the
   * connection must then end with COMPRESSION_ERROR, its table being out of step.
   */
  decode(block: Uint8Array): DecodedBlock {
    const cur = this.#cur;
    cur.pos = 0;
    const headers: HeaderField[] = [];
    let size = 0;
    let tooLarge = false;
    let fieldSeen = false;
    while (cur.pos < block.length) {
      const b = block[cur.pos]!;
      let field: HeaderField | null = null;
      let name: string;
      let value: string;
      if (b & 0x80) {
        const index = decodeInteger(block, cur, 7);
        if (index === 0) throw new HpackError("indexed field with index 0");
        field = this.#field(index);
        name = field.name;
        value = field.value;
      } else if (b & 0x40) {
        name = this.#literalName(block, cur, 6);
        value = this.#string(block, cur);
        field = this.table.add(name, value);
      } else if (b & 0x20) {
        if (fieldSeen) throw new HpackError("dynamic table size update after a field");
        const max = decodeInteger(block, cur, 5);
        if (max > this.#settingsSize) {
          throw new HpackError(`table size update to ${max} over the limit ${this.#settingsSize}`);
        }
        this.table.resize(max);
        continue;
      } else {
        // Without indexing (0000) or never indexed (0001): nothing enters the table, so a field
        // past the limit is skipped without decoding its strings.
        if (tooLarge) {
          this.#skipLiteral(block, cur);
          fieldSeen = true;
          continue;
        }
        const index = decodeInteger(block, cur, 4);
        if (index === 0 || (b & 0x10) !== 0) {
          name = index === 0 ? this.#string(block, cur) : this.#name(index);
          value = this.#string(block, cur);
        } else {
          field = this.#literal(block, cur, this.#name(index));
          name = field.name;
          value = field.value;
        }
      }
      fieldSeen = true;
      size += name.length + value.length + 32;
      if (size > this.#maxListSize) tooLarge = true;
      if (!tooLarge) headers.push(field ?? { name, lname: name, value });
    }
    return { headers, size, tooLarge };
  }

  #name(index: number): string {
    if (index <= STATIC_COUNT) return STATIC_TABLE[index]![0];
    const d = index - STATIC_COUNT;
    if (d > this.table.length) throw new HpackError(`index ${index} beyond the tables`);
    return this.table.name(d);
  }

  /** An indexed entry of either table as its shared field object. */
  #field(index: number): HeaderField {
    if (index <= STATIC_COUNT) return STATIC_FIELDS[index]!;
    const d = index - STATIC_COUNT;
    if (d > this.table.length) throw new HpackError(`index ${index} beyond the tables`);
    return this.table.field(d);
  }

  /**
   * The value of a literal without indexing whose name is indexed (§6.2.2; nghttp2 sends :path so):
   * the field object of an earlier block when its encoded value was the same bytes (a short ring
   * of the last few), so a path sent again and again is decoded, and checked, once.
   */
  #literal(block: Uint8Array, cur: Cursor, name: string): HeaderField {
    const start = cur.pos;
    this.#skipString(block, cur);
    const end = cur.pos;
    const recent = this.#recent;
    if (end - start <= RECENT_MAX_BYTES) {
      for (let k = 0; k < recent.length; k++) {
        const e = recent[k]!;
        if (e.field.name === name && sameBytes(e.bytes, block, start, end)) return e.field;
      }
    }
    cur.pos = start;
    const field: HeaderField = { name, lname: name, value: this.#string(block, cur) };
    if (end - start > RECENT_MAX_BYTES) return field;
    const entry = { bytes: block.slice(start, end), field };
    if (recent.length < RECENT_COUNT) recent.push(entry);
    else recent[this.#recentAt] = entry;
    this.#recentAt = (this.#recentAt + 1) % RECENT_COUNT;
    return field;
  }

  #literalName(block: Uint8Array, cur: Cursor, prefix: number): string {
    const index = decodeInteger(block, cur, prefix);
    return index === 0 ? this.#string(block, cur) : this.#name(index);
  }

  /** A string literal (§5.2): H bit, 7-bit-prefixed length, raw or Huffman-coded octets (decoded in place, no view). */
  #string(block: Uint8Array, cur: Cursor): string {
    if (cur.pos >= block.length) throw new HpackError("truncated string");
    const huffman = (block[cur.pos]! & 0x80) !== 0;
    const len = decodeInteger(block, cur, 7);
    if (len > block.length - cur.pos) throw new HpackError("string longer than the block");
    const start = cur.pos;
    cur.pos += len;
    if (!huffman) return latin1(block, start, start + len);
    const max = huffmanDecodedMax(len);
    if (this.#scratch.length < max) {
      this.#scratch = new Uint8Array(Math.max(max, 2 * this.#scratch.length));
    }
    return latin1(this.#scratch, 0, huffmanDecodeInto(block, start, start + len, this.#scratch));
  }

  #skipLiteral(block: Uint8Array, cur: Cursor): void {
    const index = decodeInteger(block, cur, 4);
    if (index === 0) this.#skipString(block, cur);
    else this.#name(index);
    this.#skipString(block, cur);
  }

  #skipString(block: Uint8Array, cur: Cursor): void {
    if (cur.pos >= block.length) throw new HpackError("truncated string");
    const len = decodeInteger(block, cur, 7);
    if (len > block.length - cur.pos) throw new HpackError("string longer than the block");
    cur.pos += len;
  }
}

/** How many literal values `#literal` remembers, and the longest encoding it keeps. */
const RECENT_COUNT = 4;
const RECENT_MAX_BYTES = 64;

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** Short strings are built char by char (no view, no decoder call); longer ones by `decodeLatin1`. */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start > 16) return decodeLatin1(b.subarray(start, end));
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}
