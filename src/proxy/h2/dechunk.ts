/** Chunked framing off a response body already validated (by the transaction's body meter): the data runs and the trailer fields. */
import type { HeaderField } from "../../http1/types.ts";

const SIZE = 0, SIZE_REST = 1, DATA = 2, DATA_END = 3, TRAILER = 4, DONE = 5;

/**
 * Undoes chunked framing for an HTTP/2 stream: `feed` calls `onData` with each run of chunk data
 * (views of the input); the trailer section is gathered into `trailers`. The bytes were checked by
 * `ChunkedParser` before, so this reads them without checking again.
 */
export class Dechunker {
  #state = SIZE;
  #size = 0;
  #line = "";
  /** Trailer fields, once the last chunk's section was read. */
  readonly trailers: HeaderField[] = [];

  /** True once the last chunk and its trailer section were read. */
  get done(): boolean {
    return this.#state === DONE;
  }

  feed(buf: Uint8Array, onData: (data: Uint8Array) => void): void {
    let i = 0;
    const n = buf.length;
    while (i < n && this.#state !== DONE) {
      const c = buf[i]!;
      switch (this.#state) {
        case SIZE:
          if (c === 0x0a) this.#endSizeLine();
          else if (c === 0x3b || c === 0x0d) this.#state = SIZE_REST;
          else this.#size = this.#size * 16 + hexValue(c);
          i++;
          break;
        case SIZE_REST: // extensions and the CR: skipped up to the LF
          if (c === 0x0a) this.#endSizeLine();
          i++;
          break;
        case DATA: {
          const k = Math.min(this.#size, n - i);
          onData(buf.subarray(i, i + k));
          i += k;
          this.#size -= k;
          if (this.#size === 0) this.#state = DATA_END;
          break;
        }
        case DATA_END: // CRLF after the data
          if (c === 0x0a) this.#state = SIZE;
          i++;
          break;
        case TRAILER:
          i++;
          if (c === 0x0d) break;
          if (c !== 0x0a) {
            this.#line += String.fromCharCode(c);
            break;
          }
          if (this.#line === "") this.#state = DONE;
          else this.#trailer(this.#line);
          this.#line = "";
          break;
      }
    }
  }

  #endSizeLine(): void {
    this.#state = this.#size === 0 ? TRAILER : DATA;
  }

  #trailer(line: string): void {
    const colon = line.indexOf(":");
    if (colon <= 0) return;
    const name = line.slice(0, colon);
    this.trailers.push({ name, lname: name.toLowerCase(), value: line.slice(colon + 1).trim() });
  }
}

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}
