/** A complete field block received on a stream: decode, then open a request or take its trailers (RFC 9113 §5.1, §8.1). */
import type { H2ConnectionBase } from "./connection_base.ts";
import { H2_ERROR, H2ConnectionError, H2StreamError } from "./errors.ts";
import { checkRequest, checkTrailers } from "./request_check.ts";
import { nextState, peerMaySend } from "./stream_state.ts";

/**
 * Handles the block of `streamId`. The block is decoded first, whatever happens to the stream:
 * the HPACK table must stay in step. A new stream must have an odd id above every earlier one
 * (PROTOCOL_ERROR; STREAM_CLOSED for a stream we just closed) and fit within
 * maxConcurrentStreams (REFUSED_STREAM); a section over maxHeaderListSize is answered 431 here.
 */
export function onFieldBlock(
  c: H2ConnectionBase,
  streamId: number,
  block: Uint8Array,
  endStream: boolean,
  selfDependent: boolean,
): void {
  const decoded = c.decoder.decode(block);
  const s = c.streams.open.get(streamId);
  if (s) {
    if (selfDependent) {
      throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "stream depends on itself");
    }
    if (!peerMaySend(s.state)) {
      throw new H2StreamError(
        streamId,
        H2_ERROR.STREAM_CLOSED,
        "HEADERS after the client ended the stream",
      );
    }
    if (!endStream) {
      throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "trailers without END_STREAM");
    }
    if (decoded.tooLarge) {
      c.glitch("headerListTooLarge");
      throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "trailers over maxHeaderListSize");
    }
    checkTrailers(streamId, decoded.headers);
    if (s.contentLength >= 0 && s.received !== s.contentLength) {
      throw new H2StreamError(
        streamId,
        H2_ERROR.PROTOCOL_ERROR,
        `${s.received} body bytes for content-length ${s.contentLength}`,
      );
    }
    s.state = nextState(s.state, "recv-end-stream")!;
    c.onEvent({ type: "trailers", streamId, headers: decoded.headers });
    c.settle(s);
    return;
  }
  const where = c.streams.classify(streamId);
  if (streamId % 2 === 0) {
    throw new H2ConnectionError(
      H2_ERROR.PROTOCOL_ERROR,
      `HEADERS on even stream ${streamId}: clients open odd streams`,
    );
  }
  if (where === "closed") {
    throw new H2ConnectionError(H2_ERROR.STREAM_CLOSED, `HEADERS on closed stream ${streamId}`);
  }
  if (where === "old") {
    throw new H2ConnectionError(
      H2_ERROR.PROTOCOL_ERROR,
      `HEADERS on stream ${streamId}, not above the last stream ${c.streams.lastPeerId}`,
    );
  }
  c.streams.lastPeerId = streamId;
  if (selfDependent) {
    throw new H2StreamError(streamId, H2_ERROR.PROTOCOL_ERROR, "stream depends on itself");
  }
  if (c.goingAway) {
    throw new H2StreamError(streamId, H2_ERROR.REFUSED_STREAM, "new stream after our GOAWAY");
  }
  if (c.streams.open.size >= c.limits.maxConcurrentStreams) {
    throw new H2StreamError(
      streamId,
      H2_ERROR.REFUSED_STREAM,
      `over ${c.limits.maxConcurrentStreams} concurrent streams`,
    );
  }
  const stream = c.openStream(streamId);
  stream.state = nextState(stream.state, "recv-headers")!;
  if (endStream) stream.state = nextState(stream.state, "recv-end-stream")!;
  if (decoded.tooLarge) {
    c.glitch("headerListTooLarge");
    const reason =
      `field section of ${decoded.size} bytes over maxHeaderListSize ${c.limits.maxHeaderListSize}`;
    c.respond(streamId, [{ name: ":status", value: "431" }], true);
    if (!endStream) c.reset(streamId, H2_ERROR.NO_ERROR);
    c.onEvent({ type: "refused", streamId, status: 431, reason });
    return;
  }
  const request = checkRequest(streamId, decoded.headers);
  if (endStream && request.contentLength > 0) {
    throw new H2StreamError(
      streamId,
      H2_ERROR.PROTOCOL_ERROR,
      `no body for content-length ${request.contentLength}`,
    );
  }
  stream.contentLength = request.contentLength;
  c.onEvent({ type: "headers", streamId, request, headers: decoded.headers, endStream });
}
