/** HTTP/2 error codes (RFC 9113 §7) and the two error kinds of §5.4: connection errors and stream errors. */

/** Error codes carried by RST_STREAM and GOAWAY. */
export const H2_ERROR = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

export type H2ErrorName = keyof typeof H2_ERROR;
export type H2ErrorCode = (typeof H2_ERROR)[H2ErrorName];

const NAMES = new Map<number, string>(Object.entries(H2_ERROR).map(([k, v]) => [v, k]));

/** The name of an error code ("PROTOCOL_ERROR"), or "UNKNOWN(0x..)" for codes outside §7. */
export function errorName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN(0x${code.toString(16)})`;
}

/** A connection error (§5.4.1): the connection sends GOAWAY with `code` and closes. */
export class H2ConnectionError extends Error {
  readonly code: H2ErrorCode;
  /** What went wrong, without the code (the GOAWAY's debug data and the log line add it once). */
  readonly reason: string;
  constructor(code: H2ErrorCode, reason: string) {
    super(`HTTP/2 connection error ${errorName(code)}: ${reason}`);
    this.name = "H2ConnectionError";
    this.code = code;
    this.reason = reason;
  }
}

/** A stream error (§5.4.2): the stream gets RST_STREAM with `code`; the connection goes on. */
export class H2StreamError extends Error {
  readonly code: H2ErrorCode;
  readonly streamId: number;
  constructor(streamId: number, code: H2ErrorCode, message: string) {
    super(`HTTP/2 stream ${streamId} error ${errorName(code)}: ${message}`);
    this.name = "H2StreamError";
    this.code = code;
    this.streamId = streamId;
  }
}

/** An HPACK decoding failure (RFC 7541): always a connection error COMPRESSION_ERROR. */
export class HpackError extends Error {
  constructor(message: string) {
    super(`HPACK: ${message}`);
    this.name = "HpackError";
  }
}
