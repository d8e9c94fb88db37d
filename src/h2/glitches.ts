/** Counts of a peer's suspicious but legal behaviour on one HTTP/2 connection (HAProxy's "glitches"). */

/** The kinds counted, each tied to a known abuse. */
export type GlitchKind =
  /** A stream reset by the client before any response (CVE-2023-44487, rapid reset). */
  | "rapidReset"
  /** An empty CONTINUATION, or a field block over the frame count (CVE-2024-27316). */
  | "continuationFlood"
  /** An empty DATA frame without END_STREAM. */
  | "emptyData"
  /** PINGs or SETTINGS faster than their acknowledgements are written. */
  | "controlFlood"
  /** A field section over maxHeaderListSize (an HPACK bomb, or just too large). */
  | "headerListTooLarge"
  /** A stream ended by our RST_STREAM for a protocol error. */
  | "streamError";

/** Per-kind counts and their total; the connection compares the total with its threshold. */
export class H2Glitches {
  rapidReset = 0;
  continuationFlood = 0;
  emptyData = 0;
  controlFlood = 0;
  headerListTooLarge = 0;
  streamError = 0;
  total = 0;

  /** Counts one glitch of `kind`; returns the new total. */
  count(kind: GlitchKind): number {
    this[kind]++;
    return ++this.total;
  }
}
