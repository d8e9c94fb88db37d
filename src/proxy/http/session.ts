/** One client connection in HTTP mode: reads requests one at a time and runs each as an HttpTransaction. */
import { HeadReader } from "../../http1/head_reader.ts";
import { H2_PREFACE_REASON, parseRequestHead } from "../../http1/parse.ts";
import { requestFraming } from "../../http1/framing.ts";
import type { Rejection } from "../../http1/types.ts";
import type { Socket, SocketHandlers } from "../../runtime/types.ts";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import type { H2Handle, HttpOwner } from "./options.ts";
import { Http1ClientSide } from "./client_h1.ts";
import { concat } from "./heads.ts";
import { countOwnAnswer, firstLine } from "./own_answer.ts";
import { HttpTransaction } from "./transaction.ts";
import { type Failure, failure } from "../../failure/failure.ts";
import { countStatus } from "../../stats/counters.ts";
import { countFailure } from "../session/failure_counts.ts";
import { resetOrClose } from "../session/reset.ts";
import { SessionTimer } from "../session/timer.ts";
import type { Tracker } from "../../stick/tracker.ts";
import { now } from "../../runtime/clock.ts";

/** timeout http-request ran out with a request head begun: 408, `cR`. */
const REQUEST_TIMEOUT = failure("client-timeout", "wait-request", { status: 408 });
/** A client that closed its first request's head, or part of any head (HAProxy counts ereq, 400). */
const HEAD_ABORTED = failure("client-abort", "wait-request", { status: 400 });

type State = "head" | "txn" | "tunnel" | "h2" | "closed";

export class HttpSession {
  readonly client: Socket;
  /** Its frontend; a reload's successor from the next request on (see `HttpOwner.handOver`). */
  owner: HttpOwner;
  readonly timer: SessionTimer;
  readonly out: Http1ClientSide;
  requests = 0; // completed on this connection (the first may not reuse another client's connection)
  /** The connection's `sess.` variables, created when a rule first needs them. */
  #sessVars: Map<string, unknown> | null = null;
  #state: State = "head";
  #reader: HeadReader;
  /** Client bytes received while a transaction runs that belong to the next request (pipelining). */
  #stash: Uint8Array[] = [];
  #txn: HttpTransaction | null = null;
  #headStart = -1; // when the first byte of the current request head arrived (-1 before it)
  #closing = false;
  /** The HTTP/2 session this connection was handed to (ALPN h2, or an h2c preface). */
  #h2: H2Handle | null = null;

  /** What tcp-request connection rules tracked: held (conn_cur) until the connection closes. */
  readonly tracker: Tracker | null;

