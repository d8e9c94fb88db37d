/** Bytes an HTTP/2 connection has produced and its owner has not yet taken: frames written in place into one buffer, with the count of queued acknowledgements. */
import { FLAG, FRAME, FRAME_HEADER_LENGTH } from "./frame.ts";
import { writeFrameHeader } from "./frame_writer.ts";

/** A fresh buffer's size: a turn's HEADERS and small DATA of several streams fit. */
const CHUNK = 4096;
/** Room left below which a taken buffer is let go rather than kept for the next frames. */
const KEEP_MIN = 512;
const EMPTY = new Uint8Array(0);

/**
 * A queue of frames to write. Frames are written into one buffer (no array of small frames, no
 * join); `take()` hands over a view of what was written since the last take, and the next frames
 * go after it in the same buffer, so what was handed over is never overwritten: a socket may keep
 * that view queued. A buffer with little room left is dropped at `take()`, and a grown one when the
 * caller says so (a connection without open streams), so an idle connection holds at most 4 KiB.
 */
export class Outbox {
  #buf: Uint8Array = EMPTY;
  /** Start of the bytes not yet taken, and their end. */
  #start = 0;
  #end = 0;
  /** Where the last frame queued begins when it is a DATA frame (its END_STREAM can be set later), else -1. */
  #lastData = -1;
  #lastDataStream = 0;
  /** PING and SETTINGS acknowledgements queued since the last `take()`. */
  acks = 0;

  /** Queues bytes already framed (a preface, a frame built elsewhere). */
  push(bytes: Uint8Array): void {
    const o = this.#reserve(bytes.length);
    this.#buf.set(bytes, o);
    this.#lastData = -1;
  }

  /** Queues one frame from its parts; its payload, `payload[start, end)`, is copied (no view made). */
  frame(
    type: number,
    flags: number,
    streamId: number,
    payload: Uint8Array,
    start = 0,
    end = payload.length,
  ): void {
    const n = end - start;
    const o = this.#reserve(FRAME_HEADER_LENGTH + n);
    const buf = this.#buf;
    writeFrameHeader(buf, o, n, type, flags, streamId);
    const d = o + FRAME_HEADER_LENGTH;
    // a short payload is copied byte by byte: cheaper than making a view to `set` from
    if (n <= 64) { for (let i = 0; i < n; i++) buf[d + i] = payload[start + i]!; }
    else buf.set(start === 0 && end === payload.length ? payload : payload.subarray(start, end), d);
    if (type === FRAME.DATA && (flags & FLAG.END_STREAM) === 0) {
      this.#lastData = o;
      this.#lastDataStream = streamId;
    } else this.#lastData = -1;
  }

  /**
   * Sets END_STREAM on the last frame queued when it is a DATA frame of this stream not yet taken
   * (the body's end comes after its last bytes: no empty DATA frame then). False when it is not.
   */
  endLastData(streamId: number): boolean {
    if (this.#lastData < 0 || this.#lastDataStream !== streamId) return false;
    this.#buf[this.#lastData + 4]! |= FLAG.END_STREAM;
    this.#lastData = -1;
    return true;
  }

  /** Bytes queued. */
  get length(): number {
    return this.#end - this.#start;
  }

  /**
   * Everything queued, as one view (null when nothing is); resets the acknowledgement count.
   * `keep` false lets a buffer grown past the usual size go (the connection has no stream open:
   * an idle connection holds at most one small buffer, reused by its next response).
   */
  take(keep = true): Uint8Array | null {
    this.acks = 0;
    this.#lastData = -1;
    if (this.#end === this.#start) return null;
    const out = this.#buf.subarray(this.#start, this.#end);
    if (this.#buf.length - this.#end < KEEP_MIN || (!keep && this.#buf.length > CHUNK)) {
      this.#buf = EMPTY;
      this.#start = this.#end = 0;
    } else this.#start = this.#end;
    return out;
  }

  /** Makes room for `n` more bytes; returns where they go. */
  #reserve(n: number): number {
    const end = this.#end;
    if (end + n <= this.#buf.length) {
      this.#end = end + n;
      return end;
    }
    // a new buffer: what is queued moves to its start (what was taken stays in the old one)
    const queued = end - this.#start;
    const grown = new Uint8Array(Math.max(CHUNK, 2 * (queued + n)));
    if (queued > 0) grown.set(this.#buf.subarray(this.#start, end));
    if (this.#lastData >= 0) this.#lastData -= this.#start;
    this.#buf = grown;
    this.#start = 0;
    this.#end = queued + n;
    return queued;
  }
}
