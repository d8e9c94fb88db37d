/** A stick table whose counters are shared through Redis: the local table serves requests, each entry also keeps this instance's own values to push. */
import type { Key } from "../keys.ts";
import { StickTable, type StickTableSpec } from "../table.ts";
import { type Column, type Columns, columnsOf } from "./columns.ts";
import { bucketAdd, othersOf, ownRate, periodStart, SLOTS } from "./merge.ts";

/** One entry's sync state: its key, owner (instance + life), own values, queue flags. */
export interface SyncEntry {
  readonly key: Key;
  readonly owner: string;
  readonly own: Float64Array;
  /** Waiting in the dirty queue (own values changed since they were last pushed). */
  dirty: boolean;
  /** Read back from Redis at each sync until this date (ms). */
  readUntil: number;
  /** In the set of entries with an own gauge to keep alive. */
  gauged: boolean;
}

/** What the syncer reports on each table: Redis reachable, last successful sync, for the metrics table. */
export interface SharedState {
  up: boolean;
  /** Date (ms) of the last sync Redis answered; 0: none yet. */
  lastSync: number;
}

/** A random instance id (12 base-36 digits): one per table and process, so workers differ too. */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return [...b].map((x) => x.toString(36).padStart(2, "0")).join("");
}

/**
 * A `StickTable` that records, beside each change, what this instance contributed (`add`, `set`),
 * so the syncer (`SharedSync`) can push it and merge the others' contributions back (`merge`).
 * The data path pays one column lookup and a few array writes per change; it never waits.
 */
export class SharedStickTable extends StickTable {
  /** This process's id in Redis fields (random per table and process). */
  readonly instance: string = randomId();
  readonly columns: Columns;
  readonly #cols: readonly Column[];
  /** Column of each data type's element 0 (fallbacks resolved), -1 when not stored: one array read per change. */
  readonly #base0: Int32Array;
  readonly byName: ReadonlyMap<string, number>;
  /** Filled by the syncer; the metrics table reads it. */
  readonly state: SharedState = { up: false, lastSync: 0 };
  readonly #sync: (SyncEntry | undefined)[] = [];
  /** Entries whose own values changed since pushed, oldest first. */
  readonly dirty = new Set<SyncEntry>();
  /** Entries read back while recently active. */
  readonly watch = new Set<SyncEntry>();
  /** Entries with an own gauge (conn_cur) above 0, renewed before their deadline. */
  readonly gauged = new Set<SyncEntry>();
  /** Local changes Redis has not acknowledged yet. */
  unsynced = 0;
  #lives = 0;

  constructor(spec: StickTableSpec, clock: () => number = Date.now) {
    super(spec, clock);
    this.columns = columnsOf(spec.store);
    this.#cols = this.columns.list;
    this.byName = new Map(this.#cols.map((c, i) => [c.name, i]));
    this.#base0 = new Int32Array(this.columns.base.length);
    for (let id = 0; id < this.#base0.length; id++) this.#base0[id] = this.columns.at(id, 0);
  }

  /** As the local table's, recording this instance's part too; `now` (the caller's date) is used for both, so no second clock read. */
  override add(e: number, id: number, n: number, inc: number, now?: number): boolean {
    const c = n === 0 ? this.#base0[id]! : this.columns.at(id, n);
    if (c < 0) return false;
    const col = this.#cols[c]!;
    // rates need the date; the caller's, else one clock read shared by both tables' updates
    const t = now ?? (col.share === "rate" ? this.now() : 0);
    super.add(e, id, n, inc, t);
    const s = this.#entry(e), at = c * SLOTS;
    const own = s.own;
    if (col.share === "rate") bucketAdd(own, at, col.period, t, inc);
    else if (col.share === "gauge") {
      own[at] = Math.max(0, own[at]! + inc);
      if (!s.gauged) s.gauged = true, this.gauged.add(s);
    } else own[at] = own[at]! + inc;
    this.#changed(s);
    return true;
  }

  override set(e: number, id: number, n: number, v: number, start?: number, prev = 0): boolean {
    const c = this.columns.at(id, n);
    const before = c >= 0 && this.#cols[c]!.share === "sum" ? this.read(e, id, n)! : 0;
    if (!super.set(e, id, n, v, start, prev)) return false;
    const col = this.#cols[c]!, s = this.#entry(e), at = c * SLOTS;
    if (col.share === "last") s.own[at] = v, s.own[at + 1] = 1;
    else if (col.share === "sum") s.own[at] = s.own[at]! + v - before;
    else return true; // rates and gauges set by hand stay local
    this.#changed(s);
    return true;
  }

  /** The sync's state for the metrics table (`tsproxy_sticktable_shared_*`). */
  get shared(): { up: boolean; lastSync: number; pendingChanges: number; pendingKeys: number } {
    const { up, lastSync } = this.state;
    return { up, lastSync, pendingChanges: this.unsynced, pendingKeys: this.dirty.size };
  }

  /** The sync state of the entry holding `key` now, or undefined. */
  syncOf(key: Key): SyncEntry | undefined {
    const e = this.lookup(key);
    const s = e < 0 ? undefined : this.#sync[e];
    return s?.key === key ? s : undefined;
  }

  /** Queues every live entry to be pushed again (after a reconnect: Redis may have lost them). */
  resyncAll(): void {
    for (const e of this.each()) {
      const s = this.#sync[e];
      if (s !== undefined && s.key === this.keyOf(e)) this.requeue(s);
    }
  }

  /** Puts `s` back in the dirty queue. */
  requeue(s: SyncEntry): void {
    if (!s.dirty) s.dirty = true, this.dirty.add(s);
  }

  /**
   * Sets the local entry of `s` to the cluster's values: the others' part read back (HGETALL's
   * field list) plus this instance's own values now. Returns fields anyone may delete.
   */
  merge(s: SyncEntry, fields: readonly unknown[], now: number): string[] {
    const { values, stale } = othersOf(
      this.#cols,
      this.byName,
      fields,
      s.owner,
      this.instance,
      now,
    );
    const e = this.lookup(s.key);
    if (e < 0 || this.#sync[e] !== s) return stale;
    for (let i = 0; i < this.#cols.length; i++) {
      const c = this.#cols[i]!, at = i * SLOTS, v = values[i * 2]!;
      if (c.share === "rate") {
        const start = periodStart(now, c.period);
        const [cur, prev] = ownRate(s.own, at, c.period, start);
        super.set(e, c.id, c.n, v + cur, start, values[i * 2 + 1]! + prev);
      } else if (c.share === "last") {
        if (!Number.isNaN(v) && s.own[at + 1] === 0) super.set(e, c.id, c.n, v);
      } else super.set(e, c.id, c.n, v + s.own[at]!);
    }
    return stale;
  }

  #entry(e: number): SyncEntry {
    const key = this.keyOf(e);
    let s = this.#sync[e];
    if (s === undefined || s.key !== key) {
      s = {
        key,
        owner: `${this.instance}.${(++this.#lives).toString(36)}`,
        own: new Float64Array(this.#cols.length * SLOTS),
        dirty: false,
        readUntil: 0,
        gauged: false,
      };
      this.#sync[e] = s;
    }
    return s;
  }

  #changed(s: SyncEntry): void {
    this.unsynced++;
    if (!s.dirty) s.dirty = true, this.dirty.add(s);
  }
}
