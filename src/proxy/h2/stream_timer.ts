/** An HTTP/2 stream's timer: SessionTimer's deadlines (fixed, or client/server inactivity), kept by its connection's one clock instead of a runtime timer per stream. */
import { Deadlines, type TimeoutKind } from "../session/deadlines.ts";

/** The connection's clock: one runtime timer for all its streams. */
export interface StreamClock {
  /** Calls `check` of the streams whose deadline passed, at `at` or soon after. */
  wakeAt(at: number): void;
}

/** What expires: the stream's transaction learns which timeout. */
export interface TimerOwner {
  onTimer(kind: TimeoutKind): void;
}

/**
 * The same rules as SessionTimer, but arming only records `deadline` and asks the clock to wake at
 * it if that is earlier than it would: a stream that ends before its timeouts (nearly every one)
 * costs no runtime timer at all.
 */
export class StreamTimer extends Deadlines {
  /** When `check` must run next (Infinity: stopped). */
  deadline = Infinity;
  readonly #owner: TimerOwner;
  readonly #clock: StreamClock;

  constructor(owner: TimerOwner, clock: StreamClock) {
    super();
    this.#owner = owner;
    this.#clock = clock;
  }

  /** The clock's call once `deadline` passed: expires, or moves the deadline (a side was touched). */
  check(now: number): void {
    this.deadline = Infinity;
    const kind = this.expired(now);
    if (kind !== null) return this.#owner.onTimer(kind);
    this.arm(this.next());
  }

  protected arm(next: number): void {
    this.deadline = next;
    if (next !== Infinity) this.#clock.wakeAt(next);
  }

  protected disarm(): void {
    this.deadline = Infinity;
  }
}
