/** A frontend's last rejected request, bytes and error position, kept for `show errors` (HAProxy's error capture). */

/** One captured request HAProxy's way: where it came from, when, its bytes and where parsing failed. */
export interface ErrorCapture {
  readonly frontend: string;
  readonly at: number;
  readonly src: string;
  /** The request head as received (at most `MAX_BYTES`). */
  readonly bytes: Uint8Array;
  /** Offset of the first invalid byte in `bytes`, or -1 when unknown. */
  readonly position: number;
  readonly reason: string;
}

/** Bytes kept of a rejected request (HAProxy keeps a buffer's worth; 4 KiB is enough to read). */
export const MAX_BYTES = 4096;

/**
 * A frontend's last rejected request (HAProxy keeps one per proxy and direction), replaced by the
 * next; bounded to `MAX_BYTES`. Recording happens only on a rejection: nothing per good request.
 */
export class ErrorCaptures {
  readonly frontend: string;
  last: ErrorCapture | null = null;
  /** Errors seen since start (HAProxy's "Total events captured"). */
  total = 0;

  constructor(frontend: string) {
    this.frontend = frontend;
  }

  record(src: string, raw: Uint8Array, reason: string): void {
    this.total++;
    const bytes = raw.slice(0, MAX_BYTES);
    const frontend = this.frontend;
    this.last = { frontend, at: Date.now(), src, bytes, position: firstInvalid(bytes), reason };
  }
}

/** Where a head goes wrong, as far as bytes show: the first control byte other than CR, LF, HT; else -1. */
function firstInvalid(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x0d && b !== 0x0a && b !== 0x09) || b === 0x7f) return i;
  }
  return -1;
}
