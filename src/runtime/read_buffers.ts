/** Deno's read buffers: a small one while a connection is idle or trickles, a large one while data streams, large ones shared through a spare list. */

/**
 * An idle connection holds only the small buffer (a pending read keeps its buffer); a read that
 * fills it switches to large, a read under SMALL_READ switches back.
 */
const IDLE_READ = 2 * 1024;
const READ_SIZE = 64 * 1024;
/** In large mode, a read of at least this many bytes is handed over and a new buffer taken; less is copied out. */
const SMALL_READ = 8 * 1024;
/** Large buffers given back when their connection went quiet, reused by the next that streams. */
const spare: Uint8Array[] = [];
const MAX_SPARE = 16;

/** One connection's read buffers (DenoSocket's read loop, DenoNetSocket's handle). */
export class ReadBuffers {
  readonly small: Uint8Array = new Uint8Array(IDLE_READ);
  /** The large buffer while data streams; null: reads go into `small`. */
  large: Uint8Array | null = null;

  /** The buffer the next read goes into. */
  get next(): Uint8Array {
    return this.large ?? this.small;
  }

  /**
   * The chunk for `n` bytes just read into `buf` (this connection's small or large buffer): copied
   * out, or the large buffer's view handed over (the receiver owns it: a new large one is taken).
   */
  take(buf: Uint8Array, n: number): Uint8Array {
    if (buf !== this.large) {
      if (n === buf.length) this.large = spare.pop() ?? new Uint8Array(READ_SIZE);
      return buf.slice(0, n);
    }
    if (n >= SMALL_READ) {
      this.large = spare.pop() ?? new Uint8Array(READ_SIZE);
      return buf.subarray(0, n);
    }
    if (spare.length < MAX_SPARE) spare.push(buf);
    this.large = null;
    return buf.slice(0, n);
  }

  /** Gives the large buffer back once no read holds it. */
  release(): void {
    if (this.large !== null && spare.length < MAX_SPARE) spare.push(this.large);
    this.large = null;
  }
}
