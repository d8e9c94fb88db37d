/** Gathers one field block from HEADERS and its CONTINUATION frames (RFC 9113 §4.3, §6.10), bounded in bytes and frames. */
import { H2_ERROR, H2ConnectionError } from "./errors.ts";

/**
 * One block in progress at most per connection. `maxBytes` bounds the encoded size (an encoded
 * block is never much smaller than the list it decodes to, so a block over the list limit is
 * refused before decoding); `maxFrames` bounds the CONTINUATION frames (CVE-2024-27316: endless
 * CONTINUATION frames without END_HEADERS). Both are ENHANCE_YOUR_CALM: the HPACK table cannot
 * stay in step with a block that is not decoded, so the connection ends.
 */
export class FieldBlock {
  /** The stream whose block is in progress, or 0. */
  streamId = 0;
  endStream = false;
  /** The HEADERS frame named its own stream as dependency: reset once decoded. */
  selfDependent = false;
  #parts: Uint8Array[] = [];
  #bytes = 0;
  #frames = 0;
  readonly #maxBytes: number;
  readonly #maxFrames: number;

  constructor(maxBytes: number, maxFrames: number) {
    this.#maxBytes = maxBytes;
    this.#maxFrames = maxFrames;
  }

  /** Starts a block with a HEADERS fragment (copied: the frame's bytes belong to the caller). */
  start(streamId: number, fragment: Uint8Array, endStream: boolean, selfDependent: boolean): void {
    this.streamId = streamId;
    this.endStream = endStream;
    this.selfDependent = selfDependent;
    this.#parts = [];
    this.#bytes = 0;
    this.#frames = 0;
    this.#add(fragment);
  }

  /** Adds a CONTINUATION fragment. */
  add(fragment: Uint8Array): void {
    if (++this.#frames > this.#maxFrames) {
      throw new H2ConnectionError(
        H2_ERROR.ENHANCE_YOUR_CALM,
        `field block of stream ${this.streamId} spans more than ${this.#maxFrames} CONTINUATION frames`,
      );
    }
    this.#add(fragment);
  }

  #add(fragment: Uint8Array): void {
    this.#bytes += fragment.length;
    if (this.#bytes > this.#maxBytes) {
      throw new H2ConnectionError(
        H2_ERROR.ENHANCE_YOUR_CALM,
        `field block of stream ${this.streamId} over ${this.#maxBytes} bytes`,
      );
    }
    if (fragment.length > 0) this.#parts.push(fragment.slice());
  }

  /** The whole block; no block is in progress afterwards. */
  finish(): Uint8Array {
    this.streamId = 0;
    const parts = this.#parts;
    this.#parts = [];
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(this.#bytes);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