  /** The client socket's events, one object per connection (no closure each). */
  static readonly #Events = class implements SocketHandlers {
    constructor(readonly s: HttpSession) {}
    data(chunk: Uint8Array): void {
      this.s.#onData(chunk);
    }
    drain(): void {
      this.s.#txn?.onClientDrain();
      this.s.#finishIfFlushed();
    }
    end(): void {
      this.s.#onEnd();
    }
    close(): void {
      this.s.#onClose();
    }
  };

  constructor(owner: HttpOwner, client: Socket, tracker: Tracker | null = null) {
    this.owner = owner;
    this.client = client;
    this.out = new Http1ClientSide(client);
    this.tracker = tracker;
    this.#reader = new HeadReader(owner.http.limits);
    this.timer = new SessionTimer((kind) => this.#onTimeout(kind));
  }

  get sessVars(): Map<string, unknown> {
    return this.#sessVars ??= new Map();
  }

  start(): void {
    if (this.client.tls?.alpn === "h2" && this.owner.http.h2) return this.#toH2(null);
    this.client.setHandlers(new HttpSession.#Events(this));
    this.timer.fixed("http-request", this.owner.http.httpRequestTimeout);
  }

  #onData(chunk: Uint8Array): void {
    switch (this.#state) {
      case "head":
        return this.#onHeadBytes(chunk);
      case "txn":
        if (this.#txn!.wantsRequestBytes()) return this.#txn!.onClientData(chunk);
        this.#stash.push(chunk);
        this.client.pause();
        return;
      case "tunnel":
        return this.#txn!.onClientData(chunk);
      case "closed":
        return;
    }
  }

  /** Phase "wait for request": accumulate the head, then validate it. */
  #onHeadBytes(chunk: Uint8Array): void {
    if (this.#headStart < 0) {
      if (this.owner.successor !== null) this.#moveOn();
      this.#headStart = now();
      this.timer.fixed("http-request", this.owner.http.httpRequestTimeout);
    }
    const step = this.#reader.push(chunk);
    if (step.state === "more") return;
    if (step.state === "error") return this.#reject(step.rejection, chunk);
    const parsed = parseRequestHead(step.head, this.owner.http.limits);
    if (!parsed.ok) {
      // h2c with prior knowledge: the preface opens the connection (HAProxy does so on HTTP binds)
      if (
        parsed.rejection.reason === H2_PREFACE_REASON && this.requests === 0 && this.owner.http.h2
      ) return this.#toH2(concat([step.head, step.rest]));
      return this.#reject(parsed.rejection, step.head);
    }
    const framing = requestFraming(parsed.head);
    if (!framing.ok) return this.#reject(framing.rejection, step.head);
    this.#state = "txn";
    const headStart = this.#headStart;
    this.#headStart = -1;
    this.timer.idle(this.owner.http.clientTimeout, this.owner.backend.serverTimeout);
    const txn = new HttpTransaction(this, parsed.head, framing.framing, headStart);
    this.#txn = txn;
    txn.start(step.rest);
  }

  /** A reload replaced the frontend: this request and the next ones are the new generation's. */
  #moveOn(): void {
    this.owner = this.owner.handOver(this);
    this.#reader = new HeadReader(this.owner.http.limits);
  }

  /** Hands the connection to an HTTP/2 session; it stays this session toward the frontend. */
  #toH2(first: Uint8Array | null): void {
    this.#state = "h2";
    this.#headStart = -1;
    this.timer.stop();
    this.#h2 = this.owner.http.h2!(this.owner, this.client, this.tracker, first, () => {
      this.#state = "closed";
      this.owner.release(this);
    });
  }

  /** A request the normalizer refused: answer with its status, log it, close. Nothing reaches a server. */
  #reject(rejection: Rejection, raw: Uint8Array): void {
    const start = this.#headStart >= 0 ? this.#headStart : now();
    const { status, reason } = rejection, c = this.client;
    this.#headStart = -1;
    this.owner.http.captures?.record(`${c.remoteAddress}:${c.remotePort}`, raw, reason);
    const f = failure("proxy", "wait-request", { status, reason });
    this.#respondAndClose(f, start, firstLine(raw));
  }

  /** Writes one of the proxy's own responses and closes once it is out; returns its size for the log. */
  sendErrorAndClose(status: number): number {
    const page = this.owner.http.errors.get(status);
    this.client.write(page);
    this.closeGracefully();
    return page.length;
  }

  /** Bytes after a request's body: the next pipelined request, held until this one is answered. */
  transactionStash(chunk: Uint8Array): void {
    this.#stash.push(chunk);
    this.client.pause();
  }

  /** Sends one of the proxy's own responses, logs it, and closes the connection once it is written. */
  #respondAndClose(f: Failure, start: number, request: string): void {
    countOwnAnswer(this.owner, this.client, f, start, request, this.sendErrorAndClose(f.status));
  }

  /** The transaction is over; keep the connection for the next request or close it. */
  transactionDone(keepAlive: boolean): void {
    this.#txn = null;
    this.requests++;
    if (this.#state === "closed") return;
    if (!keepAlive || this.stopping) return this.closeGracefully();
    this.#state = "head";
    this.timer.fixed("http-keep-alive", this.owner.http.httpKeepAliveTimeout);
    const stash = this.#stash;
    this.#stash = [];
    for (const chunk of stash) {
      this.#onData(chunk);
      if (this.#state !== "head") {
        // a transaction started from the stash: the rest waits behind it again
        this.#stash.push(...stash.slice(stash.indexOf(chunk) + 1));
        return;
      }
    }
    this.client.resume();
  }

  /** The transaction switched protocols (101 or CONNECT): bytes now flow raw both ways. */
  enterTunnel(): void {
    this.#state = "tunnel";
    for (const chunk of this.#stash) this.#txn!.onClientData(chunk);
    this.#stash = [];
    this.client.resume();
  }

  #onEnd(): void {
    if (this.#closing) return this.#finishIfFlushed();
    if (this.#state === "head") {
      // half-closed between requests: done; mid-head or before the first: aborted (ereq, as HAProxy)
      if (this.#headStart >= 0 || this.requests === 0) {
        countFailure(HEAD_ABORTED, this.owner.counters, null, null);
        countStatus(this.owner.counters, HEAD_ABORTED.status);
      }
      return this.close();
    }
    this.#txn?.onClientEnd();
  }

  #onClose(): void {
    if (this.#state === "closed") return;
    const txn = this.#txn;
    this.#state = "closed";
    this.timer.stop();
    txn?.onClientClose();
    this.tracker?.end(0, false, 0, 0);
    this.owner.release(this);
  }

  #onTimeout(kind: string): void {
    if (kind === "http-request") {
      if (this.#headStart >= 0) {
        return this.#respondAndClose(REQUEST_TIMEOUT, this.#headStart, "<BADREQ>");
      }
      return this.close(); // idle before any byte of a first request: close silently
    }
    if (kind === "http-keep-alive") return this.close();
    this.#txn?.onTimeout(kind as "client" | "server" | "tarpit");
  }

  /** Close after everything queued is written (no shutdown call when close alone sends the FIN: no queue, no TLS). */
  closeGracefully(): void {
    if (this.#state === "closed") return;
    this.#closing = true;
    if (this.client.pending > 0 || this.client.tls !== undefined) this.client.shutdown();
    this.#finishIfFlushed();
  }

  #finishIfFlushed(): void {
    if (this.#closing && this.client.pending === 0) this.close();
  }

  close(): void {
    if (this.#state === "closed") return;
    this.client.close();
    this.#onClose();
  }

  /** Close with a reset where the runtime can (silent-drop); a plain close elsewhere. */
  reset(): void {
    if (this.#state === "closed") return;
    resetOrClose(this.client);
    this.#onClose();
  }

  /** True once the proxy is stopping: the current response says "connection: close" and is the last. */
  stopping = false;

  /**
   * Soft stop (HAProxy's): an idle keep-alive connection is closed now; one with a request under
   * way gets its response, marked to close, and is closed after it. `closeIdle` false (binary
   * upgrade, HAProxy's `option idle-close-on-response`): an idle one too waits for its next request
   * (or its keep-alive timeout), so a request already on its way is answered, not reset.
   */
  stopSoftly(closeIdle = true): void {
    this.stopping = true;
    if (this.#h2 !== null) return this.#h2.stopSoftly();
    if (closeIdle && this.#state === "head" && this.#headStart < 0) this.close();
  }

  /** Its frontend was replaced by a reload: HTTP/2 says GOAWAY; HTTP/1 moves on at its next request. */
  retired(): void {
    this.#h2?.stopSoftly();
  }

  /** Its transaction while that uses a connection to `server` (shutdown sessions, on-marked cuts). */
  onServer(server: Server): ServerSession | ServerSession[] | null {
    if (this.#h2 !== null) return this.#h2.onServer(server);
    const t = this.#txn;
    return t !== null && t.usesServer(server) ? t : null;
  }

  /** Ends the session from outside (hard stop). */
  kill(): void {
    if (this.#h2 !== null) return this.#h2.kill();
    this.close();
  }
}
