/** A streaming, callback-driven body encoder over node:zlib, with bounded input and output queues. */
import * as zlib from "node:zlib";
import type { Algo } from "./negotiate.ts";

export interface EncoderOptions {
  /**
   * Compression level. gzip and deflate: 1-9, default 1 (HAProxy's tune.comp.maxlevel default: the
   * proxy's CPU is better spent forwarding; level 1 already gives most of the gain on text).
   * br: quality 0-11, default 4. zstd: level 1-19, default 3 (zstd's own default).
   */
  level?: number;
  /**
   * Input bytes the encoder may hold before write() returns false; default 64 KiB. onDrain fires
   * once the backlog is back to half of it.
   */
  highWaterMark?: number;
}

/** Level range and default of each algorithm. */
export const LEVELS: Readonly<Record<Algo, { min: number; max: number; default: number }>> = {
  gzip: { min: 1, max: 9, default: 1 },
  deflate: { min: 1, max: 9, default: 1 },
  br: { min: 0, max: 11, default: 4 },
  zstd: { min: 1, max: 19, default: 3 },
};

/**
 * Brotli window: 2^19 = 512 KiB (ngx_brotli's default) rather than brotli's 4 MiB, so that one
 * stream holds at most about a megabyte; the ratio lost on web pages is small.
 */
const BROTLI_LGWIN = 19;
/** zstd window: 2^20 = 1 MiB (level 3 would use 2 MiB on large bodies); well under RFC 9659's 8 MB. */
const ZSTD_WINDOW_LOG = 20;

const DEFAULT_HWM = 64 * 1024;

/**
 * One response body being encoded. Bytes go in with write(); encoded bytes come out through the
 * `onOutput` callback given to createEncoder, as zlib produces them (on a later tick: zlib works on
 * the thread pool). Nothing is accumulated beyond the input backlog (bounded by write()'s return
 * value) and zlib's own window.
 */
export interface Encoder {
  readonly algo: Algo;
  /**
   * Queues `chunk` (not copied: it must not be modified afterwards). Returns false when the backlog
   * of unprocessed input is at or above the high-water mark: stop reading the source until onDrain.
   * Throws after end(); ignored after destroy().
   */
  write(chunk: Uint8Array): boolean;
  /**
   * Makes everything written so far decodable by the client now (gzip/deflate Z_SYNC_FLUSH, brotli
   * and zstd flush operations). Call it when the server has no more bytes for now (the end of a
   * read burst, e.g. a streamed or long-polled response), not after every write: each flush costs
   * a few bytes and resets the encoder's block. No-op when nothing was written since the last one.
   */
  flush(): void;
  /** Finishes the stream: onOutput gets the tail, then onEnd fires. */
  end(): void;
  /** Stops at once and frees zlib's memory; no callback fires afterwards. */
  destroy(): void;
  /**
   * Holds back output (the consumer is congested, e.g. its socket's write returned false). zlib
   * stops once about 64 KiB of output waits, then input backs up and write() returns false.
   */
  pause(): void;
  resume(): void;
  /** The backlog fell back to half the high-water mark after write() returned false. */
  onDrain: (() => void) | undefined;
  /** Every output byte was delivered after end(). */
  onEnd: (() => void) | undefined;
  /** zlib failed; the encoder is destroyed. Called at most once. */
  onError: ((err: Error) => void) | undefined;
  /** Bytes accepted by write(). */
  readonly bytesIn: number;
  /** Bytes handed to onOutput. */
  readonly bytesOut: number;
  /** Input bytes written but not yet consumed by zlib. */
  readonly pending: number;
}

/**
 * Creates an encoder for `algo`.
 * Throws RangeError for a level out of range, Error when this runtime lacks the algorithm.
 *
 * @example
 * ```ts
 * const enc = createEncoder("gzip", {}, (bytes) => client.write(bytes));
 * enc.onEnd = () => client.shutdown();
 * if (!enc.write(body)) server.pause();
 * enc.onDrain = () => server.resume();
 * enc.end();
 * ```
 */
export function createEncoder(
  algo: Algo,
  opts: EncoderOptions,
  onOutput: (chunk: Uint8Array) => void,
): Encoder {
  const range = LEVELS[algo];
  if (range === undefined) throw new RangeError(`createEncoder: unknown algorithm "${algo}"`);
  const level = opts.level ?? range.default;
  if (!Number.isInteger(level) || level < range.min || level > range.max) {
    throw new RangeError(
      `createEncoder: ${algo} level ${level} is out of range (${range.min}-${range.max})`,
    );
  }
  const hwm = opts.highWaterMark ?? DEFAULT_HWM;
  if (!(hwm > 0)) throw new RangeError(`createEncoder: highWaterMark ${hwm} must be positive`);
  const z = open(algo, level);
  return new ZlibEncoder(algo, z, flushKind(algo), hwm, onOutput);
}

