/** A session's one timer: a fixed deadline (http-request, keep-alive) or client/server inactivity, lazily re-armed. */

export type TimeoutKind =
  | "http-request"
  | "http-keep-alive"
  | "client"
  | "server"
  | "tunnel"
  | "tarpit"
  | "inspect-delay";

const IDLE = { client: "client", server: "server" } as const satisfies Record<string, TimeoutKind>;
const TUNNEL = { client: "tunnel", server: "tunnel" } as const satisfies Record<
  string,
  TimeoutKind
>;

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

export class SessionTimer implements Timer {
  /** One callback for every timer: the timer passes its SessionTimer (no closure per arm). */
  static readonly #FIRE = (t: SessionTimer) => t.#fire();

  #onExpire: (kind: TimeoutKind) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;
  // fixed mode
  #kind: TimeoutKind | null = null;
  #deadline = Infinity;
  // idle mode
  #clientMs = 0;
  #serverMs = 0;
  #lastClient = 0;
  #lastServer = 0;
  #idleKind: { readonly client: TimeoutKind; readonly server: TimeoutKind } = IDLE;

  constructor(onExpire: (kind: TimeoutKind) => void) {
    this.#onExpire = onExpire;
  }

  /** Expire `ms` from now whatever happens (0 disables). */
  fixed(kind: TimeoutKind, ms: number): void {
    this.#kind = kind;
    this.#deadline = ms > 0 ? Date.now() + ms : Infinity;
    this.#arm();
  }

  /** Expire when the client or the server side has been inactive for its timeout (0 disables a side). */
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
    this.#kind = null;
    this.#clientMs = this.#serverMs = 0;
  }

  #next(): number {
    if (this.#kind !== null) return this.#deadline;
    const c = this.#clientMs > 0 ? this.#lastClient + this.#clientMs : Infinity;
    const s = this.#serverMs > 0 ? this.#lastServer + this.#serverMs : Infinity;
    return Math.min(c, s);
  }

  /** Keeps one timer; an existing timer that fires early simply re-arms (see #fire). */
  #arm(): void {
    const next = this.#next();
    if (next === Infinity) return;
    if (this.#timer !== undefined && this.#armedFor <= next) return;
    clearTimeout(this.#timer);
    this.#armedFor = next;
    this.#timer = setTimeout(SessionTimer.#FIRE, Math.max(1, next - Date.now()), this);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = Date.now();
    if (this.#kind !== null) {
      if (now >= this.#deadline) return this.#onExpire(this.#kind);
    } else {
      if (this.#clientMs > 0 && now - this.#lastClient >= this.#clientMs) {
        return this.#onExpire(this.#idleKind.client);
      }
      if (this.#serverMs > 0 && now - this.#lastServer >= this.#serverMs) {
        return this.#onExpire(this.#idleKind.server);
      }
    }
    this.#arm();
  }
}
