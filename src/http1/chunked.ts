/** ChunkedParser: finds where a chunked body ends as its raw bytes pass through, refusing bad framing. */
import {
  BACKSLASH,
  COLON,
  CR,
  DQUOTE,
  EQUALS,
  HEXVAL,
  HTAB,
  LF,
  SEMI,
  SP,
  TCHAR,
} from "./_chars.ts";
import type { Rejection } from "./types.ts";

/** Longest chunk-size line (size and extensions, CRLF excluded). */
export const MAX_CHUNK_SIZE_LINE = 4096;
/** Most hex digits in a chunk size (leading zeros included). */
export const MAX_CHUNK_SIZE_DIGITS = 16;

/** Parser states, in this order: the size-line states first, the trailer states last. */
const S_SIZE_START = 0;
const S_SIZE = 1;
const S_EXT_NAME_START = 2;
const S_EXT_NAME = 3;
const S_EXT_VALUE_START = 4;
const S_EXT_TOKEN = 5;
const S_EXT_QUOTED = 6;
const S_EXT_QUOTED_ESCAPE = 7;
const S_EXT_AFTER_QUOTE = 8;
const S_SIZE_LF = 9;
const S_DATA = 10;
const S_DATA_CR = 11;
const S_DATA_LF = 12;
const S_TRAILER_START = 13;
const S_TRAILER_NAME = 14;
const S_TRAILER_VALUE = 15;
const S_TRAILER_LF = 16;
const S_FINAL_LF = 17;
const S_DONE = 18;

/**
 * Validates a chunked body (RFC 9112 §7.1) incrementally; the caller forwards the raw bytes itself.
 *
 * Strict choices: no whitespace anywhere in a chunk-size line (RFC 9112's BWS around ";" and "="
 * included: it only exists for legacy senders, and HAProxy's and other parsers' differing
 * tolerance of it is a smuggling vector); extensions are `;name[=token|quoted-string]`; the line is
 * at most 4096 bytes; sizes have at most 16 hex digits and are at most 2^53-1; each chunk's data
 * must be followed by exactly CRLF; trailer fields follow the header-field rules (no obs-fold, a
 * token name right before ":", no controls but HTAB in values), at most `maxTrailers` bytes in all;
 * any bare LF or bare CR is refused. Feeding byte by byte gives the same result as all at once.
 *
 * @example
 * ```ts
 * const p = new ChunkedParser();
 * const n = p.feed(bytes); // a Rejection, or how many bytes belong to the body
 * if (typeof n === "number" && p.done) nextMessage(bytes.subarray(n));
 * ```
 */
export class ChunkedParser {
  #status: 400 | 502;
  #maxTrailers: number;
  #state = S_SIZE_START;
  #size = 0;
  #digits = 0;
  #lineLength = 0;
  #remaining = 0;
  #trailerBytes = 0;
  #dataLength = 0;
  #consumed = 0;
  #error: Rejection | null = null;

  constructor(kind: "request" | "response" = "request", maxTrailers = 16384) {
    this.#status = kind === "request" ? 400 : 502;
    this.#maxTrailers = maxTrailers;
  }

  /** True once the last chunk, the trailers and the final CRLF have been seen. */
  get done(): boolean {
    return this.#state === S_DONE;
  }

  /** Sum of the chunk data sizes seen so far (the decoded body length). */
  get dataLength(): number {
    return this.#dataLength;
  }

  /** Raw body bytes accepted so far (sizes, extensions, data, CRLFs and trailers). */
  get consumed(): number {
    return this.#consumed;
  }

