/** One HTTP/2 stream as an HTTP transaction's session: the request body in (re-framed for HTTP/1 servers), the response out as HEADERS/DATA/trailers. */
import { H2_ERROR } from "../../h2/errors.ts";
import type { H2Connection } from "../../h2/connection.ts";
import type { CheckedRequest } from "../../h2/request_check.ts";
import { responseFields, toRequestHead, trailerFields } from "../../h2/to_message.ts";
import { hasToken } from "../../http1/headers.ts";
import type { BodyFraming, HeaderField, RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import type { Socket } from "../../runtime/types.ts";
import type { ClientSide } from "../http/client_side.ts";
import type { HttpOwner } from "../http/options.ts";
import type { TransactionSession } from "../http/sockets.ts";
import { HttpTransaction } from "../http/transaction.ts";
import type { TimeoutKind } from "../session/timer.ts";
import { splitAnswer } from "./answer.ts";
import { Dechunker } from "./dechunk.ts";
import { RequestBodyIn } from "./request_body.ts";
import { StreamClient, type StreamControl } from "./stream_client.ts";
import { type StreamClock, StreamTimer, type TimerOwner } from "./stream_timer.ts";

/** What a stream asks of its connection's session. */
export interface StreamHost extends StreamClock {
  readonly owner: HttpOwner;
  readonly socket: Socket;
  readonly conn: H2Connection;
  readonly sessVars: Map<string, unknown>;
  readonly requests: number;
  readonly stopping: boolean;
  /** The connection's socket has too much queued: stream writers wait for its drain. */
  readonly congested: boolean;
  /** Writes what the connection produced, within this turn. */
  flushSoon(): void;
  /** This stream waits for room (socket drain or window) before its server is read again. */
  blocked(stream: H2Stream): void;
  /** The stream is over (answered, reset, or cut): forget it. */
  streamDone(stream: H2Stream, answered: boolean): void;
}

/** Response bytes a stream may hold for want of window before its server is paused. */
const STREAM_HIGH_WATER = 65536;
const EMPTY = new Uint8Array(0);
/** Framings without per-stream data, shared by every stream (never mutated). */
const NO_BODY: BodyFraming = { type: "none" };
const CHUNKED: BodyFraming = { type: "chunked" };

/**
 * The session of one request: it implements what a transaction needs of its session
 * (`TransactionSession`) and its client side (`ClientSide`), so the same HttpTransaction runs
 * HTTP/1 and HTTP/2 requests; its request body goes through a `RequestBodyIn`.
 */
export class H2Stream implements TransactionSession, ClientSide, StreamControl, TimerOwner {
  readonly id: number;
  readonly #host: StreamHost;
  readonly client: StreamClient;
  readonly timer: StreamTimer;
  #txn: HttpTransaction | null = null;
  #body: RequestBodyIn | null = null;
  /** The response: HEADERS sent, its body de-chunked, the stream ended on our side. */
  #headSent = false;
  #dechunk: Dechunker | null = null;
  #over = false;
  headBytes = 0;

  constructor(host: StreamHost, id: number) {
    this.#host = host;
    this.id = id;
    this.client = new StreamClient(host.socket, this);
    this.timer = new StreamTimer(this, host);
  }

  onTimer(kind: TimeoutKind): void {
    if (kind === "client" || kind === "server" || kind === "tarpit" || kind === "tunnel") {
      this.#txn?.onTimeout(kind);
    }
  }

  get owner(): HttpOwner {
    return this.#host.owner;
  }
  get out(): ClientSide {
    return this;
  }
  get requests(): number {
    return this.#host.requests;
  }
  get stopping(): boolean {
    return this.#host.stopping;
  }
  get sessVars(): Map<string, unknown> {
    return this.#host.sessVars;
  }
  get done(): boolean {
    return this.#over;
  }

  /** The request's field section: the neutral head, its body framing, then the transaction. */
  open(checked: CheckedRequest, fields: HeaderField[], endStream: boolean, start: number): void {
    const req = toRequestHead(checked, fields);
    let framing: BodyFraming;
    if (endStream) framing = NO_BODY;
    else if (checked.contentLength >= 0) {
      framing = { type: "length", length: checked.contentLength };
    } else {
      // an HTTP/1.1 server needs a delimited body: DATA go out as chunks, END_STREAM as the last
      framing = CHUNKED;
      req.headers.push({ name: "transfer-encoding", lname: "transfer-encoding", value: "chunked" });
    }
    const o = this.owner;
    this.timer.idle(o.http.clientTimeout, o.backend.serverTimeout);
    const txn = new HttpTransaction(this, req, framing, start);
    this.#txn = txn;
    if (!endStream) {
      const host = this.#host, id = this.id;
      // credit returned on a server's drain must reach the client: the WINDOW_UPDATE is written
      this.#body = new RequestBodyIn(framing.type === "chunked", (n) => {
        host.conn.release(id, n);
        host.flushSoon();
      });
      this.#body.attach(txn);
    }
    txn.start(EMPTY);
  }

  /** Request DATA (a view valid during the call): handed on, or held while paused. */
  onData(data: Uint8Array, endStream: boolean): void {
    if (this.#over || this.#body === null) return this.#host.conn.release(this.id, data.length);
    this.#body.data(data, endStream);
  }

  /** Request trailers: the last chunk's trailer section (dropped when the body had a length). */
  onTrailers(fields: HeaderField[]): void {
    if (!this.#over) this.#body?.trailers(fields);
  }

  pauseRequest(): void {
    this.#body?.pause();
  }

  resumeRequest(): void {
    if (!this.#over) this.#body?.resume();
  }

  /** The client reset the stream, or the connection is gone: the transaction ends as a client abort. */
  onClientGone(): void {
    if (this.#over) return;
    this.#over = true;
    this.#body?.clear();
    this.timer.stop();
    this.#txn?.onClientClose();
    this.#host.streamDone(this, false);
  }

  /** The connection's socket or the stream's window made room. */
  onRoom(): boolean {
    if (this.#over) return true;
    if (this.#pendingBytes() >= STREAM_HIGH_WATER || this.#host.congested) return false;
    this.timer.touchClient();
    this.#txn?.onClientDrain();
    return true;
  }

  onServer(server: Server): ServerSession | null {
    const t = this.#txn;
    return t !== null && t.usesServer(server) ? t : null;
  }

  // ClientSide: the response, as frames

  answer(bytes: Uint8Array): void {
    if (this.#over || this.#headSent) return;
    const { head, body } = splitAnswer(bytes);
    const conn = this.#host.conn;
    this.#headSent = true;
    conn.respond(this.id, responseFields(head), body.length === 0);
    if (body.length > 0) conn.sendData(this.id, body, true);
    this.#finish(true);
  }

  interim(res: ResponseHead, _raw: Uint8Array): void {
    if (this.#over || this.#headSent) return;
    this.#host.conn.respond(this.id, responseFields(res), false);
    this.#host.flushSoon();
  }

  head(
    res: ResponseHead,
    _req: RequestHead,
    _keepAlive: boolean,
    _switching: boolean,
    body: Uint8Array,
  ): boolean {
    this.headBytes = res.headLength;
    if (this.#over) return true;
    if (hasToken(res.headers, "transfer-encoding", "chunked")) this.#dechunk = new Dechunker();
    this.#headSent = true;
    this.#host.conn.respond(this.id, responseFields(res), false);
    return body.length > 0 ? this.body(body) : this.#room();
  }

  body(bytes: Uint8Array): boolean {
    if (this.#over) return true;
    const conn = this.#host.conn, id = this.id;
    if (this.#dechunk === null) conn.sendData(id, bytes, false);
    else this.#dechunk.feed(bytes, (d) => d.length > 0 && conn.sendData(id, d, false));
    return this.#room();
  }

  #room(): boolean {
    this.#host.flushSoon();
    if (this.#pendingBytes() < STREAM_HIGH_WATER && !this.#host.congested) return true;
    this.#host.blocked(this);
    return false;
  }

  #pendingBytes(): number {
    return this.#host.conn.streams.open.get(this.id)?.pendingBytes ?? 0;
  }

  // TransactionSession: how the transaction ends its client side

  sendErrorAndClose(status: number): number {
    const page = this.owner.http.errors.get(status);
    this.answer(page);
    return page.length;
  }

  /** Bytes past the body's framing cannot come on HTTP/2 (DATA are counted against it): ignored. */
  transactionStash(_chunk: Uint8Array): void {}

  transactionDone(_keepAlive: boolean): void {
    this.#end();
  }

  /** No tunnel over HTTP/2 streams yet (RFC 8441): the transaction refuses CONNECT and upgrades. */
  enterTunnel(): void {
    this.close();
  }

  closeGracefully(): void {
    this.#end();
  }

  /** The response is cut (a failure after its head): RST_STREAM, the client sees an incomplete response. */
  close(): void {
    if (this.#over) return;
    this.#host.conn.reset(this.id, H2_ERROR.INTERNAL_ERROR);
    this.#finish(false);
  }

  /** silent-drop: the stream is reset, nothing more is written on it. */
  reset(): void {
    if (this.#over) return;
    this.#host.conn.reset(this.id, H2_ERROR.CANCEL);
    this.#finish(false);
  }

  /** The response is complete: END_STREAM (after trailers of a chunked body, if any). */
  #end(): void {
    if (this.#over) return;
    const conn = this.#host.conn;
    if (!this.#headSent) {
      conn.reset(this.id, H2_ERROR.INTERNAL_ERROR);
      return this.#finish(false);
    }
    const trailers = this.#dechunk?.trailers;
    if (trailers !== undefined && trailers.length > 0) {
      conn.sendTrailers(this.id, trailerFields(trailers));
    } else conn.sendData(this.id, EMPTY, true);
    this.#finish(true);
  }

  #finish(answered: boolean): void {
    this.#over = true;
    this.#body?.clear();
    this.timer.stop();
    const conn = this.#host.conn;
    // the client may still be sending a body nobody reads now (RFC 9113 §8.1)
    const s = conn.streams.open.get(this.id);
    if (answered && s !== undefined && s.state === "half-closed-local" && s.pendingBytes === 0) {
      conn.reset(this.id, H2_ERROR.NO_ERROR);
    }
    this.#host.flushSoon();
    this.#host.streamDone(this, answered);
  }
}
