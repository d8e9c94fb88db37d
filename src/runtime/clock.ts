/** The data path's clock: one `Date.now()` per event-loop turn (HAProxy's `now_ms`), never going backwards. */
// a turn ends where turn_end.ts says: Bun after the poll's whole batch, Deno after a batch of
// completed reads or a timer callback (its microtasks)
import { afterIoEvents as atTurnEnd } from "./turn_end.ts";

/** The time of this turn (ms since the epoch); 0: not read yet in this turn. */
let cached = 0;
/** The latest time given out, and what corrects a wall clock that stepped back. */
let last = 0;
let offset = 0;
/** A test's clock, read on every call (no cache); null: the real one. */
let fake: (() => number) | null = null;

function endTurn(): void {
  cached = 0;
}

/** Reads the wall clock, never below a time already given out (a step back becomes an offset). */
function read(): number {
  let t = Date.now() + offset;
  if (t < last) {
    offset += last - t;
    t = last;
  }
  return last = t;
}

/**
 * The current time in milliseconds since the epoch, read once per event-loop turn: every call in
 * the same turn returns the same value, so timers, the transaction's marks, the pool, the log and
 * the stick tables of one turn agree and the clock is read once for all of them. A turn's time may
 * be as old as the turn's work (as HAProxy's), never older: a new batch of I/O events or a timer
 * callback (`fresh()`) reads it again.
 */
export function now(): number {
  if (cached !== 0) return cached;
  if (fake !== null) return fake();
  cached = read();
  atTurnEnd(endTurn);
  return cached;
}

/**
 * The current time read now, which the rest of the turn then shares: for a timer's callback,
 * which must not decide on a time older than the moment it fired (the turn may have begun
 * earlier, in an immediate that ran just before the timers).
 */
export function fresh(): number {
  if (fake !== null) return fake();
  if (cached === 0) atTurnEnd(endTurn);
  return cached = read();
}

/**
 * Tests: a clock of their own, read on every call, no cache (null: back to the real one). Either
 * way the correction of a stepped-back wall clock starts over, so a test that stepped it back
 * leaves no offset to the next.
 */
export function useClock(source: (() => number) | null): void {
  fake = source;
  cached = last = offset = 0;
}