  /**
   * How many bytes of `buf` belong to the body (fewer than all once done), or why it is refused.
   * `onData` gets each run of chunk data in `buf` (subarrays, in order), for a caller that decodes;
   * it sees data before the rest of `buf` is checked, so feed only bytes already validated.
   */
  feed(buf: Uint8Array, onData?: (data: Uint8Array) => void): number | Rejection {
    if (this.#error) return this.#error;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      const st = this.#state;
      if (st === S_DATA) {
        const k = Math.min(this.#remaining, n - i);
        if (onData !== undefined && k > 0) onData(buf.subarray(i, i + k));
        i += k;
        this.#remaining -= k;
        if (this.#remaining === 0) this.#state = S_DATA_CR;
        continue;
      }
      if (st === S_DONE) break;
      const why = this.#step(buf[i]!);
      if (why !== null) {
        this.#error = { status: this.#status, reason: why };
        return this.#error;
      }
      i++;
    }
    this.#consumed += i;
    return i;
  }

  /** Advances the state machine by one byte outside chunk data; returns why it is refused, or null. */
  #step(b: number): string | null {
    const st = this.#state;
    if (st <= S_EXT_AFTER_QUOTE) {
      if (b !== CR && ++this.#lineLength > MAX_CHUNK_SIZE_LINE) return "chunk size line too long";
      if (b === LF) return "bare LF in chunk size line";
    } else if (st >= S_TRAILER_START) {
      if (++this.#trailerBytes > this.#maxTrailers) return "trailers too large";
      if (b === LF && st !== S_TRAILER_LF && st !== S_FINAL_LF) return "bare LF in trailer";
    }
    switch (st) {
      case S_SIZE_START:
      case S_SIZE: {
        const d = HEXVAL[b]!;
        if (d >= 0) {
          if (++this.#digits > MAX_CHUNK_SIZE_DIGITS) return "chunk size overflow";
          if (this.#size > (Number.MAX_SAFE_INTEGER - d) / 16) return "chunk size overflow";
          this.#size = this.#size * 16 + d;
          this.#state = S_SIZE;
          return null;
        }
        if (b === SP || b === HTAB) return "whitespace in chunk size line";
        if (st === S_SIZE_START) return "invalid chunk size";
        if (b === SEMI) return this.#to(S_EXT_NAME_START);
        if (b === CR) return this.#to(S_SIZE_LF);
        return "invalid chunk size";
      }
      case S_EXT_NAME_START:
        return TCHAR[b] === 1 ? this.#to(S_EXT_NAME) : "invalid chunk extension";
      case S_EXT_NAME:
      case S_EXT_TOKEN:
        if (TCHAR[b] === 1) return null;
        if (b === EQUALS && st === S_EXT_NAME) return this.#to(S_EXT_VALUE_START);
        return this.#afterExtension(b);
      case S_EXT_VALUE_START:
        if (b === DQUOTE) return this.#to(S_EXT_QUOTED);
        return TCHAR[b] === 1 ? this.#to(S_EXT_TOKEN) : "invalid chunk extension";
      case S_EXT_QUOTED:
        if (b === DQUOTE) return this.#to(S_EXT_AFTER_QUOTE);
        if (b === BACKSLASH) return this.#to(S_EXT_QUOTED_ESCAPE);
        return isText(b) ? null : "invalid chunk extension";
      case S_EXT_QUOTED_ESCAPE:
        return isText(b) ? this.#to(S_EXT_QUOTED) : "invalid chunk extension";
      case S_EXT_AFTER_QUOTE:
        return this.#afterExtension(b);
      case S_SIZE_LF:
        if (b !== LF) return "bare CR in chunk size line";
        return this.#endSizeLine();
      case S_DATA_CR:
        return b === CR ? this.#to(S_DATA_LF) : "missing CRLF after chunk data";
      case S_DATA_LF:
        if (b !== LF) return "missing CRLF after chunk data";
        this.#size = 0;
        this.#digits = 0;
        this.#lineLength = 0;
        return this.#to(S_SIZE_START);
      case S_TRAILER_START:
        if (b === CR) return this.#to(S_FINAL_LF);
        if (b === SP || b === HTAB) return "obsolete line folding in trailer";
        if (b === COLON) return "empty trailer field name";
        return TCHAR[b] === 1 ? this.#to(S_TRAILER_NAME) : "invalid trailer field name";
      case S_TRAILER_NAME:
        if (TCHAR[b] === 1) return null;
        if (b === COLON) return this.#to(S_TRAILER_VALUE);
        return b === SP || b === HTAB
          ? "space before colon in trailer field name"
          : "invalid trailer field name";
      case S_TRAILER_VALUE:
        if (b === CR) return this.#to(S_TRAILER_LF);
        return (b < 0x20 && b !== HTAB) || b === 0x7f ? "control character in trailer value" : null;
      case S_TRAILER_LF:
        return b === LF ? this.#to(S_TRAILER_START) : "bare CR in trailer";
      case S_FINAL_LF:
        return b === LF ? this.#to(S_DONE) : "bare CR in trailer";
    }
    return "chunked parser in an unexpected state";
  }

  /** After an extension name or value: another extension, or the end of the size line. */
  #afterExtension(b: number): string | null {
    if (b === SEMI) return this.#to(S_EXT_NAME_START);
    if (b === CR) return this.#to(S_SIZE_LF);
    return b === SP || b === HTAB ? "whitespace in chunk size line" : "invalid chunk extension";
  }

  /** The size line is complete: chunk data follows, or the trailers after the last chunk. */
  #endSizeLine(): null {
    if (this.#size === 0) return this.#to(S_TRAILER_START);
    this.#remaining = this.#size;
    this.#dataLength += this.#size;
    return this.#to(S_DATA);
  }

  #to(s: number): null {
    this.#state = s;
    return null;
  }
}

/** qdtext / quoted-pair chars: HTAB, SP, VCHAR, obs-text (not DEL, not other controls). */
function isText(b: number): boolean {
  return b === HTAB || (b >= 0x20 && b !== 0x7f);
}
