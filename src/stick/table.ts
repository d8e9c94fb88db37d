/** A stick table: entries by key in typed arrays, bounded by `size` (oldest unused entry evicted), expired after `expire`, never while tracked. */
import { readRate, updateRate } from "./freq.ts";
import { ARRAY_FALLBACK, DATA_TYPES, type StoredData, TYPE_ID } from "./data_types.ts";
import { type Key, type KeyInput, type KeyType, toKey } from "./keys.ts";

/** What a table is made of: the config's `stickTables` entry, checked. */
export interface StickTableSpec {
  readonly name: string;
  readonly type: KeyType;
  /** Key length of string and binary keys. */
  readonly len: number;
  /** The most entries it holds. */
  readonly size: number;
  /** Milliseconds without an update before an entry goes; 0: never (only evicted when full). */
  readonly expire: number;
  readonly store: readonly StoredData[];
  /** Counters shared with other instances through Redis (`SharedStickTable`, src/stick/shared/). */
  readonly shared?: boolean;
}

/** Slots of an entry before its data: expire date, trackers, previous and next in age order. */
const EXPIRE = 0, REFS = 1, PREV = 2, NEXT = 3, HEAD = 4;
/** Entries removed from the old end at most per call, so one call never runs long. */
const SWEEP = 8;
const KINDS = [...DATA_TYPES.values()];

/**
 * A stick table. Each entry is one row of a Float64Array (`HEAD` slots, then one per counter,
 * three per rate), found by key in a Map; untracked entries form a list from least to most
 * recently updated, which is also their expiry order.
 *
 * @example
 * ```ts
 * const t = new StickTable(spec, () => now);
 * const e = t.get(t.key("192.0.2.1")!);
 * t.add(e, typeId("http_req_rate"), 0, 1);
 * t.read(e, typeId("http_req_rate")); // 1
 * ```
 */
export class StickTable {
  readonly spec: StickTableSpec;
  readonly #clock: () => number;
  readonly #index = new Map<Key, number>();
  readonly #col: Int32Array;
  readonly #count: Int32Array;
  readonly #period: Float64Array;
  readonly #stride: number;
  #rows: Float64Array;
  #keys: Key[] = [];
  #free: number[] = [];
  #used = 0;
  #head = -1;
  #tail = -1;

  constructor(spec: StickTableSpec, clock: () => number = Date.now) {
    this.spec = spec;
    this.#clock = clock;
    this.#col = new Int32Array(KINDS.length).fill(-1);
    this.#count = new Int32Array(KINDS.length);
    this.#period = new Float64Array(KINDS.length);
    let at = HEAD;
    for (const s of spec.store) {
      const id = TYPE_ID.get(s.type.name)!;
      this.#col[id] = at;
      this.#count[id] = s.count;
      this.#period[id] = s.period;
      at += s.count * (s.type.kind === "rate" ? 3 : 1);
    }
    this.#stride = at;
    this.#rows = new Float64Array(this.#stride * Math.min(spec.size, 1024));
  }

  /** The current date in milliseconds, from the table's clock. */
  now(): number {
    return this.#clock();
  }

  /** Entries held now. */
  get entries(): number {
    return this.#index.size;
  }

  /** A sample value as this table's key, or undefined when it cannot be one. */
  key(v: KeyInput): Key | undefined {
    return toKey(this.spec.type, this.spec.len, v);
  }

  /** The key of entry `e`. */
  keyOf(e: number): Key {
    return this.#keys[e]!;
  }

  /** Whether data type `id` (element `n`) is stored, directly or through its array. */
  stores(id: number, n = 0): boolean {
    return this.#offset(id, n) >= 0;
  }

  /** The entry of `key`, or -1 (an expired one is gone); does not renew it. */
  lookup(key: Key): number {
    const e = this.#index.get(key);
    if (e === undefined) return -1;
    if (this.#rows[e * this.#stride + REFS] === 0 && this.#expired(e, this.#clock())) {
      this.#remove(e);
      return -1;
    }
    return e;
  }

