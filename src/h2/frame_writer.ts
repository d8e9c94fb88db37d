/** HTTP/2 frame writer (RFC 9113 §6): one function per frame type, each returning the frame's bytes. */
import { FLAG, FRAME, FRAME_HEADER_LENGTH, type Setting } from "./frame.ts";

/** Writes a 9-byte frame header at out[o]. */
export function writeFrameHeader(
  out: Uint8Array,
  o: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  out[o] = (length >>> 16) & 0xff;
  out[o + 1] = (length >>> 8) & 0xff;
  out[o + 2] = length & 0xff;
  out[o + 3] = type;
  out[o + 4] = flags;
  writeUint31(out, o + 5, streamId);
}

function writeUint31(out: Uint8Array, o: number, v: number): void {
  out[o] = (v >>> 24) & 0x7f;
  out[o + 1] = (v >>> 16) & 0xff;
  out[o + 2] = (v >>> 8) & 0xff;
  out[o + 3] = v & 0xff;
}

function writeUint32(out: Uint8Array, o: number, v: number): void {
  out[o] = (v >>> 24) & 0xff;
  out[o + 1] = (v >>> 16) & 0xff;
  out[o + 2] = (v >>> 8) & 0xff;
  out[o + 3] = v & 0xff;
}

/** A frame with `body` as its payload, padded with `padLength` zero bytes when given (§6.1). */
function padded(
  type: number,
  flags: number,
  streamId: number,
  prefix: Uint8Array | null,
  body: Uint8Array,
  padLength: number | undefined,
): Uint8Array {
  const pad = padLength === undefined ? 0 : 1 + padLength;
  const pre = prefix ? prefix.length : 0;
  const len = pad + pre + body.length;
  const out = new Uint8Array(FRAME_HEADER_LENGTH + len);
  writeFrameHeader(out, 0, len, type, flags | (pad ? FLAG.PADDED : 0), streamId);
  let o = FRAME_HEADER_LENGTH;
  if (pad) out[o++] = padLength!;
  if (prefix) {
    out.set(prefix, o);
    o += pre;
  }
  out.set(body, o);
  return out;
}

/** DATA (§6.1). */
export function encodeData(
  streamId: number,
  data: Uint8Array,
  endStream: boolean,
  padLength?: number,
): Uint8Array {
  return padded(FRAME.DATA, endStream ? FLAG.END_STREAM : 0, streamId, null, data, padLength);
}

/** A stream dependency (§5.3, deprecated by RFC 9113 but still on the wire). */
export interface PrioritySpec {
  dependsOn: number;
  exclusive: boolean;
  /** 1-256, sent as weight - 1. */
  weight: number;
}

function priorityBytes(p: PrioritySpec): Uint8Array {
  const b = new Uint8Array(5);
  writeUint31(b, 0, p.dependsOn);
  if (p.exclusive) b[0]! |= 0x80;
  b[4] = p.weight - 1;
  return b;
}

export interface HeadersOptions {
  endStream?: boolean;
  /** False leaves END_HEADERS off: CONTINUATION frames follow. Default true. */
  endHeaders?: boolean;
  padLength?: number;
  priority?: PrioritySpec;
}

/** HEADERS (§6.2) carrying `block` (or its first fragment). */
export function encodeHeaders(
  streamId: number,
  block: Uint8Array,
  o: HeadersOptions = {},
): Uint8Array {
  const flags = (o.endStream ? FLAG.END_STREAM : 0) |
    (o.endHeaders === false ? 0 : FLAG.END_HEADERS) |
    (o.priority ? FLAG.PRIORITY : 0);
  const prefix = o.priority ? priorityBytes(o.priority) : null;
  return padded(FRAME.HEADERS, flags, streamId, prefix, block, o.padLength);
}

/** CONTINUATION (§6.10). */
export function encodeContinuation(
  streamId: number,
  fragment: Uint8Array,
  endHeaders: boolean,
): Uint8Array {
  return padded(
    FRAME.CONTINUATION,
    endHeaders ? FLAG.END_HEADERS : 0,
    streamId,
    null,
    fragment,
    undefined,
  );
}

