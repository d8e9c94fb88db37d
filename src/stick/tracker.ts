/** The entries a session or transaction tracks (track-sc0/1/2) and the counters it updates on them as HAProxy does. */
import { typeId } from "./data_types.ts";
import type { StickTable } from "./table.ts";

/** How many track-sc slots there are (HAProxy's default MAX_SESS_STKCTR). */
export const TRACK_SLOTS = 3;

const CONN_CNT = typeId("conn_cnt"), CONN_CUR = typeId("conn_cur"), CONN_RATE = typeId("conn_rate");
const SESS_CNT = typeId("sess_cnt"), SESS_RATE = typeId("sess_rate");
const REQ_CNT = typeId("http_req_cnt"), REQ_RATE = typeId("http_req_rate");
const ERR_CNT = typeId("http_err_cnt"), ERR_RATE = typeId("http_err_rate");
const FAIL_CNT = typeId("http_fail_cnt"), FAIL_RATE = typeId("http_fail_rate");
const IN_CNT = typeId("bytes_in_cnt"), IN_RATE = typeId("bytes_in_rate");
const OUT_CNT = typeId("bytes_out_cnt"), OUT_RATE = typeId("bytes_out_rate");

function count(t: StickTable, e: number, cnt: number, rate: number, n: number, now: number): void {
  t.add(e, cnt, 0, n, now);
  t.add(e, rate, 0, n, now);
}

/**
 * Up to three tracked entries. Tracking holds the entry (it neither expires nor is evicted) and
 * counts the connection (conn_cnt, conn_rate, conn_cur), the session when tracked by a
 * tcp-request rule (sess_cnt, sess_rate) and the request when tracked in HTTP (http_req_cnt,
 * http_req_rate, the current request included); `end` counts errors and bytes and lets go.
 *
 * A connection's tracker (track-sc at `tcpRequest connection`) is the parent of each of its
 * requests' trackers (`child()`): a request sees the parent's slots as its own (`sc0_*`), cannot
 * take a slot the parent holds (the first rule per slot wins for the session), and counts its
 * request, errors and bytes on the parent's entries too, as HAProxy's session counters; the
 * parent lets go (conn_cur) only when the connection ends.
 */
export class Tracker {
  // the three slots as fields: one object per tracker, no arrays
  #t0: StickTable | null = null;
  #t1: StickTable | null = null;
  #t2: StickTable | null = null;
  #e0 = 0;
  #e1 = 0;
  #e2 = 0;
  readonly #parent: Tracker | null;

  constructor(parent: Tracker | null = null) {
    this.#parent = parent;
  }

  #own(i: number): StickTable | null {
    return i === 0 ? this.#t0 : i === 1 ? this.#t1 : i === 2 ? this.#t2 : null;
  }

  #ownEntry(i: number): number {
    return i === 0 ? this.#e0 : i === 1 ? this.#e1 : this.#e2;
  }

  #hold(i: number, t: StickTable | null, e: number): void {
    if (i === 0) this.#t0 = t, this.#e0 = e;
    else if (i === 1) this.#t1 = t, this.#e1 = e;
    else this.#t2 = t, this.#e2 = e;
  }

  /** The table slot `i` tracks in (here or in the parent), or null. */
  table(i: number): StickTable | null {
    return this.#own(i) ?? this.#parent?.table(i) ?? null;
  }

  /** The entry slot `i` tracks (valid while `table(i)` is not null). */
  entry(i: number): number {
    return this.#own(i) ? this.#ownEntry(i) : this.#parent ? this.#parent.entry(i) : 0;
  }

  /** A request's tracker under this connection's: the request is counted on this one's entries. */
  child(): Tracker {
    for (let i = 0; i < TRACK_SLOTS; i++) {
      const t = this.#own(i);
      if (t) count(t, this.#ownEntry(i), REQ_CNT, REQ_RATE, 1, t.now());
    }
    return new Tracker(this);
  }

  /**
   * Tracks entry `e` of `t` in slot `i` unless the slot is taken (the first rule wins); false
   * then. `now`: the table's clock when the caller got `e`.
   */
  track(i: number, t: StickTable, e: number, http: boolean, now = t.now()): boolean {
    if (i < 0 || i >= TRACK_SLOTS || this.table(i) !== null) return false;
    this.#hold(i, t, e);
    t.ref(e);
    count(t, e, CONN_CNT, CONN_RATE, 1, now);
    t.add(e, CONN_CUR, 0, 1, now);
    if (http) count(t, e, REQ_CNT, REQ_RATE, 1, now);
    else count(t, e, SESS_CNT, SESS_RATE, 1, now);
    t.touch(e, now);
    return true;
  }

  /**
   * The end of what tracked (the transaction, or the TCP session): a 4xx status counts as an
   * HTTP error, a 5xx other than 501 and 505 (or `failed` with no status) as a failure, the
   * bytes are added, conn_cur drops and the entries are let go. The parent's entries count the
   * same, but stay held.
   */
  end(status: number, failed: boolean, bytesIn: number, bytesOut: number): void {
    this.#count(status, failed, bytesIn, bytesOut, true);
    if (this.#parent !== null) this.#parent.#count(status, failed, bytesIn, bytesOut, false);
  }

  #count(status: number, failed: boolean, bytesIn: number, bytesOut: number, release: boolean) {
    for (let i = 0; i < TRACK_SLOTS; i++) {
      const t = this.#own(i);
      if (t === null) continue;
      const e = this.#ownEntry(i), now = t.now();
      if (status >= 400 && status < 500) count(t, e, ERR_CNT, ERR_RATE, 1, now);
      else if ((status >= 500 && status !== 501 && status !== 505) || (status === 0 && failed)) {
        count(t, e, FAIL_CNT, FAIL_RATE, 1, now);
      }
      if (bytesIn > 0) count(t, e, IN_CNT, IN_RATE, bytesIn, now);
      if (bytesOut > 0) count(t, e, OUT_CNT, OUT_RATE, bytesOut, now);
      t.touch(e, now);
      if (!release) continue;
      t.add(e, CONN_CUR, 0, -1, now);
      t.unref(e, now);
      this.#hold(i, null, 0);
    }
  }
}

/** What rules read and track through: the proxy's tables by name, and the tracked entries. */
export interface StickState {
  readonly tables: ReadonlyMap<string, StickTable>;
  /** Created by the first track-sc rule that runs. */
  tracker: Tracker | null;
}