  /** The entry of `key`, created when missing (evicting the oldest unused one when full) and renewed; -1 when full of tracked entries. */
  get(key: Key): number {
    const now = this.#clock();
    this.#sweep(now);
    let e = this.lookup(key);
    if (e < 0) {
      if (this.#index.size >= this.spec.size) {
        if (this.#head < 0) return -1;
        this.#remove(this.#head);
      }
      e = this.#alloc(key);
    }
    this.#renew(e, now);
    return e;
  }

  /** Renews entry `e`'s expiry (an update). */
  touch(e: number): void {
    this.#renew(e, this.#clock());
  }

  /** One more tracker holds `e`: it neither expires nor is evicted until released. */
  ref(e: number): void {
    const r = e * this.#stride;
    const refs = this.#rows[r + REFS]!;
    this.#rows[r + REFS] = refs + 1;
    if (refs === 0) this.#unlink(e);
  }

  /** A tracker lets `e` go; the last one renews it. */
  unref(e: number): void {
    const r = e * this.#stride;
    const refs = this.#rows[r + REFS]!;
    if (refs === 0) return;
    this.#rows[r + REFS] = refs - 1;
    if (refs === 1) {
      this.#rows[r + EXPIRE] = this.#clock() + (this.spec.expire || Infinity);
      this.#link(e);
    }
  }

  /** Trackers holding `e` now. */
  refs(e: number): number {
    return this.#rows[e * this.#stride + REFS]!;
  }

  /** The value of data type `id` (element `n`) of `e` now: a rate over its period; undefined when not stored. */
  read(e: number, id: number, n = 0): number | undefined {
    const at = this.#offset(id, n);
    if (at < 0) return undefined;
    const base = e * this.#stride + at;
    const kind = KINDS[this.#fallbackId(id)]!.kind;
    if (kind !== "rate") return this.#rows[base];
    return readRate(this.#rows, base, this.#periodOf(id), this.#clock());
  }

  /** Adds `inc` to data type `id` (element `n`) of `e`: a counter or gauge grows, a rate counts events; false when not stored. */
  add(e: number, id: number, n: number, inc: number): boolean {
    const at = this.#offset(id, n);
    if (at < 0) return false;
    const base = e * this.#stride + at;
    if (KINDS[this.#fallbackId(id)]!.kind === "rate") {
      updateRate(this.#rows, base, this.#periodOf(id), this.#clock(), inc);
    } else this.#rows[base] = Math.max(0, this.#rows[base]! + inc);
    return true;
  }

  /**
   * Sets data type `id` (element `n`) of `e` (gpt, server_id; `set table`); a rate's period starts
   * now with `v` events as HAProxy's CLI sets it (a shared table's merge: at `start`, after `prev`).
   */
  set(e: number, id: number, n: number, v: number, start?: number, prev = 0): boolean {
    const at = this.#offset(id, n);
    if (at < 0) return false;
    const base = e * this.#stride + at;
    if (KINDS[this.#fallbackId(id)]!.kind === "rate") {
      this.#rows[base] = start ?? this.#clock();
      this.#rows[base + 1] = v;
      this.#rows[base + 2] = prev;
    } else this.#rows[base] = v;
    return true;
  }

  /** The live entries (expired untracked ones left out), for `show table` and `clear table`. */
  *each(): IterableIterator<number> {
    const now = this.#clock();
    for (const e of this.#index.values()) {
      if (this.#rows[e * this.#stride + REFS] !== 0 || !this.#expired(e, now)) yield e;
    }
  }

  /** When `e` expires (ms since the epoch; Infinity when the table has no `expire`). */
  expiresAt(e: number): number {
    return this.#rows[e * this.#stride + EXPIRE]!;
  }

  /** Removes `e` unless a tracker holds it (`clear table`); false then. */
  delete(e: number): boolean {
    if (this.#rows[e * this.#stride + REFS] !== 0) return false;
    this.#remove(e);
    return true;
  }

  #fallbackId(id: number): number {
    if (this.#col[id]! >= 0) return id;
    return ARRAY_FALLBACK.get(id)?.[0] ?? id;
  }

  #periodOf(id: number): number {
    return this.#period[this.#fallbackId(id)]!;
  }

  #offset(id: number, n: number): number {
    let at = this.#col[id]!;
    if (at < 0) {
      const fb = ARRAY_FALLBACK.get(id);
      if (fb === undefined || n !== 0) return -1;
      [id, n] = fb;
      at = this.#col[id]!;
      if (at < 0) return -1;
    }
    if (n < 0 || n >= this.#count[id]!) return -1;
    return at + n * (KINDS[id]!.kind === "rate" ? 3 : 1);
  }

  #expired(e: number, now: number): boolean {
    return this.#rows[e * this.#stride + EXPIRE]! <= now;
  }

  #sweep(now: number): void {
    for (let i = 0; i < SWEEP && this.#head >= 0 && this.#expired(this.#head, now); i++) {
      this.#remove(this.#head);
    }
  }

  #renew(e: number, now: number): void {
    const r = e * this.#stride;
    this.#rows[r + EXPIRE] = now + (this.spec.expire || Infinity);
    if (this.#rows[r + REFS] === 0 && this.#tail !== e) {
      this.#unlink(e);
      this.#link(e);
    }
  }

  #alloc(key: Key): number {
    let e = this.#free.pop();
    if (e === undefined) {
      e = this.#used++;
      if (this.#used * this.#stride > this.#rows.length) {
        const rows = new Float64Array(
          Math.min(this.#rows.length * 2, this.spec.size * this.#stride),
        );
        rows.set(this.#rows);
        this.#rows = rows;
      }
    }
    this.#rows.fill(0, e * this.#stride, (e + 1) * this.#stride);
    const r = e * this.#stride;
    this.#rows[r + PREV] = this.#rows[r + NEXT] = -1;
    this.#keys[e] = key;
    this.#index.set(key, e);
    this.#link(e);
    return e;
  }

  #remove(e: number): void {
    this.#unlink(e);
    this.#index.delete(this.#keys[e]!);
    this.#keys[e] = 0;
    this.#free.push(e);
  }

  #link(e: number): void {
    const r = e * this.#stride;
    this.#rows[r + PREV] = this.#tail;
    this.#rows[r + NEXT] = -1;
    if (this.#tail >= 0) this.#rows[this.#tail * this.#stride + NEXT] = e;
    else this.#head = e;
    this.#tail = e;
  }

  #unlink(e: number): void {
    const r = e * this.#stride;
    const prev = this.#rows[r + PREV]!, next = this.#rows[r + NEXT]!;
    if (prev < 0 && next < 0 && this.#head !== e) return; // not in the list
    if (prev >= 0) this.#rows[prev * this.#stride + NEXT] = next;
    else this.#head = next;
    if (next >= 0) this.#rows[next * this.#stride + PREV] = prev;
    else this.#tail = prev;
    this.#rows[r + PREV] = this.#rows[r + NEXT] = -1;
  }
}
