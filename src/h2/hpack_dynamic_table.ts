/** HPACK's dynamic table (RFC 7541 §2.3.2, §4): entries newest first, sized in octets, evicted oldest first. */

/** Octets an entry counts for: its name and value lengths plus 32 (§4.1). Strings are latin1, one octet per char. */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32;
}

/** A FIFO of header fields whose summed size stays within `maxSize`. */
export class DynamicTable {
  /** Oldest first; index 1 of the HPACK address space is the last element. */
  #names: string[] = [];
  #values: string[] = [];
  #size = 0;
  #maxSize: number;

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** Number of entries. */
  get length(): number {
    return this.#names.length;
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
    return this.#names[this.#names.length - i]!;
  }

  /** Value of entry i (1 = newest). */
  value(i: number): string {
    return this.#values[this.#values.length - i]!;
  }

  /** Sets the maximum size and evicts the oldest entries until the table fits (§4.3). */
  resize(maxSize: number): void {
    this.#maxSize = maxSize;
    this.#evict(0);
  }

  /**
   * Adds an entry as the newest, evicting old ones first (§4.4). An entry larger than the maximum
   * size empties the table and is not added.
   */
  add(name: string, value: string): void {
    const size = entrySize(name, value);
    if (size > this.#maxSize) {
      this.#evict(this.#maxSize + 1);
      return;
    }
    this.#evict(size);
    this.#names.push(name);
    this.#values.push(value);
    this.#size += size;
  }

  /** Newest-first index (1-based) of an entry with this name and value, or 0. */
  findPair(name: string, value: string): number {
    for (let i = this.#names.length - 1; i >= 0; i--) {
      if (this.#names[i] === name && this.#values[i] === value) return this.#names.length - i;
    }
    return 0;
  }

  /** Newest-first index (1-based) of an entry with this name, or 0. */
  findName(name: string): number {
    for (let i = this.#names.length - 1; i >= 0; i--) {
      if (this.#names[i] === name) return this.#names.length - i;
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
    while (this.#size + room > this.#maxSize && k < this.#names.length) {
      this.#size -= entrySize(this.#names[k]!, this.#values[k]!);
      k++;
    }
    if (k > 0) {
      this.#names.splice(0, k);
      this.#values.splice(0, k);
    }
  }
}
