/** The limits an HTTP/2 connection enforces (HAProxy's tune.h2.*), as a plan object with defaults. */

/** What one connection accepts; built by the plan, read by H2Connection. */
export interface H2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS we announce; a stream over it is refused (REFUSED_STREAM). */
  maxConcurrentStreams: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE we announce and enforce on decoded field sections (§4.1 sizes). */
  maxHeaderListSize: number;
  /** SETTINGS_MAX_FRAME_SIZE we announce: the largest frame payload read. */
  maxFrameSize: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE we announce for each stream's receive window. */
  initialWindowSize: number;
  /** Receive window of the whole connection (raised from 65535 by a WINDOW_UPDATE at start). */
  connectionWindowSize: number;
  /** SETTINGS_HEADER_TABLE_SIZE we announce: the peer's encoder table may not grow past it. */
  headerTableSize: number;
  /** Glitches tolerated before GOAWAY ENHANCE_YOUR_CALM (HAProxy's glitches-threshold); 0: no limit. */
  glitchesThreshold: number;
  /** PING/SETTINGS acknowledgements queued and not yet taken by the writer before the peer is cut off. */
  maxQueuedControlFrames: number;
  /** CONTINUATION frames one field block may use (CVE-2024-27316). */
  maxContinuationFrames: number;
}

/** Defaults close to HAProxy's (tune.h2.max-concurrent-streams 100, tune.h2.initial-window-size 65535). */
export const DEFAULT_H2_LIMITS: Readonly<H2Limits> = {
  maxConcurrentStreams: 100,
  maxHeaderListSize: 65536,
  maxFrameSize: 16384,
  initialWindowSize: 65535,
  connectionWindowSize: 1048576,
  headerTableSize: 4096,
  glitchesThreshold: 1000,
  maxQueuedControlFrames: 1000,
  maxContinuationFrames: 64,
};
