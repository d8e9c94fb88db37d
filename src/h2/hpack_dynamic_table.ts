/** HPACK's dynamic table (RFC 7541 §2.3.2, §4): entries newest first, sized in octets, evicted oldest first. */
import type { HeaderField } from "../http1/types.ts";

/** Octets an entry counts for: its name and value lengths plus 32 (§4.1). Strings are latin1, one octet per char. */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32;
}

/**
 * A FIFO of header fields whose summed size stays within `maxSize`. Each entry is kept as one
 * field object (`lname` = `name`), which the decoder hands out for every indexed hit instead of a
 * new object: readers of a decoded block must not mutate its fields (they replace them).
 */
export class DynamicTable {
  /** Oldest first; index 1 of the HPACK address space is the last element. */
  #fields: HeaderField[] = [];
  #size = 0;
  #maxSize: number;

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** Number of entries. */
  get length(): number {
    return this.#fields.length;
  }

  /** Summed size of the entries in octets. */
  get size(): number {
    return this.#size;
  }

  /** The current maximum size (changed by a dynamic table size update). */
  get maxSize(): number {
    return this.#maxSize;
  }

  /** Name of entry i (1 = newest). */
  name(i: number): string {
    return this.#fields[this.#fields.length - i]!.name;
  }

  /** Value of entry i (1 = newest). */
  value(i: number): string {
    return this.#fields[this.#fields.length - i]!.value;
  }

  /** Entry i (1 = newest) as the shared field object (not to be mutated). */
  field(i: number): HeaderField {
    return this.#fields[this.#fields.length - i]!;
  }

  /** Sets the maximum size and evicts the oldest entries until the table fits (§4.3). */
  resize(maxSize: number): void {
    this.#maxSize = maxSize;
    this.#evict(0);
  }

  /**
   * Adds an entry as the newest, evicting old ones first (§4.4). An entry larger than the maximum
   * size empties the table and is not added. Returns the entry's field object (a new one, not
   * kept, when it was too large).
   */
  add(name: string, value: string): HeaderField {
    const size = entrySize(name, value);
    const field: HeaderField = { name, lname: name, value };
    if (size > this.#maxSize) {
      this.#evict(this.#maxSize + 1);
      return field;
    }
    this.#evict(size);
    this.#fields.push(field);
    this.#size += size;
    return field;
  }

  /** Newest-first index (1-based) of an entry with this name and value, or 0. */
  findPair(name: string, value: string): number {
    const f = this.#fields;
    for (let i = f.length - 1; i >= 0; i--) {
      if (f[i]!.name === name && f[i]!.value === value) return f.length - i;
    }
    return 0;
  }

  /** Newest-first index (1-based) of an entry with this name, or 0. */
  findName(name: string): number {
    const f = this.#fields;
    for (let i = f.length - 1; i >= 0; i--) {
      if (f[i]!.name === name) return f.length - i;
    }
    return 0;
  }

  /** The entries newest first, as [name, value] pairs (for tests and debugging). */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 1; i <= this.length; i++) out.push([this.name(i), this.value(i)]);
    return out;
  }

  /** Drops the oldest entries until `room` more octets fit. */
  #evict(room: number): void {
    let k = 0;
    const f = this.#fields;
    while (this.#size + room > this.#maxSize && k < f.length) {
      this.#size -= entrySize(f[k]!.name, f[k]!.value);
      k++;
    }
    if (k > 0) f.splice(0, k);
  }
}
