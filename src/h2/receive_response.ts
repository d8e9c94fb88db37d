/** Client role: a complete field block on one of our streams, as a response head (interim or final) or its trailers (RFC 9113 §8.1). */
import type { HeaderField } from "../http1/types.ts";
import type { H2ConnectionBase } from "./connection_base.ts";
import { H2_ERROR, H2ConnectionError, H2StreamError } from "./errors.ts";
import { checkRegular, checkTrailers } from "./request_check.ts";
import { nextState, peerMaySend } from "./stream_state.ts";

function malformed(streamId: number, message: string): H2StreamError {
  return new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, `malformed response: ${message}`);
}

/** A response's status and regular fields, checked: `:status` first, alone and three digits. */
export function checkResponse(
  streamId: number,
  fields: readonly HeaderField[],
): { status: number; headers: HeaderField[]; contentLength: number } {
  let status = -1, contentLength = -1;
  const headers: HeaderField[] = [];
  for (const f of fields) {
    if (f.name.charCodeAt(0) === 0x3a) {
      if (headers.length > 0) throw malformed(streamId, `"${f.name}" after a regular field`);
      if (f.name !== ":status") throw malformed(streamId, `pseudo-header "${f.name}"`);
      if (status >= 0) throw malformed(streamId, "duplicate :status");
      if (!/^[1-9][0-9]{2}$/.test(f.value)) {
        throw malformed(streamId, `invalid :status "${f.value}"`);
      }
      status = Number(f.value);
      continue;
    }
    const cl = checkRegular(streamId, f, "response");
    if (cl >= 0) {
      if (contentLength >= 0 && cl !== contentLength) {
        throw malformed(streamId, "differing content-length values");
      }
      contentLength = cl;
    }
    headers.push(f);
  }
  if (status < 0) throw malformed(streamId, "missing :status");
  return { status, headers, contentLength };
}

/**
 * Handles a block the server sent on `streamId`. The block is decoded first (the HPACK table must
 * stay in step). On a stream we never opened: PROTOCOL_ERROR (connection); on one we closed:
 * STREAM_CLOSED. Before the final head: an interim (1xx, never with END_STREAM) or the final head;
 * after it: trailers, which must end the stream.
 */
export function onResponseBlock(
  c: H2ConnectionBase,
  streamId: number,
  block: Uint8Array,
  endStream: boolean,
): void {
  const decoded = c.decoder.decode(block);
  const s = c.streams.open.get(streamId);
  if (!s) {
    if (c.streams.classify(streamId) === "idle") {
      throw new H2ConnectionError(
        H2_ERROR.PROTOCOL_ERROR,
        `HEADERS on stream ${streamId}, which we never opened`,
      );
    }
    throw new H2StreamError(streamId, H2_ERROR.STREAM_CLOSED, "HEADERS on a closed stream");
  }
  if (!peerMaySend(s.state)) {
    throw new H2StreamError(streamId, H2_ERROR.STREAM_CLOSED, "HEADERS after the server ended");
  }
  if (decoded.tooLarge) {
    c.glitch("headerListTooLarge");
    throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "response over maxHeaderListSize");
  }
  if (s.responded) {
    if (!endStream) {
      throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "trailers without END_STREAM");
    }
    checkTrailers(streamId, decoded.headers, "response");
    s.state = nextState(s.state, "recv-end-stream")!;
    c.onEvent({ type: "trailers", streamId, headers: decoded.headers });
    c.settle(s);
    return;
  }
  const r = checkResponse(streamId, decoded.headers);
  if (r.status < 200) {
    if (endStream) throw malformed(streamId, `interim ${r.status} with END_STREAM`);
  } else {
    s.responded = true;
    const bodiless = s.headRequest || r.status === 204 || r.status === 304;
    if (!bodiless) s.contentLength = r.contentLength;
    if (endStream && s.contentLength > 0) {
      throw malformed(streamId, `no body for content-length ${s.contentLength}`);
    }
  }
  s.state = nextState(s.state, "recv-headers") ?? s.state;
  if (endStream) s.state = nextState(s.state, "recv-end-stream")!;
  c.onEvent({ type: "response", streamId, status: r.status, headers: r.headers, endStream });
  c.settle(s);
}
