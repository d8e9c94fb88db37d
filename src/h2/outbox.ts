/** Bytes an HTTP/2 connection has produced and its owner has not yet taken, with the count of queued acknowledgements. */

/** A queue of frames to write; `take()` hands them over as one buffer. */
export class Outbox {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  /** PING and SETTINGS acknowledgements queued since the last `take()`. */
  acks = 0;

  /** Queues a frame (or frames) as bytes. */
  push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#bytes += bytes.length;
  }

  /** Bytes queued. */
  get length(): number {
    return this.#bytes;
  }

  /** Everything queued, joined (null when nothing is); resets the acknowledgement count. */
  take(): Uint8Array | null {
    this.acks = 0;
    if (this.#chunks.length === 0) return null;
    const chunks = this.#chunks;
    this.#chunks = [];
    const n = this.#bytes;
    this.#bytes = 0;
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
