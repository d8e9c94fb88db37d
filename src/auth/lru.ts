/** A bounded least-recently-used map: verified credentials and JWT verdicts, never growing past its size. */

/** A Map kept in use order: a hit moves the key last, an insert over `size` drops the first (least recent). */
export class Lru<K, V> {
  #map = new Map<K, V>();
  readonly #size: number;

  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`Lru: size must be at least 1, got ${size}`);
    this.#size = size;
  }

  /** Entries held now. */
  get length(): number {
    return this.#map.size;
  }

  /** The value of `key`, made the most recent; undefined when absent. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }

  /** Stores `key` as the most recent, dropping the least recent when full. */
  set(key: K, value: V): void {
    if (this.#map.delete(key) || this.#map.size < this.#size) {
      this.#map.set(key, value);
      return;
    }
    const first = this.#map.keys().next();
    if (!first.done) this.#map.delete(first.value);
    this.#map.set(key, value);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }
}
