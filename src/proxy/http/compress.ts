/** The compression stage of an HTTP transaction: algorithm choice at request time, head rewrite and streamed body. */
import {
  type Algo,
  chooseEncoding,
  createEncoder,
  type Encoder,
  requestForOffload,
  rewriteResponseHead,
  shouldCompress,
} from "../../compress/mod.ts";
import type { EffectiveCompression } from "../../compress/policy.ts";
import { ChunkedParser } from "../../http1/chunked.ts";
import { LAST_CHUNK, serializeChunk } from "../../http1/serialize.ts";
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Socket } from "../../runtime/types.ts";
import { CompressionCounters } from "../../stats/counters.ts";

/**
 * How long encoded bytes may wait in the encoder before a flush pushes them out. The proxy cannot
 * tell when a server's burst ends (a streamed response, server-sent events, a long poll), so it
 * flushes at most this long after the first unflushed byte: an event reaches the client within
 * ~10 ms, and a bulk transfer pays at most 100 flushes a second (a few bytes each, and a new
 * block for the encoder) rather than one per read. The end of the body needs no flush.
 */
export const FLUSH_DELAY_MS = 10;

/** A frontend's compression settings, per backend (the backend's own settings win), and its counters. */
export class FrontendCompression {
  readonly counters: CompressionCounters = new CompressionCounters();
  readonly #byBackend: ReadonlyMap<string, EffectiveCompression>;

  constructor(byBackend: ReadonlyMap<string, EffectiveCompression>) {
    this.#byBackend = byBackend;
  }

  /** The settings for responses of backend `name`, or undefined when they are not compressed. */
  forBackend(name: string): EffectiveCompression | undefined {
    return this.#byBackend.get(name);
  }
}

/**
 * Request time, once the backend is known: reads Accept-Encoding and remembers the choice, since
 * with `offload` the server will not see the header (it is removed from `req` when an algorithm was
 * chosen). null when responses of this backend are not compressed at all.
 */
export function chooseCompression(
  fc: FrontendCompression | null,
  backend: string,
  req: RequestHead,
): CompressionChoice | null {
  const cfg = fc?.forBackend(backend);
  if (fc === null || cfg === undefined) return null;
  let ae: string | undefined;
  for (const f of req.headers) {
    if (f.lname === "accept-encoding") ae = ae === undefined ? f.value : `${ae},${f.value}`;
  }
  const algo = chooseEncoding(ae, cfg.algos);
  if (algo !== undefined && cfg.offload) req.headers = requestForOffload(req.headers);
  return new CompressionChoice(cfg, algo, fc.counters);
}

/** What a BodyCompressor needs from its transaction. */
export interface CompressorIo {
  /** Writes to the client (the transaction counts the bytes); false: congested, wait for clientDrained(). */
  write(bytes: Uint8Array): boolean;
  /** The server connection while the body comes from it; null once released. */
  server(): Socket | null;
  /** The encoder failed: the response cannot be finished. */
  failed(err: Error): void;
}

/** One request's compression choice, applied to its response head. */
export class CompressionChoice {
  readonly #cfg: EffectiveCompression;
  readonly #counters: CompressionCounters;
  /** The algorithm picked from Accept-Encoding; undefined: the client accepts none of them. */
  readonly algo: Algo | undefined;

  constructor(cfg: EffectiveCompression, algo: Algo | undefined, counters: CompressionCounters) {
    this.#cfg = cfg;
    this.algo = algo;
    this.#counters = counters;
  }

