/** An HTTP/2 stream's timer: SessionTimer's deadlines (fixed, or client/server inactivity), kept by its connection's one clock instead of a runtime timer per stream. */
import type { TimeoutKind, Timer } from "../session/timer.ts";

/** The connection's clock: one runtime timer for all its streams. */
export interface StreamClock {
  /** Calls `check` of the streams whose deadline passed, at `at` or soon after. */
  wakeAt(at: number): void;
}

/** What expires: the stream's transaction learns which timeout. */
export interface TimerOwner {
  onTimer(kind: TimeoutKind): void;
}

type IdleKinds = { readonly client: TimeoutKind; readonly server: TimeoutKind };
const IDLE: IdleKinds = { client: "client", server: "server" };
const TUNNEL: IdleKinds = { client: "tunnel", server: "tunnel" };

/**
 * The same rules as SessionTimer (a fixed deadline, or each side's inactivity; touching a side
 * moves its deadline without re-arming anything), but arming only records `deadline` and asks the
 * clock to wake at it if that is earlier than it would: a stream that ends before its timeouts
 * (nearly every one) costs no runtime timer at all.
 */
export class StreamTimer implements Timer {
  /** When `check` must run next (Infinity: stopped). */
  deadline = Infinity;
  readonly #owner: TimerOwner;
  readonly #clock: StreamClock;
  #kind: TimeoutKind | null = null;
  #fixedAt = Infinity;
  #clientMs = 0;
  #serverMs = 0;
  #lastClient = 0;
  #lastServer = 0;
  #idleKind = IDLE;

  constructor(owner: TimerOwner, clock: StreamClock) {
    this.#owner = owner;
    this.#clock = clock;
  }

  fixed(kind: TimeoutKind, ms: number): void {
    this.#kind = kind;
    this.#fixedAt = ms > 0 ? Date.now() + ms : Infinity;
    this.#arm();
  }

  idle(clientMs: number, serverMs: number, tunnel = false): void {
    this.#kind = null;
    const now = Date.now();
    this.#clientMs = clientMs;
    this.#serverMs = serverMs;
    this.#lastClient = now;
    this.#lastServer = now;
    this.#idleKind = tunnel ? TUNNEL : IDLE;
    this.#arm();
  }

  touchClient(): void {
    this.#lastClient = Date.now();
  }

  touchServer(): void {
    this.#lastServer = Date.now();
  }

  stop(): void {
    this.deadline = Infinity;
    this.#kind = null;
    this.#clientMs = this.#serverMs = 0;
  }

  /** The clock's call once `deadline` passed: expires, or moves the deadline (a side was touched). */
  check(now: number): void {
    this.deadline = Infinity;
    if (this.#kind !== null) {
      if (now >= this.#fixedAt) return this.#owner.onTimer(this.#kind);
    } else {
      if (this.#clientMs > 0 && now - this.#lastClient >= this.#clientMs) {
        return this.#owner.onTimer(this.#idleKind.client);
      }
      if (this.#serverMs > 0 && now - this.#lastServer >= this.#serverMs) {
        return this.#owner.onTimer(this.#idleKind.server);
      }
    }
    this.#arm();
  }

  #arm(): void {
    let next: number;
    if (this.#kind !== null) next = this.#fixedAt;
    else {
      const c = this.#clientMs > 0 ? this.#lastClient + this.#clientMs : Infinity;
      const s = this.#serverMs > 0 ? this.#lastServer + this.#serverMs : Infinity;
      next = Math.min(c, s);
    }
    this.deadline = next;
    if (next !== Infinity) this.#clock.wakeAt(next);
  }
}
