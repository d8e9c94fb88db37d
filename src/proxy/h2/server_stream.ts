/** One HTTP/2 stream to a server, as the `Socket` a transaction reads and writes: HTTP/1.1 bytes in (head, length or chunked body), HTTP/1.1 bytes out. */
import { H2_ERROR } from "../../h2/errors.ts";
import { errorName } from "../../h2/errors.ts";
import type { H2Connection } from "../../h2/connection.ts";
import { trailerFields } from "../../h2/to_message.ts";
import { requestFraming } from "../../http1/framing.ts";
import { HeadReader } from "../../http1/head_reader.ts";
import { parseRequestHead } from "../../http1/parse.ts";
import type { HeaderField, RequestHead } from "../../http1/types.ts";
import type { Socket, SocketHandlers } from "../../runtime/types.ts";
import type { HeadTaker } from "../http/head_taker.ts";
import { Dechunker } from "./dechunk.ts";
import { requestFields } from "./request_out.ts";
import { ResponseIn } from "./response_in.ts";

/** What a stream uses of its connection (H2ServerConnection). */
export interface StreamLink {
  readonly conn: H2Connection;
  readonly socket: Socket;
  /** The connection's socket queue is over its mark: streams hold their writers. */
  readonly congested: boolean;
  flushSoon(): void;
  /** The stream's request went out as stream `id`: route its events there. */
  opened(stream: H2ServerStream, id: number): void;
  /** The stream waits for room (window, socket): call `onRoom` when there may be some. */
  blocked(stream: H2ServerStream): void;
  /** The stream is over for its transaction. */
  done(stream: H2ServerStream): void;
}

/** Our own serialized heads: generous limits (the client's head was already checked). */
const HEAD_LIMITS = { maxRequestLine: 65536, maxHead: 1 << 20, maxHeaders: 10000 };
/** Request bytes held for window past which `write` asks the transaction to wait. */
const HIGH_WATER = 65536;
const NOTHING = new Uint8Array(0);

/**
 * The transaction writes the request it would send an HTTP/1.1 server; the head becomes HEADERS
 * (request_out.ts), a length body DATA as it is, a chunked one de-chunked with its trailers as a
 * trailer HEADERS. The response comes back framed as HTTP/1.1 (response_in.ts) as `data` events;
 * `pause` holds them, and their window credit, so a slow client slows the server's stream only.
 */
export class H2ServerStream implements Socket, HeadTaker {
  readonly #link: StreamLink;
  #handlers: SocketHandlers | null = null;
  #id = 0;
  /** Parses the head from the bytes written, unless the transaction handed it over (`takeHead`). */
  #reader: HeadReader | null = null;
  #given: RequestHead | null = null;
  /** Bytes of the head still to skip in what is written (its serialized form). */
  #skip = 0;
  #headDone = false;
  /** Request body: bytes left of a length body, or -1 (chunked, see #dechunk). */
  #left = -1;
  #dechunk: Dechunker | null = null;
  #requestEnded = false;
  #headRequest = false;
  readonly #response = new ResponseIn();
  /** The response's last bytes were handed over (the stream may be given back). */
  #responseEnded = false;
  #endQueued = false;
  #paused = false;
  #held: { bytes: Uint8Array; credit: number; end: boolean }[] = [];
  #wantDrain = false;
  #closed = false;

  constructor(link: StreamLink) {
    this.#link = link;
  }

  get id(): number {
    return this.#id;
  }
  get remoteAddress(): string {
    return this.#link.socket.remoteAddress;
  }
  get remotePort(): number {
    return this.#link.socket.remotePort;
  }
  get localAddress(): string {
    return this.#link.socket.localAddress;
  }
  get localPort(): number {
    return this.#link.socket.localPort;
  }
  get tls() {
    return this.#link.socket.tls;
  }
  /** Request bytes waiting for flow-control window. */
  get pending(): number {
    return this.#link.conn.streams.open.get(this.#id)?.pendingBytes ?? 0;
  }
  /** True once closed, or once the whole response was handed over (never pooled as a connection). */
  get closed(): boolean {
    return this.#closed || this.#responseEnded;
  }

  setHandlers(handlers: SocketHandlers): void {
    this.#handlers = handlers;
  }

