/** A stick table's index from key to entry number: open addressing in typed arrays for number keys, a Map for string keys. */
import type { Key } from "./keys.ts";

/** Finds an entry by its key and holds each entry's key. */
export interface KeyIndex {
  /** Keys held. */
  readonly size: number;
  /** The entry of `key`, or -1. */
  get(key: Key): number;
  /** Files new entry `e` under `key` (not held yet). */
  add(key: Key, e: number): void;
  /** Forgets entry `e` and its key. */
  remove(e: number): void;
  keyOf(e: number): Key;
  /** The entries held, in no particular order; the index must not change while they are read. */
  entries(): IterableIterator<number>;
}

/** Keys that are strings (ipv6, string, binary): a Map and an array of keys by entry. */
export class MapIndex implements KeyIndex {
  readonly #map = new Map<Key, number>();
  readonly #keys: Key[] = [];

  get size(): number {
    return this.#map.size;
  }

  get(key: Key): number {
    return this.#map.get(key) ?? -1;
  }

  add(key: Key, e: number): void {
    this.#keys[e] = key;
    this.#map.set(key, e);
  }

  remove(e: number): void {
    this.#map.delete(this.#keys[e]!);
    this.#keys[e] = 0;
  }

  keyOf(e: number): Key {
    return this.#keys[e]!;
  }

  entries(): IterableIterator<number> {
    return this.#map.values();
  }
}

const MIN_BITS = 10;

/**
 * Keys that are 32-bit numbers (ip, integer): linear probing over an Int32Array of entry + 1
 * (0: empty) kept at most half full, keys in a Float64Array by entry; removal shifts the probe
 * run back, so there are no tombstones. About 12-16 bytes per entry, no object per key.
 */
export class NumberIndex implements KeyIndex {
  #slots = new Int32Array(1 << MIN_BITS);
  #shift = 32 - MIN_BITS;
  #mask = (1 << MIN_BITS) - 1;
  #keys = new Float64Array(1 << (MIN_BITS - 1));
  #size = 0;

  get size(): number {
    return this.#size;
  }

  #home(key: number): number {
    return Math.imul(key | 0, 0x9e3779b1) >>> this.#shift;
  }

  get(key: Key): number {
    if (typeof key !== "number") return -1;
    const slots = this.#slots, keys = this.#keys, mask = this.#mask;
    for (let i = this.#home(key);; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return -1;
      if (keys[s - 1] === key) return s - 1;
    }
  }

  add(key: Key, e: number): void {
    if (typeof key !== "number") {
      throw new TypeError(`stick table index: key ${key} is not a number`);
    }
    if ((this.#size + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    if (e >= this.#keys.length) {
      const keys = new Float64Array(Math.max(e + 1, this.#keys.length * 2));
      keys.set(this.#keys);
      this.#keys = keys;
    }
    this.#keys[e] = key;
    this.#place(e);
    this.#size++;
  }

  remove(e: number): void {
    const slots = this.#slots, mask = this.#mask;
    let i = this.#home(this.#keys[e]!);
    while (slots[i] !== e + 1) {
      if (slots[i] === 0) return; // not held
      i = (i + 1) & mask;
    }
    // backward shift: move later members of the probe run into the hole when their home allows
    for (let j = (i + 1) & mask;; j = (j + 1) & mask) {
      const s = slots[j]!;
      if (s === 0) break;
      const home = this.#home(this.#keys[s - 1]!);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = s;
        i = j;
      }
    }
    slots[i] = 0;
    this.#size--;
  }

  keyOf(e: number): Key {
    return this.#keys[e]!;
  }

  *entries(): IterableIterator<number> {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) yield slots[i]! - 1;
  }

  #place(e: number): void {
    const slots = this.#slots, mask = this.#mask;
    let i = this.#home(this.#keys[e]!);
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = e + 1;
  }

  #rehash(length: number): void {
    const old = this.#slots;
    this.#slots = new Int32Array(length);
    this.#mask = length - 1;
    this.#shift = 32 - Math.log2(length);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.#place(old[i]! - 1);
  }
}