/** The part of a node:zlib stream the encoder uses. */
interface ZStream {
  write(chunk: Uint8Array, cb: (err?: Error | null) => void): boolean;
  flush(kind: number, cb?: () => void): void;
  end(): void;
  destroy(): void;
  pause(): void;
  resume(): void;
  on(event: "data", fn: (chunk: Uint8Array) => void): void;
  on(event: "end", fn: () => void): void;
  on(event: "error", fn: (err: Error) => void): void;
}

const C = zlib.constants as unknown as Record<string, number>;

/** The flush kind of `algo`: emit the pending block without ending the stream. */
function flushKind(algo: Algo): number {
  if (algo === "br") return C.BROTLI_OPERATION_FLUSH!;
  if (algo === "zstd") return C.ZSTD_e_flush!;
  return C.Z_SYNC_FLUSH!;
}

function open(algo: Algo, level: number): ZStream {
  switch (algo) {
    case "gzip":
      return zlib.createGzip({ level }) as unknown as ZStream;
    case "deflate":
      return zlib.createDeflate({ level }) as unknown as ZStream;
    case "br":
      return zlib.createBrotliCompress({
        params: { [C.BROTLI_PARAM_QUALITY!]: level, [C.BROTLI_PARAM_LGWIN!]: BROTLI_LGWIN },
      }) as unknown as ZStream;
    case "zstd": {
      const make = (zlib as unknown as Record<string, unknown>).createZstdCompress;
      if (typeof make !== "function" || C.ZSTD_c_compressionLevel === undefined) {
        throw new Error("createEncoder: zstd is not available in this runtime's node:zlib");
      }
      const params = {
        [C.ZSTD_c_compressionLevel]: level,
        [C.ZSTD_c_windowLog!]: ZSTD_WINDOW_LOG,
      };
      return make({ params }) as ZStream;
    }
  }
}

class ZlibEncoder implements Encoder {
  onDrain: (() => void) | undefined = undefined;
  onEnd: (() => void) | undefined = undefined;
  onError: ((err: Error) => void) | undefined = undefined;
  readonly algo: Algo;
  #z: ZStream;
  #flushKind: number;
  #hwm: number;
  #bytesIn = 0;
  #bytesOut = 0;
  #pending = 0;
  /** write() returned false and onDrain has not fired since. */
  #blocked = false;
  /** Bytes were written since the last flush. */
  #dirty = false;
  #ended = false;
  /** Destroyed, failed or finished: no more callbacks. */
  #dead = false;
  /** destroy() was called: later calls are ignored. */
  #destroyed = false;

  constructor(
    algo: Algo,
    z: ZStream,
    flushKind: number,
    hwm: number,
    onOutput: (chunk: Uint8Array) => void,
  ) {
    this.algo = algo;
    this.#z = z;
    this.#flushKind = flushKind;
    this.#hwm = hwm;
    z.on("data", (chunk) => {
      if (this.#dead) return;
      this.#bytesOut += chunk.length;
      onOutput(chunk);
    });
    z.on("end", () => {
      if (this.#dead) return;
      this.#dead = true;
      this.onEnd?.();
    });
    z.on("error", (err) => this.#fail(err));
  }

  get bytesIn(): number {
    return this.#bytesIn;
  }

  get bytesOut(): number {
    return this.#bytesOut;
  }

  get pending(): number {
    return this.#pending;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#destroyed) return false;
    if (this.#ended) throw new Error(`${this.algo} encoder: write() after end()`);
    const n = chunk.length;
    if (n > 0) {
      this.#bytesIn += n;
      this.#pending += n;
      this.#dirty = true;
      this.#z.write(chunk, (err) => err ? this.#fail(err) : this.#consumed(n));
    }
    if (this.#pending >= this.#hwm) this.#blocked = true;
    return !this.#blocked;
  }

  flush(): void {
    if (this.#dead || this.#ended || !this.#dirty) return;
    this.#dirty = false;
    this.#z.flush(this.#flushKind);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#dead) this.#z.end();
  }

  destroy(): void {
    this.#destroyed = true;
    this.#dead = true;
    this.#z.destroy();
  }

  pause(): void {
    this.#z.pause();
  }

  resume(): void {
    this.#z.resume();
  }

  #consumed(n: number): void {
    this.#pending -= n;
    if (this.#dead || !this.#blocked || this.#pending > this.#hwm / 2) return;
    this.#blocked = false;
    this.onDrain?.();
  }

  #fail(err: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#destroyed = true;
    this.#z.destroy();
    const e = new Error(`${this.algo} encoder failed: ${err.message}`, { cause: err });
    this.onError?.(e);
  }
}