  /** The transaction's head as it is (its bytes, the next `length` written, are skipped). */
  takeHead(req: RequestHead, length: number): void {
    if (this.#headDone || this.#reader !== null) return; // a head is under way or went already
    this.#given = req;
    this.#skip = length;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed) return false;
    if (!this.#headDone) {
      if (this.#given !== null) {
        const n = Math.min(this.#skip, chunk.length);
        this.#skip -= n;
        chunk = n === chunk.length ? NOTHING : chunk.subarray(n);
        if (this.#skip > 0) return true;
        const req = this.#given;
        this.#given = null;
        this.#headDone = true;
        if (!this.#openHead(req)) return false;
      } else {
        const step = (this.#reader ??= new HeadReader(HEAD_LIMITS)).push(chunk);
        if (step.state === "more") return true;
        this.#headDone = true;
        this.#reader = null;
        if (step.state === "error") return this.#broken(step.rejection.reason);
        if (!this.#open(step.head)) return false;
        chunk = step.rest;
      }
    }
    if (chunk.length > 0 && !this.#requestEnded) this.#body(chunk);
    this.#link.flushSoon();
    return this.#room();
  }

  /** The request head: HEADERS on a new stream (END_STREAM when it has no body). */
  #open(head: Uint8Array): boolean {
    const parsed = parseRequestHead(head, HEAD_LIMITS);
    if (!parsed.ok) return this.#broken(parsed.rejection.reason);
    return this.#openHead(parsed.head);
  }

  /** HEADERS for a parsed head: framed as its fields say, as an HTTP/1.1 server would read it. */
  #openHead(req: RequestHead): boolean {
    const framing = requestFraming(req);
    if (!framing.ok) return this.#broken(framing.rejection.reason);
    const f = framing.framing;
    const conn = this.#link.conn;
    if (!conn.canOpen) return this.#broken("the connection takes no new stream (GOAWAY)");
    this.#requestEnded = f.type === "none" || (f.type === "length" && f.length === 0);
    this.#headRequest = req.method === "HEAD";
    const tls = this.#link.socket.tls !== undefined;
    this.#id = conn.request(requestFields(req, tls), this.#requestEnded, this.#headRequest);
    this.#link.opened(this, this.#id);
    if (f.type === "length") this.#left = f.length;
    else if (f.type === "chunked") this.#dechunk = new Dechunker();
    return true;
  }

  #body(chunk: Uint8Array): void {
    if (this.#dechunk === null) {
      const n = Math.min(this.#left, chunk.length);
      this.#left -= n;
      this.#requestEnded = this.#left === 0;
      return this.#send(n === chunk.length ? chunk : chunk.subarray(0, n), this.#requestEnded);
    }
    const d = this.#dechunk;
    d.feed(chunk, (data) => data.length > 0 && this.#send(data, false));
    if (!d.done) return;
    this.#requestEnded = true;
    if (d.trailers.length > 0) this.#sendTrailers(d.trailers);
    else this.#send(NOTHING, true);
  }

  /** Whether the stream still takes our bytes (the server may have reset it or closed our side). */
  #writable(): boolean {
    const s = this.#link.conn.streams.open.get(this.#id);
    return s !== undefined && (s.state === "open" || s.state === "half-closed-remote") &&
      !this.#link.conn.closed;
  }

  #send(data: Uint8Array, end: boolean): void {
    if (this.#writable()) this.#link.conn.sendData(this.#id, data, end);
  }

  #sendTrailers(fields: readonly HeaderField[]): void {
    if (this.#writable()) this.#link.conn.sendTrailers(this.#id, trailerFields(fields));
  }

  #room(): boolean {
    if (this.pending < HIGH_WATER && !this.#link.congested) return true;
    this.#wantDrain = true;
    this.#link.blocked(this);
    return false;
  }

  /** The connection may have room again: a waiting writer gets `drain`. True when no longer waiting. */
  onRoom(): boolean {
    if (!this.#wantDrain) return true;
    if (this.pending >= HIGH_WATER || this.#link.congested) return false;
    this.#wantDrain = false;
    this.#handlers?.drain();
    return true;
  }

  /** Bytes we could not turn into a request: an internal error, reported as the stream's end. */
  #broken(reason: string): false {
    queueMicrotask(() => this.onGone(new Error(`HTTP/2 to the server: ${reason}`)));
    return false;
  }

  // events of the connection

  onResponse(status: number, headers: HeaderField[], endStream: boolean): void {
    const bytes = this.#response.head(status, headers, endStream, this.#headRequest);
    this.#deliver(bytes, 0, endStream && status >= 200);
  }

  onData(data: Uint8Array, endStream: boolean): void {
    this.#deliver(this.#response.data(data, endStream), data.length, endStream);
  }

  onTrailers(fields: HeaderField[]): void {
    this.#deliver(this.#response.trailers(fields), 0, true);
  }

  onReset(code: number): void {
    this.onGone(new Error(`HTTP/2 stream reset by the server (${errorName(code)})`));
  }

  /** The stream or its connection ended before the response did. */
  onGone(err: Error): void {
    if (this.#closed || this.#endQueued) return;
    this.#closed = true;
    this.#held = [];
    this.#link.done(this);
    this.#handlers?.close(err);
  }

  #deliver(bytes: Uint8Array, credit: number, end: boolean): void {
    if (end) this.#endQueued = true;
    if (this.#paused || this.#held.length > 0) {
      this.#held.push({ bytes: bytes.length > 0 ? bytes.slice() : bytes, credit, end });
      return;
    }
    this.#hand(bytes, credit, end);
  }

  #hand(bytes: Uint8Array, credit: number, end: boolean): void {
    if (end) this.#responseEnded = true;
    if (credit > 0) {
      this.#link.conn.release(this.#id, credit);
      this.#link.flushSoon();
    }
    if (bytes.length > 0 && !this.#closed) this.#handlers?.data(bytes);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    while (this.#held.length > 0 && !this.#paused && !this.#closed) {
      const h = this.#held.shift()!;
      this.#hand(h.bytes, h.credit, h.end);
    }
  }

  /** Ends the request body (END_STREAM) if it is not over. */
  shutdown(): void {
    if (this.#requestEnded || this.#id === 0) return;
    this.#requestEnded = true;
    this.#send(NOTHING, true);
    this.#link.flushSoon();
  }

  /** The transaction lets the stream go: reset (CANCEL) unless both sides are over. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = [];
    const s = this.#link.conn.streams.open.get(this.#id);
    if (s !== undefined && this.#id !== 0) {
      const code = this.#responseEnded ? H2_ERROR.NO_ERROR : H2_ERROR.CANCEL;
      this.#link.conn.reset(this.#id, code);
      this.#link.flushSoon();
    }
    this.#link.done(this);
  }

  setNoDelay(): void {}
}
