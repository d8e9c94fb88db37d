/** HTTP/2 frame vocabulary (RFC 9113 §4, §6): types, flags, settings identifiers, the preface, a raw frame. */

/** Frame types of §6. */
export const FRAME = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** Flag bits (each meaningful only on some types). */
export const FLAG = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** SETTINGS identifiers of §6.5.2. */
export const SETTING = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;

/** Frame header length in octets. */
export const FRAME_HEADER_LENGTH = 9;
/** SETTINGS_MAX_FRAME_SIZE bounds: its initial value, and the largest allowed. */
export const MIN_MAX_FRAME_SIZE = 16384;
export const MAX_MAX_FRAME_SIZE = 16777215;
/** Largest flow-control window (§6.9.1) and the initial one (§6.9.2). */
export const MAX_WINDOW = 0x7fffffff;
export const DEFAULT_WINDOW = 65535;

/** The client connection preface (§3.4): "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
export const CLIENT_PREFACE: Uint8Array = Uint8Array.from(
  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
  (c) => c.charCodeAt(0),
);

/** One frame as read: header fields and payload (padding included). */
export interface RawFrame {
  type: number;
  flags: number;
  streamId: number;
  /** The payload; a view into the chunk it came in when whole, else a copy. */
  payload: Uint8Array;
}

/** A setting as sent or received. */
export interface Setting {
  id: number;
  value: number;
}
