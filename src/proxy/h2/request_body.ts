/** An HTTP/2 request's DATA toward its transaction: copied or framed as chunks for an HTTP/1.1 server, held (window credit kept) while paused. */
import { encodeLatin1 } from "../../http1/serialize.ts";
import type { HeaderField } from "../../http1/types.ts";

/** What the body feeds: the transaction's request side, and the credit to return to the client. */
export interface RequestBodySink {
  wantsRequestBytes(): boolean;
  onClientData(chunk: Uint8Array): void;
}

const EMPTY = new Uint8Array(0);
const LAST_CHUNK = encodeLatin1("0\r\n\r\n");
const CRLF = encodeLatin1("\r\n");

/**
 * DATA are handed over as they come and their flow-control credit returned then (`release`);
 * while the transaction pauses its client (its server is slow) or does not take bytes yet, they
 * wait here unreleased, so the client's stream window closes: the peer cannot send more than it.
 */
export class RequestBodyIn {
  /** The request has no content-length: its DATA go out as chunks, END_STREAM as the last one. */
  readonly chunked: boolean;
  readonly #release: (credit: number) => void;
  #sink: RequestBodySink | null = null;
  #paused = false;
  #held: { bytes: Uint8Array; credit: number }[] = [];

  constructor(chunked: boolean, release: (credit: number) => void) {
    this.chunked = chunked;
    this.#release = release;
  }

  /** The transaction exists: bytes flow to it from now. */
  attach(sink: RequestBodySink): void {
    this.#sink = sink;
  }

  /** One DATA frame's content (a view valid during the call). */
  data(data: Uint8Array, endStream: boolean): void {
    this.#take(this.chunked ? chunk(data, endStream) : data.slice(), data.length);
  }

  /** Trailers: the last chunk's trailer section (dropped when the body had a content-length). */
  trailers(fields: readonly HeaderField[]): void {
    if (!this.chunked) return;
    let s = "0\r\n";
    for (const f of fields) s += `${f.name}: ${f.value}\r\n`;
    this.#take(encodeLatin1(s + "\r\n"), 0);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const sink = this.#sink;
    while (this.#held.length > 0 && !this.#paused && sink !== null && sink.wantsRequestBytes()) {
      const { bytes, credit } = this.#held.shift()!;
      sink.onClientData(bytes);
      if (credit > 0) this.#release(credit);
    }
  }

  /** The stream is over: what is held is dropped. */
  clear(): void {
    this.#held = [];
    this.#sink = null;
  }

  #take(bytes: Uint8Array, credit: number): void {
    const sink = this.#sink;
    if (this.#paused || this.#held.length > 0 || sink === null || !sink.wantsRequestBytes()) {
      this.#held.push({ bytes, credit });
      return;
    }
    sink.onClientData(bytes);
    if (credit > 0) this.#release(credit);
  }
}

/** One DATA frame's bytes as a chunk (and the last chunk after them when the stream ended). */
function chunk(data: Uint8Array, end: boolean): Uint8Array {
  if (data.length === 0) return end ? LAST_CHUNK : EMPTY;
  const size = encodeLatin1(data.length.toString(16) + "\r\n");
  const out = new Uint8Array(size.length + data.length + 2 + (end ? LAST_CHUNK.length : 0));
  out.set(size, 0);
  out.set(data, size.length);
  out.set(CRLF, size.length + data.length);
  if (end) out.set(LAST_CHUNK, size.length + data.length + 2);
  return out;
}
