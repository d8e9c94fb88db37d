/** The rules every transaction timer keeps (SessionTimer, an HTTP/2 stream's StreamTimer): a fixed deadline, or each side's inactivity; only how a deadline is waited for differs. */
import { now as clock } from "../../runtime/clock.ts";

export type TimeoutKind =
  | "http-request"
  | "http-keep-alive"
  | "client"
  | "server"
  | "tunnel"
  | "tarpit"
  | "inspect-delay";

type IdleKinds = { readonly client: TimeoutKind; readonly server: TimeoutKind };
const IDLE: IdleKinds = { client: "client", server: "server" };
const TUNNEL: IdleKinds = { client: "tunnel", server: "tunnel" };

/** What a transaction asks of its session's timer (SessionTimer; an HTTP/2 stream's StreamTimer). */
export interface Timer {
  /** Expire `ms` from now whatever happens (0 disables). */
  fixed(kind: TimeoutKind, ms: number): void;
  /** Expire when the client or the server side has been inactive for its timeout (0 disables a side). */
  idle(clientMs: number, serverMs: number, tunnel?: boolean): void;
  touchClient(): void;
  touchServer(): void;
  stop(): void;
}

/**
 * The deadlines themselves. Touching a side only records the time: the deadline it moves is seen
 * when the waiter wakes (`expired` says nothing expired yet, `next` says when to look again), so a
 * busy connection re-arms nothing per chunk.
 */
export abstract class Deadlines implements Timer {
  // fixed mode
  #kind: TimeoutKind | null = null;
  #fixedAt = Infinity;
  // idle mode
  #clientMs = 0;
  #serverMs = 0;
  #lastClient = 0;
  #lastServer = 0;
  #idleKind = IDLE;

  fixed(kind: TimeoutKind, ms: number): void {
    this.#kind = kind;
    this.#fixedAt = ms > 0 ? clock() + ms : Infinity;
    this.arm(this.next());
  }

  idle(clientMs: number, serverMs: number, tunnel = false): void {
    this.#kind = null;
    const now = clock();
    this.#clientMs = clientMs;
    this.#serverMs = serverMs;
    this.#lastClient = now;
    this.#lastServer = now;
    this.#idleKind = tunnel ? TUNNEL : IDLE;
    this.arm(this.next());
  }

  touchClient(): void {
    this.#lastClient = clock();
  }

  touchServer(): void {
    this.#lastServer = clock();
  }

  stop(): void {
    this.#kind = null;
    this.#clientMs = this.#serverMs = 0;
    this.disarm();
  }

  /** When the earliest deadline falls (Infinity: none). */
  next(): number {
    if (this.#kind !== null) return this.#fixedAt;
    const c = this.#clientMs > 0 ? this.#lastClient + this.#clientMs : Infinity;
    const s = this.#serverMs > 0 ? this.#lastServer + this.#serverMs : Infinity;
    return Math.min(c, s);
  }

  /** The timeout that has expired at `now`, or null (a side was touched since: look again at `next()`). */
  expired(now: number): TimeoutKind | null {
    if (this.#kind !== null) return now >= this.#fixedAt ? this.#kind : null;
    if (this.#clientMs > 0 && now - this.#lastClient >= this.#clientMs) {
      return this.#idleKind.client;
    }
    if (this.#serverMs > 0 && now - this.#lastServer >= this.#serverMs) {
      return this.#idleKind.server;
    }
    return null;
  }

  /** Waits for `next` (Infinity: nothing to wait for); an earlier wait already armed may stay. */
  protected abstract arm(next: number): void;
  /** Waits for nothing any more. */
  protected abstract disarm(): void;
}
