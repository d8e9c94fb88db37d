/** One HTTP/2 connection to a server: a client-role H2Connection over the socket, its streams (one per transaction), idle close. */
import { getLogger } from "@logtape/logtape";
import { H2Connection } from "../../h2/connection.ts";
import { errorName, H2_ERROR } from "../../h2/errors.ts";
import type { H2Event } from "../../h2/events.ts";
import type { H2Limits } from "../../h2/limits.ts";
import type { Socket } from "../../runtime/types.ts";
import { H2ServerStream, type StreamLink } from "./server_stream.ts";
import { flushAtTurnEnd, type TurnFlushed } from "./turn_flush.ts";
import { unblock } from "./unblock.ts";

const log = getLogger(["tsproxy", "h2"]);

/**
 * Reads the socket into the codec and routes its events to the streams by id; what the streams
 * send is written once per turn (`flushSoon`). Holds at most `min(server's
 * SETTINGS_MAX_CONCURRENT_STREAMS, our maxConcurrentStreams)` streams. Without streams for
 * `idleMs` it says GOAWAY and closes; the server's GOAWAY ends the streams it did not take (their
 * transactions see a server that closed before answering) and lets the others finish.
 */
export class H2ServerConnection implements StreamLink, TurnFlushed {
  readonly socket: Socket;
  readonly conn: H2Connection;
  /** Where the log says this connection goes ("backend/server"). */
  readonly #where: string;
  congested = false;
  readonly #byId = new Map<number, H2ServerStream>();
  readonly #all = new Set<H2ServerStream>();
  readonly #blocked = new Set<H2ServerStream>();
  readonly #max: number;
  readonly #idleMs: number;
  readonly #gone: (c: H2ServerConnection) => void;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #flushQueued = false;
  #closed = false;

  constructor(
    socket: Socket,
    limits: Readonly<H2Limits>,
    idleMs: number,
    where: string,
    gone: (c: H2ServerConnection) => void,
  ) {
    this.socket = socket;
    this.#where = where;
    this.#max = limits.maxConcurrentStreams;
    this.#idleMs = idleMs;
    this.#gone = gone;
    this.conn = new H2Connection(limits, (e) => this.#onEvent(e), "client");
    socket.setHandlers({
      data: (chunk) => this.#onData(chunk),
      drain: () => this.#onDrain(),
      end: () => this.#close(new Error("the server closed the HTTP/2 connection")),
      close: (err) => this.#close(err ?? new Error("the HTTP/2 connection to the server closed")),
    });
    socket.setNoDelay(true);
    this.#flush(); // the preface and our SETTINGS
  }

  /** Streams it may still take now. */
  get room(): number {
    if (this.#closed || !this.conn.canOpen) return 0;
    return Math.min(this.conn.peerMaxConcurrentStreams, this.#max) - this.#all.size;
  }

  /** A new stream for a transaction (its id comes with the request head). */
  stream(): H2ServerStream {
    if (this.#idle !== undefined) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    }
    const s = new H2ServerStream(this);
    this.#all.add(s);
    return s;
  }

  // StreamLink

  opened(stream: H2ServerStream, id: number): void {
    this.#byId.set(id, stream);
  }

  blocked(stream: H2ServerStream): void {
    this.#blocked.add(stream);
  }

  done(stream: H2ServerStream): void {
    if (!this.#all.delete(stream)) return;
    this.#byId.delete(stream.id);
    this.#blocked.delete(stream);
    if (this.#all.size > 0 || this.#closed) return;
    if (this.conn.peerGoingAway) return this.close();
    this.#idle = setTimeout(() => this.close(), this.#idleMs);
  }

  flushSoon(): void {
    if (this.#flushQueued || this.#closed) return;
    this.#flushQueued = true;
    flushAtTurnEnd(this);
  }

  /** The turn's write (see `flushSoon`). */
  flushNow(): void {
    this.#flushQueued = false;
    this.#flush();
  }

  #flush(): void {
    if (this.#closed) return;
    const out = this.conn.takeOutput();
    if (out !== null && !this.socket.write(out)) this.congested = true;
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.conn.receive(chunk);
    this.#flush();
    if (this.conn.closed) return this.#close(new Error("HTTP/2 connection error"));
    if (this.#blocked.size > 0) this.#unblock();
  }

  #onDrain(): void {
    this.congested = false;
    this.#unblock();
  }

  #unblock(): void {
    unblock(this.#blocked, () => this.congested);
  }

  #onEvent(e: H2Event): void {
    switch (e.type) {
      case "response":
        return this.#byId.get(e.streamId)?.onResponse(e.status, e.headers, e.endStream);
      case "data": {
        const s = this.#byId.get(e.streamId);
        if (s !== undefined) s.onData(e.data, e.endStream);
        else this.conn.release(e.streamId, e.data.length);
        return;
      }
      case "trailers":
        return this.#byId.get(e.streamId)?.onTrailers(e.headers);
      case "reset":
        return this.#byId.get(e.streamId)?.onReset(e.code);
      case "goaway": {
        // streams above its last id were not processed: their transactions may send them again
        const err = new Error(
          `the server sent GOAWAY ${errorName(e.code)} (last stream ${e.lastStreamId})`,
        );
        for (const [id, s] of [...this.#byId]) if (id > e.lastStreamId) s.onGone(err);
        if (this.#all.size === 0) this.close();
        return;
      }
      case "error":
        log.warn`${this.#where}: HTTP/2 connection error ${errorName(e.code)}: ${e.reason}`;
        return;
      default: // requests and refusals exist only in the server role
        return;
    }
  }

  /** Graceful end: GOAWAY NO_ERROR, then the socket closes. */
  close(): void {
    if (this.#closed) return;
    this.conn.goaway(H2_ERROR.NO_ERROR, "idle");
    this.#flush();
    this.socket.shutdown();
    this.#close(new Error("the HTTP/2 connection to the server was closed"));
  }

  #close(err: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    const out = this.conn.takeOutput();
    if (out !== null) this.socket.write(out);
    if (this.socket.pending === 0) this.socket.close();
    else this.socket.shutdown();
    for (const s of [...this.#all]) s.onGone(err);
    this.#gone(this);
  }
}
