/** Coarse timers for per-connection timeouts: deadlines rounded up to 10-ms slots, one runtime timer for the whole process. */
import { fresh, now } from "./clock.ts";

/**
 * The granularity of a coarse timer: it fires at or after its deadline, at most this late (plus
 * the event loop's own lateness). HAProxy's timeouts are in ms; 10 ms is within their tolerance.
 */
export const SLOT_MS = 10;

/** A timer whatever its argument (the slots hold every kind). */
type AnyTimer = CoarseTimer<unknown>;
/** Slots that hold an armed timer, by slot number (deadline / SLOT_MS rounded up). */
const slots = new Map<number, AnyTimer[]>();
/** Armed timers, all slots together. */
let armed = 0;
/** The runtime timer waiting for slot `timerSlot`, the earliest slot that may hold a timer. */
let handle: ReturnType<typeof setTimeout> | undefined;
let timerSlot = Infinity;
/** How far ahead a slot is looked for step by step before the whole map is read. */
const SCAN = 256;

/**
 * A timer owned by one connection, armed and re-armed without a runtime timer or an allocation of
 * its own (an array slot per 10 ms is shared by every timer due then). `fire(arg)` is called once
 * per arm, at or after the deadline, never before it.
 */
export class CoarseTimer<T> {
  readonly #fire: (arg: T) => void;
  readonly #arg: T;
  /** The slot holding this timer, its place in it, and the slot's number; null: not armed. */
  #slot: AnyTimer[] | null = null;
  #index = -1;
  #key = 0;

  constructor(fire: (arg: T) => void, arg: T) {
    this.#fire = fire;
    this.#arg = arg;
  }

  get armed(): boolean {
    return this.#slot !== null;
  }

  /** Fires at `at` (ms, the clock's time), or up to SLOT_MS later; replaces an earlier arm. */
  set(at: number): void {
    const key = Math.ceil(at / SLOT_MS);
    if (this.#slot !== null) {
      if (this.#key === key) return;
      this.clear();
    }
    let slot = slots.get(key);
    if (slot === undefined) slots.set(key, slot = []);
    this.#key = key;
    this.#index = slot.length;
    this.#slot = slot;
    slot.push(this as unknown as AnyTimer);
    armed++;
    if (key < timerSlot) CoarseTimer.#schedule(key);
  }

  /** Disarms (nothing fires); the slot forgets this timer at once (swap with its last one). */
  clear(): void {
    const slot = this.#slot;
    if (slot === null) return;
    this.#slot = null;
    if (--armed === 0 && handle !== undefined) {
      clearTimeout(handle); // nothing left to wait for: no runtime timer keeps the process up
      handle = undefined;
      timerSlot = Infinity;
    }
    const last = slot.pop()!;
    if (last !== (this as unknown as AnyTimer)) {
      slot[this.#index] = last;
      last.#index = this.#index;
    } else if (slot.length === 0 && slots.get(this.#key) === slot) slots.delete(this.#key);
  }

  /** Waits for slot `key` with the one runtime timer. */
  static #schedule(key: number): void {
    if (handle !== undefined) clearTimeout(handle);
    timerSlot = key;
    handle = setTimeout(CoarseTimer.#tick, Math.max(1, key * SLOT_MS - now()));
  }

  /** Fires every timer of the slots now due, then waits for the next slot holding one. */
  static #tick(): void {
    handle = undefined;
    const due = Math.floor(fresh() / SLOT_MS);
    const from = timerSlot;
    timerSlot = Infinity; // a callback arming a timer for a slot already due schedules a tick
    for (let k = from; k <= due; k++) {
      const slot = slots.get(k);
      if (slot === undefined) continue;
      slots.delete(k); // a timer armed by a callback for a slot already due goes to a new one
      while (slot.length > 0) {
        const t = slot.pop()!;
        t.#slot = null;
        armed--;
        t.#fire(t.#arg);
      }
    }
    if (armed === 0 || timerSlot <= due + 1) return;
    // the earliest slot left: a callback may have scheduled a later one, or none
    let next = timerSlot;
    for (let k = due + 1; k < next && k <= due + SCAN; k++) if (slots.has(k)) next = k;
    if (next === timerSlot && next > due + SCAN) {
      for (const k of slots.keys()) if (k < next) next = k;
    }
    if (next < timerSlot) CoarseTimer.#schedule(next);
  }
}
