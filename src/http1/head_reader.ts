/** HeadReader: gathers one HTTP/1 head across arbitrary chunk boundaries, enforcing size limits early. */
import { CR, LF } from "./_chars.ts";
import type { HeadLimits, Rejection } from "./types.ts";

/** What one `push` found: more bytes needed, a complete head (and what followed it), or a refusal. */
export type HeadStep =
  | { state: "more" }
  | { state: "head"; head: Uint8Array; rest: Uint8Array }
  | { state: "error"; rejection: Rejection };

const MORE: HeadStep = { state: "more" };
/** The bytes after a head when there are none (shared: an empty view cannot be written). */
const NOTHING = new Uint8Array(0);

/**
 * Accumulates the head of one message: the start line through the empty line.
 *
 * Empty lines (CRLF) before the start line are skipped (RFC 9112 §2.2 asks for at least one; some
 * clients send one after a POST body), as many as fit in `maxHead` bytes, the head-size budget:
 * HAProxy likewise skips them until its buffer is full. More is refused with 400. They are not
 * buffered, and the session's http-request timer runs from their first byte.
 *
 * Line endings must be CRLF. A bare LF anywhere in the head is refused with 400 "bare LF in head"
 * (502 for responses) as soon as it is seen. RFC 9112 §2.2 lets a recipient accept a lone LF, and
 * HAProxy does, but a proxy that accepts what its servers may read differently invites smuggling;
 * tsproxy only forwards heads that every conforming parser reads the same way. Bare CR is refused
 * later by the parser (a CR inside a line is a control character).
 *
 * Only new bytes are scanned on each push (`indexOf(LF)` over the new chunk). Bytes of an
 * incomplete head are copied into an internal buffer, so callers may reuse their read buffers; a
 * head that arrives in one chunk is returned as a subarray of it, with no copy.
 *
 * @example
 * ```ts
 * const r = new HeadReader(DEFAULT_LIMITS);
 * const step = r.push(encodeLatin1("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
 * if (step.state === "head") parseRequestHead(step.head, DEFAULT_LIMITS);
 * ```
 */
export class HeadReader {
  #limits: HeadLimits;
  #kind: "request" | "response";
  /** Bytes of an incomplete head held since earlier pushes (only `#len` of them are used). */
  #buf: Uint8Array | null = null;
  #len = 0;
  /** Offset (within the head) where the current line starts; 0 while in the start line. */
  #lineStart = 0;
  #inStartLine = true;
  /** Still skipping empty lines before the start line (`#skipped` of them); `#pendingCR`: a CR seen there. */
  #skipping = true;
  #pendingCR = false;
  #skipped = 0;
  #error: HeadStep | null = null;

  constructor(limits: HeadLimits, kind: "request" | "response" = "request") {
    this.#limits = limits;
    this.#kind = kind;
  }

  /** Bytes held of a head in progress (0 when idle between messages). */
  get buffered(): number {
    return this.#len;
  }

  /** Forgets any partial head and error, ready for a new message. */
  reset(): void {
    this.#buf = null;
    this.#len = 0;
    this.#lineStart = 0;
    this.#inStartLine = true;
    this.#skipping = true;
    this.#pendingCR = false;
    this.#skipped = 0;
    this.#error = null;
  }

  /** Adds received bytes; returns the head when its empty line has arrived. */
  push(chunk: Uint8Array): HeadStep {
    if (this.#error) return this.#error;
    let c = chunk;
    if (this.#skipping) {
      const start = this.#skipEmptyLines(c);
      if (start < 0) return this.#error!;
      if (this.#skipping) return MORE;
      if (start > 0) c = c.subarray(start);
    }
    const base = this.#len;
    const end = this.#scan(c, base);
    if (end < 0) return this.#error!;
    if (end === 0) {
      this.#append(c);
      return MORE;
    }
    const local = end - base;
    let head: Uint8Array;
    if (base === 0) {
      head = local === c.length ? c : c.subarray(0, local);
    } else {
      this.#append(local === c.length ? c : c.subarray(0, local));
      head = this.#buf!.subarray(0, end);
    }
    // the usual case, a chunk holding exactly one head, allocates no views
    const rest = local === c.length ? NOTHING : c.subarray(local);
    this.reset();
    return { state: "head", head, rest };
  }

  /** Skips CRLF pairs before the start line; returns where the start line begins, or -1. */
  #skipEmptyLines(c: Uint8Array): number {
    let i = 0;
    while (i < c.length) {
      const b = c[i]!;
      if (this.#pendingCR) {
        if (b !== LF) return this.#fail(400, "bare CR before start line");
        this.#pendingCR = false;
        if (++this.#skipped * 2 > this.#limits.maxHead) {
          return this.#fail(400, "too many empty lines before start line");
        }
      } else if (b === CR) {
        this.#pendingCR = true;
      } else if (b === LF) {
        return this.#fail(400, "bare LF in head");
      } else {
        this.#skipping = false;
        return i;
      }
      i++;
    }
    return i;
  }

  /**
   * Scans chunk `c`, which starts at head offset `base`, for line ends. Returns the head length when
   * the empty line is found, 0 when more is needed, -1 on error. Checks run in byte order, so the
   * verdict does not depend on how the bytes were split.
   */
  #scan(c: Uint8Array, base: number): number {
    const { maxRequestLine, maxHead } = this.#limits;
    let from = 0;
    for (;;) {
      const j = c.indexOf(LF, from);
      if (j < 0) break;
      const at = base + j;
      const prev = j > 0 ? c[j - 1] : this.#buf![base - 1];
      const content = at - this.#lineStart - (prev === CR ? 1 : 0);
      if (this.#inStartLine && content > maxRequestLine) return this.#tooLongLine();
      if (at + 1 > maxHead) return this.#tooLargeHead();
      if (prev !== CR) return this.#fail(400, "bare LF in head");
      if (!this.#inStartLine && content === 0) return at + 1;
      this.#inStartLine = false;
      this.#lineStart = at + 1;
      from = j + 1;
    }
    const total = base + c.length;
    if (this.#inStartLine) {
      const last = c.length > 0 ? c[c.length - 1] : this.#buf?.[base - 1];
      if (total - (last === CR ? 1 : 0) > maxRequestLine) return this.#tooLongLine();
    }
    if (total > maxHead) return this.#tooLargeHead();
    return 0;
  }

  #tooLongLine(): number {
    return this.#kind === "request"
      ? this.#fail(414, "request line too long")
      : this.#fail(502, "status line too long");
  }

  #tooLargeHead(): number {
    return this.#kind === "request"
      ? this.#fail(431, "request head too large")
      : this.#fail(502, "response head too large");
  }

  /** Records a refusal (status becomes 502 for a response reader); always returns -1. */
  #fail(status: 400 | 414 | 431 | 502, reason: string): number {
    const s = this.#kind === "response" ? 502 : status;
    this.#error = { state: "error", rejection: { status: s, reason } };
    return -1;
  }

  /** Copies `c` after the held bytes, growing the buffer by doubling (bounded by maxHead). */
  #append(c: Uint8Array): void {
    if (c.length === 0) return;
    const need = this.#len + c.length;
    if (!this.#buf || this.#buf.length < need) {
      let size = this.#buf ? this.#buf.length * 2 : 1024;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      if (this.#buf) grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(c, this.#len);
    this.#len = need;
  }
}
