/** One client connection speaking HTTP/2 (ALPN h2 or an h2c preface): the H2Connection codec over the socket, one transaction per stream. */
import { getLogger } from "@logtape/logtape";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import { H2_ERROR } from "../../h2/errors.ts";
import { H2Connection } from "../../h2/connection.ts";
import type { H2Event } from "../../h2/events.ts";
import type { H2Limits } from "../../h2/limits.ts";
import type { Socket } from "../../runtime/types.ts";
import type { Tracker } from "../../stick/tracker.ts";
import type { H2Handle, HttpOwner } from "../http/options.ts";
import { SessionTimer } from "../session/timer.ts";
import { H2Stream, type StreamHost } from "./stream.ts";
import { flushAtTurnEnd, type TurnFlushed } from "./turn_flush.ts";
import { unblock } from "./unblock.ts";
import { fresh, now } from "../../runtime/clock.ts";

const log = getLogger(["tsproxy", "h2"]);

/**
 * Reads the socket into the codec, routes its events to streams, and writes what the codec
 * produced once per turn (one `write` for everything the streams sent meanwhile). A socket whose
 * queue is over its mark holds the streams' servers (`congested`) until it drains. The
 * connection's timer is `timeout http-keep-alive` while no stream is open (left armed while some
 * are: it re-arms lazily); each stream's transaction keeps its own timers.
 */
export class H2Session implements StreamHost, H2Handle, TurnFlushed {
  readonly owner: HttpOwner;
  readonly socket: Socket;
  readonly conn: H2Connection;
  readonly tracker: Tracker | null;
  /** Streams completed (a first request never takes another client's pooled server connection). */
  requests = 0;
  stopping = false;
  congested = false;
  #sessVars: Map<string, unknown> | null = null;
  readonly #streams = new Map<number, H2Stream>();
  readonly #blocked = new Set<H2Stream>();
  readonly #timer: SessionTimer;
  readonly #done: () => void;
  #flushQueued = false;
  #closing = false;
  #closed = false;
  /** Glitches already added to the frontend's counter. */
  #glitchesCounted = 0;
  /** The streams' clock: one runtime timer, armed for the earliest deadline asked. */
  #wakeAt = Infinity;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  static readonly #WAKE = (s: H2Session) => s.#wake();

