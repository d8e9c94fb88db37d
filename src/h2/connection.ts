/** An HTTP/2 connection over bytes (RFC 9113), server or client role: frames in, events out, frames to write; errors mapped per §5.4. */
import { H2ConnectionBase } from "./connection_base.ts";
import { H2_ERROR, H2ConnectionError, H2StreamError, HpackError } from "./errors.ts";
import type { H2Event } from "./events.ts";
import { FieldBlock } from "./field_block.ts";
import { FLAG, FRAME, type RawFrame, SETTING } from "./frame.ts";
import {
  checkStreamId,
  dataContent,
  frameName,
  headersContent,
  parseGoaway,
  parsePing,
  parsePriority,
  parseRstStream,
  parseSettings,
  parseWindowUpdate,
} from "./frame_parse.ts";
import { FrameReader } from "./frame_reader.ts";
import { encodePing, encodeSettings } from "./frame_writer.ts";
import type { H2Limits } from "./limits.ts";
import { onFieldBlock } from "./receive_fields.ts";
import { onResponseBlock } from "./receive_response.ts";
import { nextState, peerMaySend } from "./stream_state.ts";

/**
 * One connection: the server side (`role` "server", the default: requests in, responses out) or
 * the client side ("client": our preface first, `request()` opens streams, responses come as
 * `response` events). `receive(chunk)` reads frames and calls `onEvent`;
 * `takeOutput()` gives the bytes to write (our SETTINGS first, acknowledgements, responses,
 * errors). A stream error resets its stream (RST_STREAM) and the connection goes on; a connection
 * error queues GOAWAY, reports `error`, and every later byte is ignored.
 */
export class H2Connection extends H2ConnectionBase {
  #reader: FrameReader;
  #block: FieldBlock;
  #settingsSeen = false;
  readonly #onFrame = (f: RawFrame): void => this.#frame(f);

  constructor(
    limits: Readonly<H2Limits>,
    onEvent: (e: H2Event) => void,
    role: "server" | "client" = "server",
  ) {
    super(limits, onEvent, role);
    this.#reader = new FrameReader(limits.maxFrameSize, role === "server");
    this.#block = new FieldBlock(limits.maxHeaderListSize, limits.maxContinuationFrames);
  }

