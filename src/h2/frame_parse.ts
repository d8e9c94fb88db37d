/** Payload readers of each HTTP/2 frame type, with the checks of RFC 9113 §6 mapped to their error codes. */
import { H2_ERROR, H2ConnectionError, H2StreamError } from "./errors.ts";
import {
  FLAG,
  FRAME,
  MAX_MAX_FRAME_SIZE,
  MAX_WINDOW,
  MIN_MAX_FRAME_SIZE,
  type RawFrame,
  SETTING,
  type Setting,
} from "./frame.ts";
import type { PrioritySpec } from "./frame_writer.ts";

const NAMES = [
  "DATA",
  "HEADERS",
  "PRIORITY",
  "RST_STREAM",
  "SETTINGS",
  "PUSH_PROMISE",
  "PING",
  "GOAWAY",
  "WINDOW_UPDATE",
  "CONTINUATION",
];

/** "HEADERS", or "frame type 0x.." for types §6 does not define. */
export function frameName(type: number): string {
  return NAMES[type] ?? `frame type 0x${type.toString(16)}`;
}

function protocol(message: string): H2ConnectionError {
  return new H2ConnectionError(H2_ERROR.PROTOCOL_ERROR, message);
}

function frameSize(f: RawFrame, want: string): H2ConnectionError {
  return new H2ConnectionError(
    H2_ERROR.FRAME_SIZE_ERROR,
    `${frameName(f.type)} payload of ${f.payload.length} bytes, must be ${want}`,
  );
}

/**
 * Checks the stream identifier against the frame type (§6): stream frames on stream 0 and
 * connection frames (SETTINGS, PING, GOAWAY) on a stream are PROTOCOL_ERROR.
 */
export function checkStreamId(f: RawFrame): void {
  switch (f.type) {
    case FRAME.SETTINGS:
    case FRAME.PING:
    case FRAME.GOAWAY:
      if (f.streamId !== 0) throw protocol(`${frameName(f.type)} on stream ${f.streamId}`);
      return;
    case FRAME.WINDOW_UPDATE:
      return;
    default:
      if (f.type <= FRAME.CONTINUATION && f.streamId === 0) {
        throw protocol(`${frameName(f.type)} on stream 0`);
      }
  }
}

/** Bytes of padding declared by a PADDED frame plus its length byte (0 when not padded), checked against `room`. */
function padding(f: RawFrame, room: number): number {
  if ((f.flags & FLAG.PADDED) === 0) return 0;
  if (f.payload.length < 1) throw frameSize(f, "at least 1 with PADDED");
  const pad = f.payload[0]!;
  if (pad >= room) {
    throw protocol(
      `${frameName(f.type)} padding of ${pad} bytes fills the ${f.payload.length}-byte payload`,
    );
  }
  return pad + 1;
}

/** DATA's content without the padding (§6.1); the whole payload length counts for flow control. */
export function dataContent(f: RawFrame): Uint8Array {
  const pad = padding(f, f.payload.length);
  if (pad === 0) return f.payload;
  return f.payload.subarray(1, f.payload.length - (pad - 1));
}

/** HEADERS' field block fragment and priority (§6.2); a stream depending on itself is a stream PROTOCOL_ERROR. */
export function headersContent(
  f: RawFrame,
): { fragment: Uint8Array; priority: PrioritySpec | null } {
  const prio = (f.flags & FLAG.PRIORITY) !== 0 ? 5 : 0;
  const padded = (f.flags & FLAG.PADDED) !== 0 ? 1 : 0;
  if (f.payload.length < padded + prio) throw frameSize(f, `at least ${padded + prio}`);
  const pad = padding(f, f.payload.length - prio);
  const start = padded + prio;
  const end = f.payload.length - (pad > 0 ? pad - 1 : 0);
  const priority = prio ? readPriority(f.payload.subarray(padded, padded + 5)) : null;
  // no padding nor priority (the usual HEADERS): the payload is the fragment, no view is made
  const whole = start === 0 && end === f.payload.length;
  return { fragment: whole ? f.payload : f.payload.subarray(start, end), priority };
}

