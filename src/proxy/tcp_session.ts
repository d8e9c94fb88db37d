/** One client connection in TCP mode, through its phases: accept → choose backend → connect → forward → log. */
import type { Backend } from "../backend/backend.ts";
import { connectToBackend } from "../backend/connect.ts";
import type { Server } from "../backend/server.ts";
import type { Runtime, Socket } from "../runtime/types.ts";
import { SessionTimer } from "./session_timer.ts";

/** What a session needs from the frontend that accepted it. */
export interface SessionOwner {
  readonly name: string;
  readonly clientTimeout: number;
  readonly runtime: Runtime;
  /** Called once when the session is over (both sockets closed). */
  release(session: TcpSession): void;
  /** Reports the session's end (the log phase). */
  logSession(session: TcpSession): void;
}

/**
 * HAProxy-style termination state: first letter who ended it (C client, S server, P proxy, - normal),
 * second the phase (C connect, D data, - normal).
 */
export type Termination = "--" | "CC" | "CD" | "SC" | "sC" | "SD" | "cD" | "sD" | "PC" | "KD";

export class TcpSession {
  readonly client: Socket;
  readonly backend: Backend;
  readonly acceptedAt = Date.now();
  server: Server | null = null;
  /** Connect attempts beyond the first. */
  retries = 0;
  bytesFromClient = 0;
  bytesFromServer = 0;
  termination: Termination = "--";
  connectMs = -1;
  #owner: SessionOwner;
  #srv: Socket | null = null;
  #early: Uint8Array[] = [];
  #clientEnded = false;
  #serverEnded = false;
  #closing = false;
  #done = false;
  #timer: SessionTimer;

  constructor(owner: SessionOwner, client: Socket, backend: Backend) {
    this.#owner = owner;
    this.client = client;
    this.backend = backend;
    this.#timer = new SessionTimer((side) => this.#abort(side === "client" ? "cD" : "sD"));
  }

  /** Phase "accept": take the client's events, then connect. */
  start(): void {
    this.client.setHandlers({
      data: (chunk) => this.#onClientData(chunk),
      drain: () => this.#onClientDrain(),
      end: () => this.#onClientEnd(),
      close: (err) => this.#onClientClose(err),
    });
    this.#timer.idle(this.#owner.clientTimeout, this.backend.serverTimeout);
    this.#connect();
  }

  /** Phase "connect": pick a server, try it, and on failure the next one, up to `retries` more times. */
  async #connect(): Promise<void> {
    const r = await connectToBackend(this.#owner.runtime, this.backend, () => this.#done, null, {
      src: this.client.remoteAddress,
    });
    this.retries = r.retries;
    this.connectMs = r.ms;
    if (this.#done) return;
    if (!r.ok) return this.#abort(r.timedOut ? "sC" : "SC");
    this.server = r.server;
    this.#attach(r.socket);
  }

  /** Phase "forward": splice both directions with backpressure and half-close. */
  #attach(sock: Socket): void {
    this.#srv = sock;
    this.backend.cur++;
    this.backend.total++;
    sock.setHandlers({
      data: (chunk) => this.#onServerData(chunk),
      drain: () => this.#onServerDrain(),
      end: () => this.#onServerEnd(),
      close: (err) => this.#onServerClose(err),
    });
    for (const chunk of this.#early) sock.write(chunk);
    this.#early.length = 0;
    if (this.#clientEnded) sock.shutdown();
    else this.client.resume();
  }

  #onClientData(chunk: Uint8Array): void {
    this.#timer.touchClient();
    this.bytesFromClient += chunk.length;
    const srv = this.#srv;
    if (srv === null) {
      this.#early.push(chunk);
      this.client.pause();
    } else if (!srv.write(chunk)) this.client.pause();
  }

  #onServerData(chunk: Uint8Array): void {
    this.#timer.touchServer();
    this.bytesFromServer += chunk.length;
    if (!this.client.write(chunk)) this.#srv!.pause();
  }

  #onClientDrain(): void {
    this.#timer.touchClient();
    if (this.#closing) this.#finishIfFlushed();
    else if (!this.#serverEnded) this.#srv?.resume();
  }

  #onServerDrain(): void {
    this.#timer.touchServer();
    if (this.#closing) this.#finishIfFlushed();
    else if (!this.#clientEnded) this.client.resume();
  }

  #onClientEnd(): void {
    this.#clientEnded = true;
    if (this.#srv) this.#srv.shutdown();
    if (this.#serverEnded) this.#closeGracefully();
  }

  #onServerEnd(): void {
    this.#serverEnded = true;
    this.client.shutdown();
    if (this.#clientEnded) this.#closeGracefully();
  }

  #onClientClose(err?: Error): void {
    if (this.#done) return;
    if (this.#srv === null) return this.#abort("CC");
    if (err || !this.#clientEnded) return this.#abort("CD");
    this.#closeGracefully();
  }

  #onServerClose(err?: Error): void {
    if (this.#done) return;
    if (err || !this.#serverEnded) {
      if (this.client.pending > 0 && !err) {
        this.#serverEnded = true;
        this.client.shutdown();
        return this.#closeGracefully();
      }
      return this.#abort("SD");
    }
    this.#closeGracefully();
  }

  /** Both directions are over: close once everything queued on either side is written. */
  #closeGracefully(): void {
    this.#closing = true;
    this.#finishIfFlushed();
  }

  #finishIfFlushed(): void {
    const srv = this.#srv;
    if (this.client.pending === 0 && (srv === null || srv.pending === 0)) this.#finish("--");
  }

  #abort(termination: Termination): void {
    this.#finish(termination);
  }

  /** Ends the session from outside (hard stop): counted as killed by the proxy. */
  kill(): void {
    this.#finish("KD");
  }

  /** Phase "log": close what is open, count, report once. */
  #finish(termination: Termination): void {
    if (this.#done) return;
    this.#done = true;
    this.termination = termination;
    this.#timer.stop();
    this.client.close();
    if (this.#srv) {
      this.#srv.close();
      this.backend.cur--;
      const s = this.server!;
      s.cur--;
      s.bytesIn += this.bytesFromClient;
      s.bytesOut += this.bytesFromServer;
    }
    this.#owner.logSession(this);
    this.#owner.release(this);
  }
}
