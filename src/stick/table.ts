/** A stick table: entries by key in typed arrays, bounded by `size` (oldest unused entry evicted), expired after `expire`, never while tracked. */
import { readRate, updateRate } from "./freq.ts";
import { ARRAY_FALLBACK, DATA_TYPES, type StoredData, TYPE_ID } from "./data_types.ts";
import { type Key, type KeyInput, type KeyType, toKey } from "./keys.ts";
import { type KeyIndex, MapIndex, NumberIndex } from "./key_index.ts";
import { AgeList } from "./age_list.ts";

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

/** Slot of an entry's row before its data: its expiry date. */
const EXPIRE = 0, HEAD = 1;
/** Entries removed from the old end at most per call, so one call never runs long. */
const SWEEP = 8;
const KINDS = [...DATA_TYPES.values()];
const FIRST_ROWS = 1024;

/**
 * A stick table. Each entry is a number: one row of a Float64Array (its expiry date, then one slot
 * per counter, three per rate), its tracker count in an Int32Array, and while untracked its place
 * in the age list (least to most recently updated, which is also the expiry order). Keys find
 * entries through a `KeyIndex`: typed arrays for ip and integer keys, a Map for the others.
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
  readonly #index: KeyIndex;
  readonly #col: Int32Array;
  readonly #count: Int32Array;
  readonly #period: Float64Array;
  /** Per data type, element 0 as rules read it (an array's element for gpc0 and the like): slot in the row or -1, rate or not, period. */
  readonly #at0: Int32Array;
  readonly #rate0: Uint8Array;
  readonly #period0: Float64Array;
  readonly #stride: number;
  readonly #age: AgeList;
  #rows: Float64Array;
  #refs: Int32Array;
  #free: number[] = [];
  #used = 0;

  constructor(spec: StickTableSpec, clock: () => number = Date.now) {
    this.spec = spec;
    this.#clock = clock;
    this.#index = spec.type === "ip" || spec.type === "integer"
      ? new NumberIndex()
      : new MapIndex();
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
    this.#at0 = new Int32Array(KINDS.length);
    this.#rate0 = new Uint8Array(KINDS.length);
    this.#period0 = new Float64Array(KINDS.length);
    for (let id = 0; id < KINDS.length; id++) {
      this.#at0[id] = this.#offset(id, 0);
      this.#rate0[id] = KINDS[this.#fallbackId(id)]!.kind === "rate" ? 1 : 0;
      this.#period0[id] = this.#period[this.#fallbackId(id)]!;
    }
    const first = Math.min(spec.size, FIRST_ROWS);
    this.#rows = new Float64Array(this.#stride * first);
    this.#refs = new Int32Array(first);
    this.#age = new AgeList(first);
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
    return this.#index.keyOf(e);
  }

  /** Whether data type `id` (element `n`) is stored, directly or through its array. */
  stores(id: number, n = 0): boolean {
    return (n === 0 ? this.#at0[id]! : this.#offset(id, n)) >= 0;
  }

  /**
   * The entry of `key`, or -1 (an expired one is gone); does not renew it. `now`, here and below:
   * the date when the caller already read the clock (a clock read costs 100+ ns on some hosts).
   */
  lookup(key: Key, now = this.#clock()): number {
    const e = this.#index.get(key);
    if (e < 0) return -1;
    if (this.#refs[e] === 0 && this.#expired(e, now)) {
      this.#remove(e);
      return -1;
    }
    return e;
  }

  /** The entry of `key`, created when missing (evicting the oldest unused one when full) and renewed; -1 when full of tracked entries. */
  get(key: Key, now = this.#clock()): number {
    this.#sweep(now);
    let e = this.lookup(key, now);
    if (e < 0) {
      if (this.#index.size >= this.spec.size) {
        if (this.#age.head < 0) return -1;
        this.#remove(this.#age.head);
      }
      e = this.#alloc(key);
    }
    this.#renew(e, now);
    return e;
  }

  /** Renews entry `e`'s expiry (an update). */
  touch(e: number, now = this.#clock()): void {
    this.#renew(e, now);
  }

  /** One more tracker holds `e`: it neither expires nor is evicted until released. */
  ref(e: number): void {
    if (this.#refs[e]!++ === 0) this.#age.unlink(e);
  }

  /** A tracker lets `e` go; the last one renews it. */
  unref(e: number, now?: number): void {
    const refs = this.#refs[e]!;
    if (refs === 0) return;
    this.#refs[e] = refs - 1;
    if (refs === 1) {
      this.#rows[e * this.#stride + EXPIRE] = (now ?? this.#clock()) +
        (this.spec.expire || Infinity);
      this.#age.push(e);
    }
  }

  /** Trackers holding `e` now. */
  refs(e: number): number {
    return this.#refs[e]!;
  }

  /** The value of data type `id` (element `n`) of `e` now: a rate over its period; undefined when not stored. */
  read(e: number, id: number, n = 0, now?: number): number | undefined {
    const at = n === 0 ? this.#at0[id]! : this.#offset(id, n);
    if (at < 0) return undefined;
    const base = e * this.#stride + at;
    if (this.#rate0[id] === 0) return this.#rows[base];
    return readRate(this.#rows, base, this.#period0[id]!, now ?? this.#clock());
  }

  /** Adds `inc` to data type `id` (element `n`) of `e`: a counter or gauge grows, a rate counts events; false when not stored. */
  add(e: number, id: number, n: number, inc: number, now?: number): boolean {
    const at = n === 0 ? this.#at0[id]! : this.#offset(id, n);
    if (at < 0) return false;
    const base = e * this.#stride + at;
    if (this.#rate0[id] === 1) {
      updateRate(this.#rows, base, this.#period0[id]!, now ?? this.#clock(), inc);
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
    if (this.#rate0[id] === 1) {
      this.#rows[base] = start ?? this.#clock();
      this.#rows[base + 1] = v;
      this.#rows[base + 2] = prev;
    } else this.#rows[base] = v;
    return true;
  }

  /** The live entries (expired untracked ones left out), for `show table`; collect them before deleting any (`clear table`). */
  *each(): IterableIterator<number> {
    const now = this.#clock();
    for (const e of this.#index.entries()) {
      if (this.#refs[e] !== 0 || !this.#expired(e, now)) yield e;
    }
  }

  /** When `e` expires (ms since the epoch; Infinity when the table has no `expire`). */
  expiresAt(e: number): number {
    return this.#rows[e * this.#stride + EXPIRE]!;
  }

  /** Removes `e` unless a tracker holds it (`clear table`); false then. */
  delete(e: number): boolean {
    if (this.#refs[e] !== 0) return false;
    this.#remove(e);
    return true;
  }

  #fallbackId(id: number): number {
    if (this.#col[id]! >= 0) return id;
    return ARRAY_FALLBACK.get(id)?.[0] ?? id;
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
    const age = this.#age;
    for (let i = 0; i < SWEEP && age.head >= 0 && this.#expired(age.head, now); i++) {
      this.#remove(age.head);
    }
  }

  #renew(e: number, now: number): void {
    this.#rows[e * this.#stride + EXPIRE] = now + (this.spec.expire || Infinity);
    if (this.#refs[e] === 0 && this.#age.tail !== e) {
      this.#age.unlink(e);
      this.#age.push(e);
    }
  }

  #alloc(key: Key): number {
    let e = this.#free.pop();
    if (e === undefined) {
      e = this.#used++;
      if (e >= this.#refs.length) this.#grow(Math.min(this.#refs.length * 2, this.spec.size));
    }
    this.#rows.fill(0, e * this.#stride, (e + 1) * this.#stride);
    this.#refs[e] = 0;
    this.#index.add(key, e);
    this.#age.push(e);
    return e;
  }

  /** Room for `capacity` entries (rows, tracker counts, age links). */
  #grow(capacity: number): void {
    const rows = new Float64Array(capacity * this.#stride);
    rows.set(this.#rows);
    this.#rows = rows;
    const refs = new Int32Array(capacity);
    refs.set(this.#refs);
    this.#refs = refs;
    this.#age.grow(capacity);
  }

  #remove(e: number): void {
    this.#age.unlink(e);
    this.#index.remove(e);
    this.#free.push(e);
  }
}
