/** Idle server connections kept for reuse (http-reuse safe/always): only connections with no request in flight. */
import type { Socket, SocketHandlers } from "../runtime/types.ts";
import type { Server } from "./server.ts";
import { fresh, now } from "../runtime/clock.ts";

/**
 * HAProxy's http-reuse modes we have: safe (a client's first request gets a connection of its own,
 * later ones may take an idle one), always (the first too), never (no pool).
 */
export const HTTP_REUSE = ["safe", "always", "never"] as const;
export type HttpReuse = typeof HTTP_REUSE[number];

/**
 * An idle connection, and its socket's handlers while idle (one object per give, no closures):
 * any byte or close from the server makes the connection unusable.
 */
class Idle implements SocketHandlers {
  constructor(
    readonly socket: Socket,
    readonly since: number,
    readonly server: Server,
    readonly pool: ConnectionPool,
  ) {}
  data(): void {
    this.pool.drop(this);
  }
  end(): void {
    this.pool.drop(this);
  }
  close(): void {
    this.pool.drop(this);
  }
  drain(): void {}
}

export class ConnectionPool {
  readonly maxPerServer: number;
  readonly idleTimeout: number;
  #idle = new Map<Server, Idle[]>();
  #count = 0;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  /** Where connections go once a reload replaced the backend (see `handOver`); null while current. */
  #next: { pool: ConnectionPool; server: (s: Server) => Server | null } | null = null;

  /** `maxPerServer` 0 disables pooling. */
  constructor(maxPerServer: number, idleTimeout: number) {
    this.maxPerServer = maxPerServer;
    this.idleTimeout = idleTimeout;
  }

  get size(): number {
    return this.#count;
  }

  /** The most recently used idle connection to `server`, or null. */
  take(server: Server): Socket | null {
    const list = this.#idle.get(server);
    while (list && list.length > 0) {
      const { socket } = list.pop()!;
      this.#count--;
      if (!socket.closed) return socket;
    }
    return null;
  }

  /**
   * Keeps `socket` for reuse; false when the pool is full (the caller closes it). A connection that
   * began with one client's PROXY header (sendProxy/sendProxyV2) is that client's: never kept.
   */
  give(server: Server, socket: Socket): boolean {
    if (this.#next !== null) {
      const to = this.#next.server(server);
      return to !== null && this.#next.pool.give(to, socket);
    }
    if (socket.closed || this.maxPerServer === 0 || server.proxyProtocol !== 0) return false;
    let list = this.#idle.get(server);
    if (!list) this.#idle.set(server, list = []);
    if (list.length >= this.maxPerServer) return false;
    const entry = new Idle(socket, now(), server, this);
    list.push(entry);
    this.#count++;
    socket.setHandlers(entry);
    socket.resume();
    this.#sweeper ??= setInterval(() => this.#sweep(), Math.max(100, this.idleTimeout / 2));
    return true;
  }

  /** An idle connection is over (the server spoke or closed, it aged, or the pool closes): closed. */
  drop(entry: Idle): void {
    const list = this.#idle.get(entry.server);
    const i = list ? list.indexOf(entry) : -1;
    if (i >= 0) {
      list!.splice(i, 1);
      this.#count--;
    }
    entry.socket.close();
    this.#stopSweeperIfEmpty();
  }

  #sweep(): void {
    const limit = fresh() - this.idleTimeout;
    for (const list of this.#idle.values()) {
      while (list.length > 0 && list[0]!.since <= limit) this.drop(list[0]!);
    }
    this.#stopSweeperIfEmpty();
  }

  #stopSweeperIfEmpty(): void {
    if (this.#count === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  /** Closes the idle connections to `server` (it went DOWN: they could only fail or mislead). */
  dropServer(server: Server): void {
    for (const entry of [...(this.#idle.get(server) ?? [])]) this.drop(entry);
  }

  /**
   * A reload replaced the backend: its idle connections move to `pool` under the new generation's
   * server (`server(s)`; null when that server is gone or its address or TLS changed: they close),
   * and so do connections given back later by requests that were under way.
   */
  handOver(pool: ConnectionPool, server: (s: Server) => Server | null): void {
    this.#next = { pool, server };
    for (const [s, list] of this.#idle) {
      const to = server(s);
      for (const { socket } of list.splice(0)) {
        this.#count--;
        if (to === null || !pool.give(to, socket)) socket.close();
      }
    }
    this.#stopSweeperIfEmpty();
  }

  /** Closes every idle connection (shutdown). */
  closeAll(): void {
    for (const list of this.#idle.values()) {
      for (const entry of [...list]) this.drop(entry);
    }
  }
}
