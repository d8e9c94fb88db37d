/** A backend's HTTP/2 server connections: streams multiplexed over them, requests joining a connection being opened. */
import type { ServerMux } from "../../backend/mux.ts";
import type { Server } from "../../backend/server.ts";
import type { H2Limits } from "../../h2/limits.ts";
import type { Socket } from "../../runtime/types.ts";
import { H2ServerConnection } from "./server_conn.ts";

/** A connection being opened, and the requests waiting to take a stream on it. */
interface Opening {
  readonly waiters: ((s: Socket | null) => void)[];
}

/**
 * The `ServerMux` of one backend. A request takes a stream on a connection with room; while a
 * connection opens, up to `maxConcurrentStreams - 1` more requests wait for it rather than
 * opening their own (a burst of 400 requests opens a few connections, not 400).
 */
export class H2ServerPool implements ServerMux {
  readonly #limits: Readonly<H2Limits>;
  readonly #idleMs: number;
  readonly #backend: string;
  readonly #conns = new Map<Server, H2ServerConnection[]>();
  readonly #opening = new Map<Server, Opening[]>();

  constructor(limits: Readonly<H2Limits>, idleMs: number, backend: string) {
    this.#limits = limits;
    this.#idleMs = idleMs;
    this.#backend = backend;
  }

  /** Connections open now (all servers). */
  get size(): number {
    let n = 0;
    for (const list of this.#conns.values()) n += list.length;
    return n;
  }

  take(server: Server): Socket | null {
    const list = this.#conns.get(server);
    if (list === undefined) return null;
    for (const c of list) if (c.room > 0) return c.stream();
    return null;
  }

  joinOpening(server: Server): Promise<Socket | null> | null {
    const list = this.#opening.get(server);
    if (list === undefined) return null;
    for (const o of list) {
      if (o.waiters.length + 1 < this.#limits.maxConcurrentStreams) {
        return new Promise((resolve) => o.waiters.push(resolve));
      }
    }
    return null;
  }

  opening(server: Server): (socket: Socket | null) => Socket | null {
    const o: Opening = { waiters: [] };
    let list = this.#opening.get(server);
    if (list === undefined) this.#opening.set(server, list = []);
    list.push(o);
    return (socket) => {
      const l = this.#opening.get(server)!;
      l.splice(l.indexOf(o), 1);
      if (l.length === 0) this.#opening.delete(server);
      const first = socket === null ? null : this.adopt(server, socket);
      const mux = first !== null && first !== socket;
      // each waiter takes a stream on this (or another) connection, or opens its own
      for (const w of o.waiters) w(mux ? this.take(server) : null);
      return first;
    };
  }

  adopt(server: Server, socket: Socket): Socket {
    if (server.h2 === "alpn" && socket.tls?.alpn !== "h2") return socket; // the server chose HTTP/1.1
    const where = `backend ${this.#backend}/${server.name}`;
    const c = new H2ServerConnection(socket, this.#limits, this.#idleMs, where, (gone) => {
      const list = this.#conns.get(server);
      const i = list?.indexOf(gone) ?? -1;
      if (i >= 0) list!.splice(i, 1);
      if (list?.length === 0) this.#conns.delete(server);
    });
    let list = this.#conns.get(server);
    if (list === undefined) this.#conns.set(server, list = []);
    list.push(c);
    return c.stream();
  }

  closeAll(): void {
    for (const list of [...this.#conns.values()]) for (const c of [...list]) c.close();
  }
}