  /** Reads bytes from the peer. Never throws for the peer's errors: they become frames and events. */
  receive(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      this.#reader.push(chunk, this.#onFrame);
    } catch (err) {
      if (err instanceof H2ConnectionError) this.fail(err.code, err.reason);
      else if (err instanceof HpackError) this.fail(H2_ERROR.COMPRESSION_ERROR, err.message);
      else throw err;
    }
  }

  /** One frame; a stream error is handled here so the rest of the chunk is still read. */
  #frame(f: RawFrame): void {
    if (this.ended) return;
    try {
      this.#dispatch(f);
    } catch (err) {
      if (!(err instanceof H2StreamError)) throw err;
      this.streamError(err);
    }
  }

  #dispatch(f: RawFrame): void {
    if (!this.#settingsSeen) {
      if (f.type !== FRAME.SETTINGS || (f.flags & FLAG.ACK) !== 0) {
        throw new H2ConnectionError(
          H2_ERROR.PROTOCOL_ERROR,
          `${frameName(f.type)} before the ${this.#peer}'s SETTINGS`,
        );
      }
      this.#settingsSeen = true;
    }
    if (this.#block.streamId !== 0 && f.type !== FRAME.CONTINUATION) {
      throw new H2ConnectionError(
        H2_ERROR.PROTOCOL_ERROR,
        `${frameName(f.type)} inside the field block of stream ${this.#block.streamId}`,
      );
    }
    checkStreamId(f);
    switch (f.type) {
      case FRAME.DATA:
        return this.#onData(f);
      case FRAME.HEADERS:
        return this.#onHeaders(f);
      case FRAME.PRIORITY:
        parsePriority(f); // checked, then ignored (RFC 9113 §5.3.2)
        return;
      case FRAME.RST_STREAM:
        return this.#onRst(f);
      case FRAME.SETTINGS:
        return this.#onSettings(f);
      case FRAME.PUSH_PROMISE:
        throw new H2ConnectionError(
          H2_ERROR.PROTOCOL_ERROR,
          this.role === "server" ? "PUSH_PROMISE from a client" : "PUSH_PROMISE with push disabled",
        );
      case FRAME.PING:
        return this.#onPing(f);
      case FRAME.GOAWAY:
        return this.#onGoaway(f);
      case FRAME.WINDOW_UPDATE:
        return this.#onWindowUpdate(f);
      case FRAME.CONTINUATION:
        return this.#onContinuation(f);
        // Frame types of extensions are ignored (§5.5).
    }
  }

  #idle(f: RawFrame): H2ConnectionError {
    const what = `${frameName(f.type)} on idle stream ${f.streamId}`;
    return new H2ConnectionError(H2_ERROR.PROTOCOL_ERROR, what);
  }

  #onData(f: RawFrame): void {
    const s = this.streams.open.get(f.streamId);
    if (!s && this.streams.classify(f.streamId) === "idle") throw this.#idle(f);
    const len = f.payload.length;
    if (len > this.recvLeft) {
      throw new H2ConnectionError(
        H2_ERROR.FLOW_CONTROL_ERROR,
        `DATA of ${len} bytes over the connection window (${this.recvLeft} left)`,
      );
    }
    this.recvLeft -= len;
    const data = dataContent(f);
    if (!s || !peerMaySend(s.state)) {
      this.releaseConnection(len);
      throw new H2StreamError(
        f.streamId,
        H2_ERROR.STREAM_CLOSED,
        `DATA on a stream the ${this.#peer} ended`,
      );
    }
    if (len > s.recvWindow) {
      this.releaseConnection(len);
      throw new H2StreamError(
        s.id,
        H2_ERROR.FLOW_CONTROL_ERROR,
        `DATA of ${len} bytes over the stream window`,
      );
    }
    s.recvWindow -= len;
    if (len > data.length) this.releaseConnection(len - data.length);
    const endStream = (f.flags & FLAG.END_STREAM) !== 0;
    s.received += data.length;
    const cl = s.contentLength;
    if (cl >= 0 && (s.received > cl || (endStream && s.received !== cl))) {
      throw new H2StreamError(
        s.id,
        H2_ERROR.PROTOCOL_ERROR,
        `${s.received} body bytes for content-length ${cl}`,
      );
    }
    if (data.length === 0 && !endStream) this.glitch("emptyData");
    if (endStream) s.state = nextState(s.state, "recv-end-stream")!;
    this.onEvent({ type: "data", streamId: s.id, data, endStream });
    this.settle(s);
  }

  #onHeaders(f: RawFrame): void {
    let fragment = f.payload, selfDependent = false; // the usual HEADERS: no padding nor priority
    if ((f.flags & (FLAG.PADDED | FLAG.PRIORITY)) !== 0) {
      const { fragment: part, priority } = headersContent(f);
      fragment = part;
      selfDependent = priority !== null && priority.dependsOn === f.streamId;
    }
    const endStream = (f.flags & FLAG.END_STREAM) !== 0;
    if ((f.flags & FLAG.END_HEADERS) === 0) {
      return this.#block.start(f.streamId, fragment, endStream, selfDependent);
    }
    this.#fieldBlock(f.streamId, fragment, endStream, selfDependent);
  }

  #fieldBlock(id: number, block: Uint8Array, endStream: boolean, selfDependent: boolean): void {
    if (this.role === "server") onFieldBlock(this, id, block, endStream, selfDependent);
    else onResponseBlock(this, id, block, endStream);
  }

  get #peer(): string {
    return this.role === "server" ? "client" : "server";
  }

  #onContinuation(f: RawFrame): void {
    const b = this.#block;
    if (b.streamId === 0) {
      throw new H2ConnectionError(H2_ERROR.PROTOCOL_ERROR, "CONTINUATION without HEADERS");
    }
    if (f.streamId !== b.streamId) {
      throw new H2ConnectionError(
        H2_ERROR.PROTOCOL_ERROR,
        `CONTINUATION on stream ${f.streamId} inside the field block of stream ${b.streamId}`,
      );
    }
    const last = (f.flags & FLAG.END_HEADERS) !== 0;
    if (f.payload.length === 0 && !last) this.glitch("continuationFlood");
    try {
      b.add(f.payload);
    } catch (err) {
      this.glitches.count("continuationFlood");
      throw err;
    }
    if (!last) return;
    const { streamId, endStream, selfDependent } = b;
    this.#fieldBlock(streamId, b.finish(), endStream, selfDependent);
  }

  #onRst(f: RawFrame): void {
    const code = parseRstStream(f);
    const s = this.streams.open.get(f.streamId);
    if (!s) {
      if (this.streams.classify(f.streamId) === "idle") throw this.#idle(f);
      return;
    }
    s.state = nextState(s.state, "recv-rst")!;
    this.end(s);
    this.onEvent({
      type: "reset",
      streamId: s.id,
      code,
      byPeer: true,
      reason: `reset by the ${this.#peer}`,
    });
    if (!s.responded && this.role === "server") this.glitch("rapidReset");
  }

  #onSettings(f: RawFrame): void {
    const settings = parseSettings(f);
    if (f.flags & FLAG.ACK) return this.#onSettingsAck();
    for (const { id, value } of settings) {
      if (id === SETTING.HEADER_TABLE_SIZE) {
        this.send.encoder.setPeerTableSize(Math.min(value, 4096));
      } else if (id === SETTING.MAX_FRAME_SIZE) this.send.peerMaxFrameSize = value;
      else if (id === SETTING.MAX_CONCURRENT_STREAMS) this.peerMaxConcurrentStreams = value;
      else if (id === SETTING.INITIAL_WINDOW_SIZE) {
        this.send.setPeerInitialWindow(value, this.streams.open.values());
      }
    }
    this.#ack(encodeSettings([], true));
  }

  /** Our SETTINGS are in force: stream windows and the HPACK table limit move to our values. */
  #onSettingsAck(): void {
    const delta = this.limits.initialWindowSize - this.localInitialWindow;
    this.localInitialWindow = this.limits.initialWindowSize;
    for (const s of this.streams.open.values()) s.recvWindow += delta;
    this.decoder.settingsTableSize = this.limits.headerTableSize;
  }

  #onPing(f: RawFrame): void {
    const opaque = parsePing(f);
    if ((f.flags & FLAG.ACK) === 0) this.#ack(encodePing(opaque, true));
  }

  /** Queues an acknowledgement; more of them waiting to be written than the limit is a flood. */
  #ack(frame: Uint8Array): void {
    this.out.push(frame);
    if (++this.out.acks > this.limits.maxQueuedControlFrames) {
      this.glitches.count("controlFlood");
      throw new H2ConnectionError(
        H2_ERROR.ENHANCE_YOUR_CALM,
        `more than ${this.limits.maxQueuedControlFrames} PING/SETTINGS acknowledgements waiting to be written`,
      );
    }
  }

  #onGoaway(f: RawFrame): void {
    const { lastStreamId, code, debug } = parseGoaway(f);
    this.peerGoingAway = true;
    this.onEvent({ type: "goaway", lastStreamId, code, debug });
  }

  #onWindowUpdate(f: RawFrame): void {
    const s = f.streamId === 0 ? undefined : this.streams.open.get(f.streamId);
    if (f.streamId !== 0 && !s && this.streams.classify(f.streamId) === "idle") throw this.#idle(f);
    const inc = parseWindowUpdate(f);
    if (f.streamId === 0) {
      if (!this.send.window.grow(inc)) {
        throw new H2ConnectionError(
          H2_ERROR.FLOW_CONTROL_ERROR,
          "connection send window over 2^31-1",
        );
      }
      return this.send.flushBlocked();
    }
    if (!s) return;
    this.send.windowUpdate(s, inc);
    this.settle(s);
  }
}