  /**
   * Response time, before the head is serialized: when the response qualifies, rewrites `res`'s
   * head (Content-Encoding, Vary, weak ETag, chunked framing) and returns the compressor its body
   * goes through; else null. HTTP/1.0 clients get nothing compressed (as HAProxy and nginx).
   */
  respond(req: RequestHead, res: ResponseHead, io: CompressorIo): BodyCompressor | null {
    const algo = this.algo;
    const verdict = algo === undefined
      ? null
      : shouldCompress(req, res, { types: this.#cfg.types, minsize: this.#cfg.minsize });
    if (algo === undefined || !verdict?.ok) {
      this.#counters.bypassed++;
      return null;
    }
    // shouldCompress let through no transfer-coding but chunked: the body comes chunked, or not
    const chunked = res.headers.some((f) => f.lname === "transfer-encoding");
    res.headers = rewriteResponseHead(res.headers, algo);
    this.#counters.compRsp++;
    return new BodyCompressor(algo, this.#cfg.levels[algo], this.#counters, io, chunked);
  }
}

/**
 * One response body through an encoder, out as chunks. Backpressure runs through the encoder:
 * the client's write returns false → encoder paused → its input backs up until write() returns
 * false → server paused; each resumes on its drain. Memory: the encoder's bounded queues.
 */
export class BodyCompressor {
  readonly #algo: Algo;
  readonly #level: number;
  readonly #counters: CompressionCounters;
  readonly #io: CompressorIo;
  /** Made at the first body byte or at end(), so a response that never gets there costs nothing. */
  #enc: Encoder | null = null;
  /** For a chunked body: finds the chunk data among the framing (trailers are dropped). */
  readonly #dechunk: ChunkedParser | null;
  readonly #take = (data: Uint8Array) => this.#encode(data);
  #clientBlocked = false;
  #serverBlocked = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #onFinished: (() => void) | null = null;
  #ending = false;
  #finished = false;

  /** `chunked`: the body bytes given to write() are chunked framing, already validated. */
  constructor(
    algo: Algo,
    level: number,
    counters: CompressionCounters,
    io: CompressorIo,
    chunked: boolean,
  ) {
    this.#dechunk = chunked ? new ChunkedParser("response") : null;
    this.#algo = algo;
    this.#level = level;
    this.#counters = counters;
    this.#io = io;
  }

  /** end() was called: the encoder's tail is on its way (or out, see finished). */
  get ending(): boolean {
    return this.#ending;
  }

  /** The last chunk was written. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Body bytes from the server, as they came (chunked framing included). */
  write(body: Uint8Array): void {
    if (this.#ending) return;
    if (this.#dechunk === null) this.#encode(body);
    else this.#dechunk.feed(body, this.#take);
  }

  #encode(body: Uint8Array): void {
    if (body.length === 0) return;
    this.#counters.compIn += body.length;
    if (!this.#encoder().write(body) && !this.#serverBlocked) {
      this.#serverBlocked = true;
      this.#io.server()?.pause();
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      this.#enc?.flush();
    }, FLUSH_DELAY_MS);
  }

  /** The body is complete: `onFinished` runs once the encoder's tail and the last chunk are written. */
  end(onFinished: () => void): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#onFinished = onFinished;
    this.#stopFlushing();
    this.#encoder().end();
  }

  /** The client's socket drained. */
  clientDrained(): void {
    if (this.#clientBlocked) {
      this.#clientBlocked = false;
      this.#enc?.resume();
    }
    // the head's write may have paused the server too; the encoder's backlog decides now
    if (!this.#serverBlocked) this.#io.server()?.resume();
  }

  /** Stops and frees the encoder; nothing is written afterwards. */
  destroy(): void {
    this.#stopFlushing();
    this.#onFinished = null;
    this.#enc?.destroy();
  }

  #encoder(): Encoder {
    if (this.#enc !== null) return this.#enc;
    const enc = createEncoder(this.#algo, { level: this.#level }, (c) => this.#output(c));
    enc.onDrain = () => {
      this.#serverBlocked = false;
      if (!this.#clientBlocked) this.#io.server()?.resume();
    };
    enc.onEnd = () => {
      this.#finished = true;
      this.#io.write(LAST_CHUNK);
      const done = this.#onFinished;
      this.#onFinished = null;
      done?.();
    };
    enc.onError = (err) => {
      this.#stopFlushing();
      this.#io.failed(err);
    };
    return this.#enc = enc;
  }

  #output(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#counters.compOut += chunk.length;
    if (!this.#io.write(serializeChunk(chunk)) && !this.#clientBlocked) {
      this.#clientBlocked = true;
      this.#enc?.pause();
    }
  }

  #stopFlushing(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }
}
