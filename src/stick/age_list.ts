/** The untracked entries of a stick table from least to most recently updated: a doubly linked list in two Int32Arrays indexed by entry. */

/** Entries linked by number; -1 ends the list. An entry not in it has both links at -1 and is not the head. */
export class AgeList {
  #prev: Int32Array;
  #next: Int32Array;
  /** The least recently updated entry (the first to expire or be evicted), or -1. */
  head = -1;
  /** The most recently updated entry, or -1. */
  tail = -1;

  constructor(capacity: number) {
    this.#prev = new Int32Array(capacity).fill(-1);
    this.#next = new Int32Array(capacity).fill(-1);
  }

  /** Room for entries up to `capacity - 1`. */
  grow(capacity: number): void {
    const prev = new Int32Array(capacity).fill(-1), next = new Int32Array(capacity).fill(-1);
    prev.set(this.#prev);
    next.set(this.#next);
    this.#prev = prev;
    this.#next = next;
  }

  /** Puts `e` (not in the list) at the tail. */
  push(e: number): void {
    this.#prev[e] = this.tail;
    this.#next[e] = -1;
    if (this.tail >= 0) this.#next[this.tail] = e;
    else this.head = e;
    this.tail = e;
  }

  /** Takes `e` out of the list; nothing when it is not in it. */
  unlink(e: number): void {
    const prev = this.#prev[e]!, next = this.#next[e]!;
    if (prev < 0 && next < 0 && this.head !== e) return;
    if (prev >= 0) this.#next[prev] = next;
    else this.head = next;
    if (next >= 0) this.#prev[next] = prev;
    else this.tail = prev;
    this.#prev[e] = this.#next[e] = -1;
  }
}
