/** A frontend: its listeners, connection limit and waiting line, and the sessions it accepted. */
import { getLogger } from "@logtape/logtape";
import type { Backend } from "../backend/backend.ts";
import type { Listener, Runtime, Socket } from "../runtime/types.ts";
import { type SessionOwner, TcpSession } from "./tcp_session.ts";

const log = getLogger(["tsproxy", "tcp"]);

/** Accepted connections waiting for a slot under maxconn, at most this many per frontend. */
const MAX_WAITING = 4096;

/** The process-wide limit shared by all frontends (global maxconn). */
export interface Admission {
  readonly runtime: Runtime;
  /** True when the global limit allows one more session; counts it if so. */
  take(): boolean;
  /** A session ended: give its global slot back and let waiting connections of every frontend in. */
  give(): void;
}

export interface FrontendOptions {
  name: string;
  maxconn: number;
  clientTimeout: number;
  backend: Backend;
}

export class Frontend implements SessionOwner {
  readonly name: string;
  readonly maxconn: number;
  readonly clientTimeout: number;
  readonly backend: Backend;
  readonly listeners: Listener[] = [];
  /** Sessions open now / ever accepted. */
  cur = 0;
  total = 0;
  #admission: Admission;
  #waiting: Socket[] = [];
  #sessions = new Set<TcpSession>();
  #paused = false;
  #stopping = false;
  #idle: (() => void) | null = null;

  constructor(o: FrontendOptions, admission: Admission) {
    this.name = o.name;
    this.maxconn = o.maxconn;
    this.clientTimeout = o.clientTimeout;
    this.backend = o.backend;
    this.#admission = admission;
  }

  get runtime(): Runtime {
    return this.#admission.runtime;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Phase "accept": start a session now, or make the connection wait for a slot. */
  accept(sock: Socket): void {
    if (this.#stopping) return sock.close();
    if (this.#waiting.length === 0 && this.#tryStart(sock)) return;
    if (this.#waiting.length >= MAX_WAITING) return sock.close();
    this.#waiting.push(sock);
    this.#pauseListeners();
  }

  /** Start waiting connections while both limits allow; resume listening when none wait. */
  admit(): void {
    while (this.#waiting.length > 0) {
      const sock = this.#waiting[0]!;
      if (sock.closed) {
        this.#waiting.shift();
        continue;
      }
      if (!this.#tryStart(sock)) return;
      this.#waiting.shift();
    }
    if (this.#paused && !this.#stopping && this.cur < this.maxconn) {
      this.#paused = false;
      for (const l of this.listeners) l.resume();
    }
  }

  #tryStart(sock: Socket): boolean {
    if (this.cur >= this.maxconn) {
      this.#pauseListeners();
      return false;
    }
    if (!this.#admission.take()) {
      this.#pauseListeners();
      return false;
    }
    this.cur++;
    this.total++;
    if (this.cur >= this.maxconn) this.#pauseListeners();
    const session = new TcpSession(this, sock, this.backend);
    this.#sessions.add(session);
    session.start();
    return true;
  }

  #pauseListeners(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const l of this.listeners) l.pause();
  }

  release(session: TcpSession): void {
    if (!this.#sessions.delete(session)) return;
    this.cur--;
    this.#admission.give(); // calls admit() on every frontend, this one included
    if (this.#stopping && this.#sessions.size === 0) this.#idle?.();
  }

  logSession(s: TcpSession): void {
    if (s.termination === "SC") {
      log.warn(
        "{frontend}: no server of backend {backend} accepted the connection after {tries} tries",
        {
          frontend: this.name,
          backend: s.backend.name,
          tries: s.retries + 1,
        },
      );
    }
  }

  /** Stop listening and wait for open sessions to end, killing what is left after `hardStopMs`. */
  async stop(hardStopMs: number): Promise<void> {
    this.#stopping = true;
    for (const l of this.listeners) l.close();
    for (const sock of this.#waiting) sock.close();
    this.#waiting.length = 0;
    if (this.#sessions.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const s of [...this.#sessions]) s.kill();
        resolve();
      }, hardStopMs);
      this.#idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