/** A header block as HEADERS then CONTINUATION frames, each payload at most `maxFrameSize`. */
export function encodeHeaderBlock(
  streamId: number,
  block: Uint8Array,
  endStream: boolean,
  maxFrameSize: number,
): Uint8Array[] {
  if (block.length <= maxFrameSize) return [encodeHeaders(streamId, block, { endStream })];
  const frames = [
    encodeHeaders(streamId, block.subarray(0, maxFrameSize), { endStream, endHeaders: false }),
  ];
  for (let o = maxFrameSize; o < block.length; o += maxFrameSize) {
    const end = Math.min(o + maxFrameSize, block.length);
    frames.push(encodeContinuation(streamId, block.subarray(o, end), end === block.length));
  }
  return frames;
}

/** PRIORITY (§6.3). */
export function encodePriority(streamId: number, p: PrioritySpec): Uint8Array {
  return padded(FRAME.PRIORITY, 0, streamId, null, priorityBytes(p), undefined);
}

function fixed(type: number, flags: number, streamId: number, length: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + length);
  writeFrameHeader(out, 0, length, type, flags, streamId);
  return out;
}

/** RST_STREAM (§6.4). */
export function encodeRstStream(streamId: number, code: number): Uint8Array {
  const out = fixed(FRAME.RST_STREAM, 0, streamId, 4);
  writeUint32(out, 9, code);
  return out;
}

/** SETTINGS (§6.5); with `ack`, the empty acknowledgement. */
export function encodeSettings(settings: readonly Setting[], ack = false): Uint8Array {
  const out = fixed(FRAME.SETTINGS, ack ? FLAG.ACK : 0, 0, ack ? 0 : settings.length * 6);
  if (ack) return out;
  settings.forEach((s, i) => {
    const o = 9 + i * 6;
    out[o] = s.id >>> 8;
    out[o + 1] = s.id & 0xff;
    writeUint32(out, o + 2, s.value);
  });
  return out;
}

/** PUSH_PROMISE (§6.6): only a server sends it, and tsproxy never does; here for tests and clients. */
export function encodePushPromise(
  streamId: number,
  promisedId: number,
  block: Uint8Array,
): Uint8Array {
  const id = new Uint8Array(4);
  writeUint31(id, 0, promisedId);
  return padded(FRAME.PUSH_PROMISE, FLAG.END_HEADERS, streamId, id, block, undefined);
}

/** PING (§6.7) with its 8 opaque bytes. */
export function encodePing(opaque: Uint8Array, ack = false): Uint8Array {
  const out = fixed(FRAME.PING, ack ? FLAG.ACK : 0, 0, 8);
  out.set(opaque.subarray(0, 8), 9);
  return out;
}

/** GOAWAY (§6.8): the last peer stream processed, an error code, optional debug text. */
export function encodeGoaway(lastStreamId: number, code: number, debug = ""): Uint8Array {
  const text = Uint8Array.from(debug.slice(0, 256), (c) => c.charCodeAt(0) & 0xff);
  const out = fixed(FRAME.GOAWAY, 0, 0, 8 + text.length);
  writeUint31(out, 9, lastStreamId);
  writeUint32(out, 13, code);
  out.set(text, 17);
  return out;
}

/** WINDOW_UPDATE (§6.9). */
export function encodeWindowUpdate(streamId: number, increment: number): Uint8Array {
  const out = fixed(FRAME.WINDOW_UPDATE, 0, streamId, 4);
  writeUint31(out, 9, increment);
  return out;
}

/** Any frame from its parts (for tests and unknown types). */
export function encodeFrame(
  type: number,
  flags: number,
  streamId: number,
  payload: Uint8Array,
): Uint8Array {
  const out = fixed(type, flags, streamId, payload.length);
  out.set(payload, 9);
  return out;
}
