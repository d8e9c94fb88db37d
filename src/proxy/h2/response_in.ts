/** An HTTP/2 server's response as HTTP/1.1 bytes for the transaction's response side: a head with framing, chunks, a trailer section. */
import { statusReason } from "../../http1/reasons.ts";
import { encodeLatin1, LAST_CHUNK, serializeChunk } from "../../http1/serialize.ts";
import type { HeaderField } from "../../http1/types.ts";

const NOTHING = new Uint8Array(0);

/**
 * Frames one response: a final head without content-length and with a body to come gets
 * `transfer-encoding: chunked`, each DATA becomes a chunk and END_STREAM or the trailers the last
 * chunk; with content-length, DATA pass as they are (trailers then have no place in HTTP/1.1 and
 * are dropped). A head with END_STREAM says `content-length: 0` unless the response has no body
 * by its status or method.
 */
export class ResponseIn {
  #chunked = false;
  #bodiless = false;

  /** The head's bytes; `headRequest`: the request was HEAD (no body whatever the fields say). */
  head(status: number, fields: readonly HeaderField[], endStream: boolean, headRequest: boolean) {
    let text = `HTTP/1.1 ${status} ${statusReason(status)}\r\n`;
    let length = false;
    for (const f of fields) {
      text += `${f.name}: ${f.value}\r\n`;
      if (f.lname === "content-length") length = true;
    }
    if (status >= 200) {
      this.#bodiless = headRequest || status === 204 || status === 304;
      if (!this.#bodiless && !length) {
        if (endStream) text += "content-length: 0\r\n";
        else {
          text += "transfer-encoding: chunked\r\n";
          this.#chunked = true;
        }
      }
    }
    return encodeLatin1(text + "\r\n");
  }

  /** A DATA frame's bytes (a view, valid during the call: the result may be that view). */
  data(data: Uint8Array, endStream: boolean): Uint8Array {
    if (this.#bodiless) return NOTHING;
    if (!this.#chunked) return data;
    if (data.length === 0) return endStream ? LAST_CHUNK : NOTHING;
    const chunk = serializeChunk(data);
    if (!endStream) return chunk;
    const out = new Uint8Array(chunk.length + LAST_CHUNK.length);
    out.set(chunk);
    out.set(LAST_CHUNK, chunk.length);
    return out;
  }

  /** A trailer section: the last chunk carrying it (dropped without chunked framing). */
  trailers(fields: readonly HeaderField[]): Uint8Array {
    if (!this.#chunked || this.#bodiless) return NOTHING;
    let text = "0\r\n";
    for (const f of fields) text += `${f.name}: ${f.value}\r\n`;
    return encodeLatin1(text + "\r\n");
  }
}