function readPriority(b: Uint8Array): PrioritySpec {
  const dependsOn = ((b[0]! & 0x7f) * 0x1000000) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  return { dependsOn, exclusive: (b[0]! & 0x80) !== 0, weight: b[4]! + 1 };
}

/** PRIORITY (§6.3): 5 bytes, else a stream FRAME_SIZE_ERROR. */
export function parsePriority(f: RawFrame): PrioritySpec {
  if (f.payload.length !== 5) {
    throw new H2StreamError(
      f.streamId,
      H2_ERROR.FRAME_SIZE_ERROR,
      `PRIORITY payload of ${f.payload.length} bytes, must be 5`,
    );
  }
  const p = readPriority(f.payload);
  if (p.dependsOn === f.streamId) {
    throw new H2StreamError(f.streamId, H2_ERROR.PROTOCOL_ERROR, "stream depends on itself");
  }
  return p;
}

function uint32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** RST_STREAM's error code (§6.4): 4 bytes. */
export function parseRstStream(f: RawFrame): number {
  if (f.payload.length !== 4) throw frameSize(f, "4");
  return uint32(f.payload, 0);
}

/**
 * SETTINGS' entries (§6.5), values checked (§6.5.2): ENABLE_PUSH 0 or 1, INITIAL_WINDOW_SIZE at
 * most 2^31-1 (FLOW_CONTROL_ERROR), MAX_FRAME_SIZE within 2^14..2^24-1. Unknown identifiers are
 * kept for the caller to ignore. An ACK must be empty.
 */
export function parseSettings(f: RawFrame): Setting[] {
  if (f.flags & FLAG.ACK) {
    if (f.payload.length !== 0) throw frameSize(f, "0 on an ACK");
    return [];
  }
  if (f.payload.length % 6 !== 0) throw frameSize(f, "a multiple of 6");
  const out: Setting[] = [];
  for (let o = 0; o < f.payload.length; o += 6) {
    const id = (f.payload[o]! << 8) | f.payload[o + 1]!;
    const value = uint32(f.payload, o + 2);
    if (id === SETTING.ENABLE_PUSH && value > 1) {
      throw protocol(`SETTINGS_ENABLE_PUSH ${value}, must be 0 or 1`);
    }
    if (id === SETTING.INITIAL_WINDOW_SIZE && value > MAX_WINDOW) {
      throw new H2ConnectionError(
        H2_ERROR.FLOW_CONTROL_ERROR,
        `SETTINGS_INITIAL_WINDOW_SIZE ${value} over 2^31-1`,
      );
    }
    if (
      id === SETTING.MAX_FRAME_SIZE && (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE)
    ) {
      throw protocol(`SETTINGS_MAX_FRAME_SIZE ${value} outside 16384..16777215`);
    }
    out.push({ id, value });
  }
  return out;
}

/** PING's 8 opaque bytes (§6.7). */
export function parsePing(f: RawFrame): Uint8Array {
  if (f.payload.length !== 8) throw frameSize(f, "8");
  return f.payload;
}

/** GOAWAY's fields (§6.8): at least 8 bytes. */
export function parseGoaway(f: RawFrame): { lastStreamId: number; code: number; debug: string } {
  if (f.payload.length < 8) throw frameSize(f, "at least 8");
  let debug = "";
  for (let i = 8; i < Math.min(f.payload.length, 264); i++) {
    debug += String.fromCharCode(f.payload[i]!);
  }
  return { lastStreamId: uint32(f.payload, 0) & 0x7fffffff, code: uint32(f.payload, 4), debug };
}

/** WINDOW_UPDATE's increment (§6.9): 4 bytes; 0 is PROTOCOL_ERROR, of the stream or the connection. */
export function parseWindowUpdate(f: RawFrame): number {
  if (f.payload.length !== 4) throw frameSize(f, "4");
  const inc = uint32(f.payload, 0) & 0x7fffffff;
  if (inc === 0) {
    if (f.streamId === 0) throw protocol("WINDOW_UPDATE with increment 0 on the connection");
    throw new H2StreamError(f.streamId, H2_ERROR.PROTOCOL_ERROR, "WINDOW_UPDATE with increment 0");
  }
  return inc;
}