  constructor(
    owner: HttpOwner,
    socket: Socket,
    tracker: Tracker | null,
    limits: H2Limits,
    done: () => void,
  ) {
    this.owner = owner;
    this.socket = socket;
    this.tracker = tracker;
    this.#done = done;
    this.conn = new H2Connection(limits, (e) => this.#onEvent(e));
    this.#timer = new SessionTimer(() => this.#idleTimeout());
    owner.counters.h2Connections++;
  }

  get sessVars(): Map<string, unknown> {
    return this.#sessVars ??= new Map();
  }

  /** Takes the socket's events; `first`: bytes already read (an h2c preface and what followed). */
  start(first: Uint8Array | null): this {
    this.socket.setHandlers({
      data: (chunk) => this.#onData(chunk),
      drain: () => this.#onDrain(),
      end: () => this.#onEnd(),
      close: () => this.#onClose(),
    });
    this.#idle();
    if (first !== null) this.#onData(first);
    else this.#flush(); // our SETTINGS
    return this;
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.conn.receive(chunk);
    this.#countGlitches();
    this.#flush();
    if (this.#blocked.size > 0) this.#unblock();
  }

  #onEvent(e: H2Event): void {
    switch (e.type) {
      case "headers": {
        const s = new H2Stream(this, e.streamId);
        // each stream has its own timers; the keep-alive timer stays armed (no runtime timer
        // cleared and set again per turn): firing while streams are open, it does nothing
        this.#streams.set(e.streamId, s);
        return s.open(e.request, e.headers, e.endStream, now());
      }
      case "data": {
        const s = this.#streams.get(e.streamId);
        if (s !== undefined) s.onData(e.data, e.endStream);
        else this.conn.release(e.streamId, e.data.length);
        return;
      }
      case "trailers":
        return this.#streams.get(e.streamId)?.onTrailers(e.headers);
      case "reset":
        return this.#streams.get(e.streamId)?.onClientGone();
      case "refused": // answered by the codec itself (431): counted as a bad request
        this.owner.counters.ereq++;
        return;
      case "goaway": // the client opens nothing more: finish what is open, then close
        this.stopping = true;
        if (this.#streams.size === 0) this.#closeSoon();
        return;
      case "error":
        this.owner.counters.h2ConnectionErrors++;
        log
          .warn`frontend ${this.owner.name}: ${this.socket.remoteAddress}:${this.socket.remotePort}: HTTP/2 connection error ${
          codeName(e.code)
        }: ${e.reason}`;
        return this.#closeSoon();
    }
  }

  // StreamHost

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

  wakeAt(at: number): void {
    if (at >= this.#wakeAt || this.#closed) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(H2Session.#WAKE, Math.max(1, at - now()), this);
  }

  /** The clock fired: streams past their deadline expire or move it; the clock then waits for the next. */
  #wake(): void {
    this.#wakeAt = Infinity;
    this.#wakeTimer = undefined;
    const now = fresh();
    let next = Infinity;
    for (const s of this.#streams.values()) {
      if (s.timer.deadline <= now) s.timer.check(now);
      if (s.timer.deadline < next) next = s.timer.deadline;
    }
    if (next !== Infinity) this.wakeAt(next);
  }

  blocked(stream: H2Stream): void {
    this.#blocked.add(stream);
  }

  streamDone(stream: H2Stream, answered: boolean): void {
    if (!this.#streams.delete(stream.id)) return;
    this.#blocked.delete(stream);
    if (answered) this.requests++;
    this.#countGlitches();
    if (this.#streams.size > 0) return;
    if (this.stopping) return this.#closeSoon();
    this.#idle();
  }

  #flush(): void {
    const out = this.conn.takeOutput();
    if (out !== null && !this.#closed && !this.socket.write(out)) this.congested = true;
    if (this.conn.closed && !this.#closing) this.#closeSoon();
  }

  #onDrain(): void {
    this.congested = false;
    if (this.#closing) return this.#finishIfFlushed();
    this.#unblock();
  }

  /** Streams that waited for room go on when theirs is there (socket drained, window grown). */
  #unblock(): void {
    unblock(this.#blocked, () => this.congested);
  }

  #onEnd(): void {
    // a client that half-closes sends nothing more: what is open is answered, then closed
    this.stopping = true;
    if (this.#streams.size === 0) this.#closeSoon();
  }

  #idle(): void {
    const o = this.owner.http;
    this.#timer.fixed("http-keep-alive", o.httpKeepAliveTimeout || o.clientTimeout);
  }

  #idleTimeout(): void {
    if (this.#streams.size > 0) return;
    this.conn.goaway(H2_ERROR.NO_ERROR, "idle");
    this.#closeSoon();
  }

  #countGlitches(): void {
    const total = this.conn.glitches.total;
    if (total === this.#glitchesCounted) return;
    this.owner.counters.h2Glitches += total - this.#glitchesCounted;
    this.#glitchesCounted = total;
  }

  /** Writes what is queued (a GOAWAY), then closes. */
  #closeSoon(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    const out = this.conn.takeOutput();
    if (out !== null) this.socket.write(out);
    this.socket.shutdown();
    this.#finishIfFlushed();
  }

  #finishIfFlushed(): void {
    if (this.socket.pending === 0) {
      this.socket.close();
      this.#onClose();
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer.stop();
    clearTimeout(this.#wakeTimer);
    this.#countGlitches();
    for (const s of [...this.#streams.values()]) s.onClientGone();
    this.tracker?.end(0, false, 0, 0);
    this.#done();
  }

  // H2Handle: what the frontend asks through the HTTP/1 session that handed the connection over

  /** Soft stop: GOAWAY (NO_ERROR); open streams finish, then the connection closes. */
  stopSoftly(): void {
    this.stopping = true;
    this.conn.goaway(H2_ERROR.NO_ERROR, "stopping");
    this.#flush();
    if (this.#streams.size === 0) this.#closeSoon();
  }

  kill(): void {
    if (this.#closed) return;
    this.socket.close();
    this.#onClose();
  }

  onServer(server: Server): ServerSession[] {
    const found: ServerSession[] = [];
    for (const s of this.#streams.values()) {
      const t = s.onServer(server);
      if (t !== null) found.push(t);
    }
    return found;
  }
}

/** RFC 9113 §7's name of an error code. */
function codeName(code: number): string {
  for (const [name, value] of Object.entries(H2_ERROR)) if (value === code) return name;
  return `0x${code.toString(16)}`;
}
