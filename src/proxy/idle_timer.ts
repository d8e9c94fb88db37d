/** Inactivity timeouts for both sides of a session with one lazily re-armed timer, not one per chunk. */

export type Side = "client" | "server";

export class IdleTimer {
  #clientMs: number;
  #serverMs: number;
  #lastClient = 0;
  #lastServer = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onExpire: (side: Side) => void;

  /** A timeout of 0 disables that side. */
  constructor(clientMs: number, serverMs: number, onExpire: (side: Side) => void) {
    this.#clientMs = clientMs;
    this.#serverMs = serverMs;
    this.#onExpire = onExpire;
  }

  start(): void {
    const now = Date.now();
    this.#lastClient = now;
    this.#lastServer = now;
    this.#arm(now);
  }

  /** Activity on the client side (read from or written to it). */
  touchClient(): void {
    this.#lastClient = Date.now();
  }

  touchServer(): void {
    this.#lastServer = Date.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(now: number): void {
    const c = this.#clientMs > 0 ? this.#lastClient + this.#clientMs : Infinity;
    const s = this.#serverMs > 0 ? this.#lastServer + this.#serverMs : Infinity;
    const next = Math.min(c, s);
    if (next === Infinity) return;
    this.#timer = setTimeout(() => this.#check(), Math.max(1, next - now));
  }

  #check(): void {
    const now = Date.now();
    if (this.#clientMs > 0 && now - this.#lastClient >= this.#clientMs) {
      return this.#onExpire("client");
    }
    if (this.#serverMs > 0 && now - this.#lastServer >= this.#serverMs) {
      return this.#onExpire("server");
    }
    this.#arm(now);
  }
}
