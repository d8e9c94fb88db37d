/** A bounded cache that keeps recently used entries: verified credentials and JWT verdicts, never past its size. */

/**
 * Two generations of at most size/2 entries each: new and used entries go to the young one; when it
 * is full it becomes the old one and the previous old one is dropped whole. An approximate LRU in
 * O(1) per call: a Map's first key is not O(1) to find once many keys were deleted from its front
 * (measured: 40 µs per insert at 10k entries on Bun), so no entry is ever evicted one by one.
 */
export class Lru<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;

  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`Lru: size must be at least 1, got ${size}`);
    this.#half = Math.max(1, Math.floor(size / 2));
  }

  /** Entries held now (at most the size given, rounded down to even, or 2 for size 1). */
  get length(): number {
    return this.#young.size + this.#old.size;
  }

  /** The value of `key`, kept as recently used; undefined when absent. */
  get(key: K): V | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const o = this.#old.get(key);
    if (o !== undefined) {
      this.#old.delete(key);
      this.#insert(key, o);
    }
    return o;
  }

  /** Stores `key` as recently used; may drop the oldest generation. */
  set(key: K, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#insert(key, value);
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  #insert(key: K, value: V): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
