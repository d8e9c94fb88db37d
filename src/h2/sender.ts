/** The sending half of an HTTP/2 connection: field sections, DATA within both windows, trailers, RST_STREAM, GOAWAY. */
import { H2_ERROR, H2ConnectionError, H2StreamError } from "./errors.ts";
import { DEFAULT_WINDOW, FLAG, FRAME, MIN_MAX_FRAME_SIZE } from "./frame.ts";
import { encodeGoaway, encodeHeaderBlock, encodeRstStream } from "./frame_writer.ts";
import { FlowWindow, mayGrow } from "./flow_window.ts";
import { type FieldToEncode, HpackEncoder } from "./hpack_encoder.ts";
import type { Outbox } from "./outbox.ts";
import type { H2Stream } from "./stream.ts";
import { nextState } from "./stream_state.ts";

const EMPTY = new Uint8Array(0);

/** Writes frames into the outbox, holding DATA that the windows do not allow yet. */
export class H2Sender {
  readonly encoder = new HpackEncoder();
  readonly window = new FlowWindow(DEFAULT_WINDOW);
  /** The peer's SETTINGS_MAX_FRAME_SIZE and SETTINGS_INITIAL_WINDOW_SIZE. */
  peerMaxFrameSize = MIN_MAX_FRAME_SIZE;
  peerInitialWindow = DEFAULT_WINDOW;
  /** Streams holding data while the connection window is empty. */
  readonly #blocked = new Set<H2Stream>();
  readonly #out: Outbox;

  constructor(out: Outbox) {
    this.#out = out;
  }

  /** A field section (response head or trailers), split into HEADERS + CONTINUATION as needed. */
  fields(s: H2Stream, fields: readonly FieldToEncode[], endStream: boolean): void {
    const n = this.encoder.encodeInto(fields);
    if (n <= this.peerMaxFrameSize) {
      const flags = FLAG.END_HEADERS | (endStream ? FLAG.END_STREAM : 0);
      this.#out.frame(FRAME.HEADERS, flags, s.id, this.encoder.output, 0, n);
    } else {
      const block = this.encoder.output.subarray(0, n);
      for (const f of encodeHeaderBlock(s.id, block, endStream, this.peerMaxFrameSize)) {
        this.#out.push(f);
      }
    }
    s.state = nextState(s.state, "send-headers") ?? s.state;
    if (endStream) s.state = nextState(s.state, "send-end-stream") ?? "closed";
  }

  /**
   * Sends body bytes as far as the windows allow, written into the outbox (the caller's buffer may
   * be reused: what waits for window is copied). An end with nothing left to send sets END_STREAM
   * on the stream's DATA frame still queued, else sends an empty DATA frame.
   */
  data(s: H2Stream, data: Uint8Array, endStream: boolean): void {
    if (endStream) s.pendingEnd = true;
    if (s.pendingBytes === 0 && data.length > 0) {
      // nothing waits: send what the windows allow straight from the caller's bytes
      const sent = this.#send(s, data, endStream && !s.pendingTrailers);
      if (sent < data.length) {
        (s.pending ??= []).push(data.slice(sent));
        s.pendingBytes += data.length - sent;
        if (this.window.size <= 0) this.#blocked.add(s);
        return;
      }
      if (!s.pendingEnd || s.state === "closed" || s.state === "half-closed-local") return;
    } else if (data.length > 0) {
      (s.pending ??= []).push(data.slice());
      s.pendingBytes += data.length;
    }
    this.flush(s);
  }

  /** DATA frames for as much of `data` as the windows allow; returns the bytes sent. */
  #send(s: H2Stream, data: Uint8Array, end: boolean): number {
    let o = 0;
    while (o < data.length) {
      const room = Math.min(s.sendWindow, this.window.size, this.peerMaxFrameSize);
      if (room <= 0) return o;
      const n = Math.min(room, data.length - o);
      const last = end && o + n === data.length;
      this.#out.frame(FRAME.DATA, last ? FLAG.END_STREAM : 0, s.id, data, o, o + n);
      s.sendWindow -= n;
      this.window.size -= n;
      o += n;
      if (last) s.state = nextState(s.state, "send-end-stream") ?? "closed";
    }
    return o;
  }

  /** Sends as much of a stream's pending data as the windows and the peer's frame size allow. */
  flush(s: H2Stream): void {
    const pending = s.pending;
    while (pending !== null && s.pendingBytes > 0) {
      const room = Math.min(s.sendWindow, this.window.size, this.peerMaxFrameSize);
      if (room <= 0) {
        if (this.window.size <= 0) this.#blocked.add(s);
        return;
      }
      const head = pending[0]!;
      const n = Math.min(room, head.length);
      const last = n === head.length && pending.length === 1 && s.pendingEnd &&
        !s.pendingTrailers;
      this.#out.frame(FRAME.DATA, last ? FLAG.END_STREAM : 0, s.id, head, 0, n);
      s.sendWindow -= n;
      this.window.size -= n;
      s.pendingBytes -= n;
      if (n === head.length) pending.shift();
      else pending[0] = head.subarray(n);
      if (last) s.state = nextState(s.state, "send-end-stream") ?? "closed";
    }
    this.#blocked.delete(s);
    if (!s.pendingEnd || s.state === "closed" || s.state === "half-closed-local") return;
    if (s.pendingTrailers) {
      const t = s.pendingTrailers;
      s.pendingTrailers = null;
      this.fields(s, t, true);
    } else {
      if (!this.#out.endLastData(s.id)) this.#out.frame(FRAME.DATA, FLAG.END_STREAM, s.id, EMPTY);
      s.state = nextState(s.state, "send-end-stream") ?? "closed";
    }
  }

  /** The peer's WINDOW_UPDATE for a stream: its window grows (a stream error past 2^31-1), held data goes. */
  windowUpdate(s: H2Stream, inc: number): void {
    if (!mayGrow(s.sendWindow, inc)) {
      throw new H2StreamError(s.id, H2_ERROR.FLOW_CONTROL_ERROR, "stream send window over 2^31-1");
    }
    s.sendWindow += inc;
    this.flush(s);
  }

  /** After the connection window grew: flushes the streams that were waiting for it. */
  flushBlocked(): void {
    for (const s of [...this.#blocked]) {
      if (this.window.size <= 0) return;
      this.flush(s);
    }
  }

  /** Forgets a stream's queued data (it was reset, or it ended having sent everything: nothing to do). */
  drop(s: H2Stream): void {
    if (this.#blocked.size > 0) this.#blocked.delete(s);
    if (s.pending === null) return;
    s.pending = null;
    s.pendingBytes = 0;
  }

  /** Applies a new peer SETTINGS_INITIAL_WINDOW_SIZE to every open stream (§6.9.2). */
  setPeerInitialWindow(value: number, streams: Iterable<H2Stream>): void {
    const delta = value - this.peerInitialWindow;
    this.peerInitialWindow = value;
    for (const s of streams) {
      if (!mayGrow(s.sendWindow, delta)) {
        throw new H2ConnectionError(
          H2_ERROR.FLOW_CONTROL_ERROR,
          `SETTINGS_INITIAL_WINDOW_SIZE ${value} overflows the window of stream ${s.id}`,
        );
      }
      s.sendWindow += delta;
    }
    if (delta > 0) { for (const s of streams) this.flush(s); }
  }

  rst(streamId: number, code: number): void {
    this.#out.push(encodeRstStream(streamId, code));
  }

  goaway(lastStreamId: number, code: number, debug: string): void {
    this.#out.push(encodeGoaway(lastStreamId, code, debug));
  }
}
