/** Incremental HTTP/2 frame reader (RFC 9113 §4.1): any chunking in, whole frames out, buffer bounded by the max frame size. */
import { H2_ERROR, H2ConnectionError } from "./errors.ts";
import { CLIENT_PREFACE, FRAME_HEADER_LENGTH, MIN_MAX_FRAME_SIZE, type RawFrame } from "./frame.ts";

/**
 * Splits a byte stream into frames. A frame whose payload sits whole in one chunk is handed over
 * as a view into that chunk (no copy); one split across chunks is gathered in a buffer of at most
 * 9 + maxFrameSize bytes. A declared length over `maxFrameSize` is a FRAME_SIZE_ERROR before any
 * payload byte is kept. With `expectPreface`, the first 24 bytes must be the client preface.
 */
export class FrameReader {
  /** Our SETTINGS_MAX_FRAME_SIZE: the largest payload accepted. */
  maxFrameSize: number;
  #prefaceLeft: number;
  #head = new Uint8Array(FRAME_HEADER_LENGTH);
  #headFill = 0;
  #payload: Uint8Array | null = null;
  #payloadFill = 0;
  #frame: RawFrame = { type: 0, flags: 0, streamId: 0, payload: new Uint8Array(0) };

  constructor(maxFrameSize = MIN_MAX_FRAME_SIZE, expectPreface = false) {
    this.maxFrameSize = maxFrameSize;
    this.#prefaceLeft = expectPreface ? CLIENT_PREFACE.length : 0;
  }

  /** True while the preface is still (partly) expected. */
  get awaitingPreface(): boolean {
    return this.#prefaceLeft > 0;
  }

  /**
   * Reads `chunk`, calling `onFrame` for each complete frame in order. The frame object is reused
   * between calls: copy what must outlive the call. Throws H2ConnectionError (PROTOCOL_ERROR for a
   * bad preface, FRAME_SIZE_ERROR for an oversized frame); `onFrame` may throw too, which stops
   * the reading.
   */
  push(chunk: Uint8Array, onFrame: (frame: RawFrame) => void): void {
    let i = 0;
    const n = chunk.length;
    while (this.#prefaceLeft > 0 && i < n) {
      const at = CLIENT_PREFACE.length - this.#prefaceLeft;
      if (chunk[i] !== CLIENT_PREFACE[at]) {
        throw new H2ConnectionError(
          H2_ERROR.PROTOCOL_ERROR,
          `invalid connection preface at byte ${at}`,
        );
      }
      i++;
      this.#prefaceLeft--;
    }
    while (i < n) {
      if (this.#payload === null) {
        // Fast path: a whole header (and maybe payload) at the start of what is left.
        if (this.#headFill === 0 && n - i >= FRAME_HEADER_LENGTH) {
          const len = this.#startFrame(chunk, i);
          i += FRAME_HEADER_LENGTH;
          if (n - i >= len) {
            this.#emit(chunk.subarray(i, i + len), onFrame);
            i += len;
          } else this.#beginPayload(len);
          continue;
        }
        const take = Math.min(FRAME_HEADER_LENGTH - this.#headFill, n - i);
        this.#head.set(chunk.subarray(i, i + take), this.#headFill);
        this.#headFill += take;
        i += take;
        if (this.#headFill < FRAME_HEADER_LENGTH) return;
        this.#headFill = 0;
        const len = this.#startFrame(this.#head, 0);
        if (len === 0) this.#emit(new Uint8Array(0), onFrame);
        else this.#beginPayload(len);
        continue;
      }
      const buf: Uint8Array = this.#payload;
      const take = Math.min(buf.length - this.#payloadFill, n - i);
      buf.set(chunk.subarray(i, i + take), this.#payloadFill);
      this.#payloadFill += take;
      i += take;
      if (this.#payloadFill === buf.length) {
        this.#payload = null;
        this.#emit(buf, onFrame);
      }
    }
  }

  /** Reads a frame header at b[o]; returns the payload length after checking it. */
  #startFrame(b: Uint8Array, o: number): number {
    const len = (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
    const f = this.#frame;
    f.type = b[o + 3]!;
    f.flags = b[o + 4]!;
    f.streamId = ((b[o + 5]! & 0x7f) * 0x1000000) +
      ((b[o + 6]! << 16) | (b[o + 7]! << 8) | b[o + 8]!);
    if (len > this.maxFrameSize) {
      throw new H2ConnectionError(
        H2_ERROR.FRAME_SIZE_ERROR,
        `frame of type ${f.type} on stream ${f.streamId} is ${len} bytes, over ${this.maxFrameSize}`,
      );
    }
    return len;
  }

  #beginPayload(len: number): void {
    this.#payload = new Uint8Array(len);
    this.#payloadFill = 0;
  }

  #emit(payload: Uint8Array, onFrame: (frame: RawFrame) => void): void {
    this.#frame.payload = payload;
    onFrame(this.#frame);
  }
}
