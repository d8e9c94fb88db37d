/** What an HTTP/2 connection keeps (server or client role) and the sending API its owner calls (RFC 9113); the receiving half is connection.ts. */
import { H2_ERROR, H2ConnectionError, type H2StreamError } from "./errors.ts";
import type { H2Event } from "./events.ts";
import { CLIENT_PREFACE, DEFAULT_WINDOW, SETTING, type Setting } from "./frame.ts";
import { encodeSettings, encodeWindowUpdate } from "./frame_writer.ts";
import { mayGrow } from "./flow_window.ts";
import { type GlitchKind, H2Glitches } from "./glitches.ts";
import { HpackDecoder } from "./hpack_decoder.ts";
import type { FieldToEncode } from "./hpack_encoder.ts";
import type { H2Limits } from "./limits.ts";
import { Outbox } from "./outbox.ts";
import { H2Sender } from "./sender.ts";
import { H2Stream, StreamTable } from "./stream.ts";
import { peerMaySend, weMaySend } from "./stream_state.ts";

/**
 * State shared by both halves, and the owner's sending calls. The split uses inheritance (as
 * `proxy/http/` does), so the fields the receiving half needs are `protected`.
 */
export class H2ConnectionBase {
  readonly limits: Readonly<H2Limits>;
  /** "server": the peer opens the streams (a client connection); "client": we do (to a server). */
  readonly role: "server" | "client";
  readonly glitches = new H2Glitches();
  readonly streams: StreamTable;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited until its SETTINGS say). */
  peerMaxConcurrentStreams = Infinity;
  readonly decoder: HpackDecoder;
  readonly onEvent: (e: H2Event) => void;
  protected readonly out = new Outbox();
  protected readonly send = new H2Sender(this.out);
  /** Connection receive window: its size, what is left, what was released since our last WINDOW_UPDATE. */
  protected readonly recvWindow: number;
  protected recvLeft: number;
  #released = 0;
  /** Stream receive window in force: at least 65535 until the peer acknowledges our SETTINGS. */
  protected localInitialWindow: number;
  protected ended = false;

  constructor(
    limits: Readonly<H2Limits>,
    onEvent: (e: H2Event) => void,
    role: "server" | "client" = "server",
  ) {
    this.limits = limits;
    this.role = role;
    this.streams = new StreamTable(64, role === "client");
    this.onEvent = onEvent;
    this.decoder = new HpackDecoder(
      Math.max(4096, limits.headerTableSize),
      limits.maxHeaderListSize,
    );
    this.localInitialWindow = Math.max(DEFAULT_WINDOW, limits.initialWindowSize);
    const settings: Setting[] = [
      role === "client"
        ? { id: SETTING.ENABLE_PUSH, value: 0 }
        : { id: SETTING.MAX_CONCURRENT_STREAMS, value: limits.maxConcurrentStreams },
      { id: SETTING.INITIAL_WINDOW_SIZE, value: limits.initialWindowSize },
      { id: SETTING.MAX_FRAME_SIZE, value: limits.maxFrameSize },
      { id: SETTING.MAX_HEADER_LIST_SIZE, value: limits.maxHeaderListSize },
    ];
    if (limits.headerTableSize !== 4096) {
      settings.push({ id: SETTING.HEADER_TABLE_SIZE, value: limits.headerTableSize });
    }
    if (role === "client") this.out.push(CLIENT_PREFACE);
    this.out.push(encodeSettings(settings));
    this.recvWindow = Math.max(DEFAULT_WINDOW, limits.connectionWindowSize);
    this.recvLeft = this.recvWindow;
    if (this.recvWindow > DEFAULT_WINDOW) {
      this.out.push(encodeWindowUpdate(0, this.recvWindow - DEFAULT_WINDOW));
    }
  }

  /** True once a connection error or our GOAWAY ended the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /** Bytes to write to the peer, or null (the outbox's buffer is let go when no stream is open). */
  takeOutput(): Uint8Array | null {
    return this.out.take(this.streams.open.size > 0);
  }

  /** Client role: whether another stream may open (ids left, no GOAWAY either way, under the peer's limit). */
  get canOpen(): boolean {
    return !this.ended && !this.goingAway && !this.peerGoingAway &&
      this.streams.lastLocalId < 0x7ffffffd &&
      this.streams.open.size < this.peerMaxConcurrentStreams;
  }

  /** True once the peer's GOAWAY came. */
  peerGoingAway = false;

  /**
   * Client role: opens the next stream with a request's field section (pseudo-fields first);
   * returns its id. `head`: a HEAD request (the response's content-length then counts no DATA).
   */
  request(fields: readonly FieldToEncode[], endStream: boolean, head = false): number {
    if (this.role !== "client" || this.ended) {
      throw new RangeError("HTTP/2: only an open client-role connection sends requests");
    }
    const id = this.streams.lastLocalId === 0 ? 1 : this.streams.lastLocalId + 2;
    this.streams.lastLocalId = id;
    const s = this.openStream(id);
    s.headRequest = head;
    this.send.fields(s, fields, endStream);
    return id;
  }

  /** Sends a response's field section (`:status` first). */
  respond(streamId: number, fields: readonly FieldToEncode[], endStream: boolean): void {
    const s = this.#writable(streamId);
    s.responded = true;
    this.send.fields(s, fields, endStream);
    this.settle(s);
  }

  /** Sends body bytes (copied), held while the windows are closed. */
  sendData(streamId: number, data: Uint8Array, endStream: boolean): void {
    const s = this.#writable(streamId);
    this.send.data(s, data, endStream);
    this.settle(s);
  }

  /** Ends the response with a trailer section, after any data still held. */
  sendTrailers(streamId: number, fields: readonly FieldToEncode[]): void {
    const s = this.#writable(streamId);
    s.pendingTrailers = fields;
    this.send.data(s, new Uint8Array(0), true);
    this.settle(s);
  }

  /** Resets a stream (e.g. CANCEL when the server side failed). */
  reset(streamId: number, code: number): void {
    const s = this.streams.open.get(streamId);
    if (!s || this.ended) return;
    this.send.rst(streamId, code);
    this.end(s);
  }

  /**
   * Graceful end: GOAWAY (NO_ERROR by default) naming the last stream we process. Open streams go
   * on; a new one is refused (REFUSED_STREAM: the client may send it again elsewhere).
   */
  goaway(code: number = H2_ERROR.NO_ERROR, debug = ""): void {
    if (this.ended || this.goingAway) return;
    this.send.goaway(this.streams.lastPeerId, code, debug);
    this.goingAway = true;
  }

  /** True once our graceful GOAWAY went out. */
  goingAway = false;

  /** The owner consumed `n` body bytes of a stream: their credit returns by WINDOW_UPDATE, in batches. */
  release(streamId: number, n: number): void {
    if (this.ended) return;
    this.releaseConnection(n);
    const s = this.streams.open.get(streamId);
    if (!s || !peerMaySend(s.state)) return;
    s.released += n;
    if (s.released >= this.localInitialWindow / 2) {
      if (mayGrow(s.recvWindow, s.released)) s.recvWindow += s.released;
      this.out.push(encodeWindowUpdate(s.id, s.released));
      s.released = 0;
    }
  }

  /** Returns connection credit (body released, padding, data on a reset stream), in batches of half the window. */
  protected releaseConnection(n: number): void {
    this.#released += n;
    if (this.#released >= this.recvWindow / 2) {
      this.recvLeft += this.#released;
      this.out.push(encodeWindowUpdate(0, this.#released));
      this.#released = 0;
    }
  }

  #writable(streamId: number): H2Stream {
    const s = this.streams.open.get(streamId);
    if (!s || !weMaySend(s.state) || this.ended) {
      throw new RangeError(`HTTP/2 stream ${streamId} cannot send: not open on our side`);
    }
    return s;
  }

  /** A new stream from the peer, with the windows in force. */
  openStream(id: number): H2Stream {
    const s = new H2Stream(id, this.send.peerInitialWindow, this.localInitialWindow);
    this.streams.open.set(id, s);
    return s;
  }

  /** Forgets a stream whose both sides are closed. */
  settle(s: H2Stream): void {
    if (s.state === "closed") this.end(s);
  }

  protected end(s: H2Stream): void {
    this.send.drop(s);
    this.streams.close(s.id);
  }

  /** A connection error: GOAWAY with `code`, the `error` event, and nothing more is read. */
  protected fail(code: number, reason: string): void {
    if (this.ended) return;
    this.send.goaway(this.streams.lastPeerId, code, reason);
    this.ended = true;
    this.onEvent({ type: "error", code, reason });
  }

  /** Counts a glitch; past the threshold the connection ends with ENHANCE_YOUR_CALM. */
  glitch(kind: GlitchKind): void {
    const total = this.glitches.count(kind);
    const max = this.limits.glitchesThreshold;
    if (max > 0 && total > max) {
      throw new H2ConnectionError(
        H2_ERROR.ENHANCE_YOUR_CALM,
        `${total} glitches (last: ${kind}), over the threshold ${max}`,
      );
    }
  }

  /** Resets the stream of a stream error and reports it; counts a glitch unless the stream was only refused. */
  streamError(err: H2StreamError): void {
    this.send.rst(err.streamId, err.code);
    const s = this.streams.open.get(err.streamId);
    if (s) this.end(s);
    else this.streams.remember(err.streamId);
    this.onEvent({
      type: "reset",
      streamId: err.streamId,
      code: err.code,
      byPeer: false,
      reason: err.message,
    });
    if (err.code !== H2_ERROR.REFUSED_STREAM) this.glitch("streamError");
  }
}
