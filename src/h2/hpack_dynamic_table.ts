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
  /** Entries ever added: the newest has sequence number `#added`, index i has `#added - i + 1`. */
  #added = 0;
  /**
   * An encoder's lookups (`indexed`): the newest entry's sequence number by name, and by name and
   * value, so `findPair`/`findName` scan nothing (a table full of past Date values is long).
   */
  readonly #byName: Map<string, number> | null;
  readonly #byPair: Map<string, Map<string, number>> | null;

  constructor(maxSize: number, indexed = false) {
    this.#maxSize = maxSize;
    this.#byName = indexed ? new Map() : null;
    this.#byPair = indexed ? new Map() : null;
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

  /** Changes with every add and resize: equal versions, equal tables (an encoder's block may be reused). */
  get version(): number {
    return this.#changes;
  }
  #changes = 0;

  /** Sets the maximum size and evicts the oldest entries until the table fits (§4.3). */
  resize(maxSize: number): void {
    this.#changes++;
    this.#maxSize = maxSize;
    this.#evict(0);
  }

  /**
   * Adds an entry as the newest, evicting old ones first (§4.4). An entry larger than the maximum
   * size empties the table and is not added. Returns the entry's field object (a new one, not
   * kept, when it was too large).
   */
  add(name: string, value: string): HeaderField {
    this.#changes++;
    const size = entrySize(name, value);
    const field: HeaderField = { name, lname: name, value };
    if (size > this.#maxSize) {
      this.#evict(this.#maxSize + 1);
      return field;
    }
    this.#evict(size);
    this.#fields.push(field);
    this.#size += size;
    const seq = ++this.#added;
    if (this.#byName !== null) {
      this.#byName.set(name, seq);
      const values = this.#byPair!.get(name);
      if (values === undefined) this.#byPair!.set(name, new Map([[value, seq]]));
      else values.set(value, seq);
    }
    return field;
  }

  /** Newest-first index (1-based) of an entry with this name and value, or 0. */
  findPair(name: string, value: string): number {
    if (this.#byPair !== null) {
      const seq = this.#byPair.get(name)?.get(value);
      return seq === undefined ? 0 : this.#added - seq + 1;
    }
    const f = this.#fields;
    for (let i = f.length - 1; i >= 0; i--) {
      if (f[i]!.name === name && f[i]!.value === value) return f.length - i;
    }
    return 0;
  }

  /** Newest-first index (1-based) of an entry with this name, or 0. */
  findName(name: string): number {
    if (this.#byName !== null) {
      const seq = this.#byName.get(name);
      return seq === undefined ? 0 : this.#added - seq + 1;
    }
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

  /** An evicted entry (sequence `seq`) leaves the lookups unless a newer entry holds its key. */
  #forget(e: HeaderField, seq: number): void {
    if (this.#byName!.get(e.name) === seq) this.#byName!.delete(e.name);
    const values = this.#byPair!.get(e.name)!;
    if (values.get(e.value) !== seq) return;
    values.delete(e.value);
    if (values.size === 0) this.#byPair!.delete(e.name);
  }

  /** Drops the oldest entries until `room` more octets fit. */
  #evict(room: number): void {
    let k = 0;
    const f = this.#fields;
    while (this.#size + room > this.#maxSize && k < f.length) {
      const e = f[k]!;
      this.#size -= entrySize(e.name, e.value);
      if (this.#byName !== null) this.#forget(e, this.#added - f.length + 1 + k);
      k++;
    }
    if (k > 0) f.splice(0, k);
  }
}
