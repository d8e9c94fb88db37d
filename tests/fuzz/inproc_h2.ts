/**
 * Checks of one HTTP/2 case against H2Connection, driven as the proxy drives it (credit released,
 * finished requests answered): no exception escapes `receive`; written frames are well formed with
 * valid GOAWAY/RST codes; nothing is reported after a connection error; checked requests carry no
 * field an HTTP/1 server could read differently (they serialize and parse back the same); stream and
 * output counts stay bounded.
 */
import { H2Connection } from "../../src/h2/connection.ts";
import type { H2Event } from "../../src/h2/events.ts";
import { FRAME, type RawFrame } from "../../src/h2/frame.ts";
import { FrameReader } from "../../src/h2/frame_reader.ts";
import { DEFAULT_H2_LIMITS, type H2Limits } from "../../src/h2/limits.ts";
import { weMaySend } from "../../src/h2/stream_state.ts";
import { toRequestHead } from "../../src/h2/to_message.ts";
import { requestFraming } from "../../src/http1/framing.ts";
import { HeadReader } from "../../src/http1/head_reader.ts";
import { parseRequestHead } from "../../src/http1/parse.ts";
import { serializeRequestHead } from "../../src/http1/serialize.ts";

const MAX_CODE = 0xd;
const OK_BODY = new Uint8Array(10);

/** Smaller limits than the defaults, so limits are reached within a case. */
export const FUZZ_H2_LIMITS: Readonly<H2Limits> = {
  ...DEFAULT_H2_LIMITS,
  maxConcurrentStreams: 20,
  maxHeaderListSize: 16384,
  glitchesThreshold: 50,
  maxQueuedControlFrames: 100,
  maxContinuationFrames: 16,
};

/** The h2 → HTTP/1 step the proxy takes for a checked request: it must survive a re-read. */
function checkForwarded(e: Extract<H2Event, { type: "headers" }>): string | null {
  const head = toRequestHead(e.request, e.headers);
  let bytes: Uint8Array;
  try {
    bytes = serializeRequestHead(head);
  } catch (err) {
    return `checked request cannot be serialized: ${(err as Error).message}`;
  }
  const step = new HeadReader({ maxRequestLine: 1 << 20, maxHead: 1 << 20, maxHeaders: 1000 }).push(
    bytes,
  );
  if (step.state !== "head" || step.rest.length > 0) {
    return `forwarded head is not one head (${step.state})`;
  }
  const parsed = parseRequestHead(step.head, {
    maxRequestLine: 1 << 20,
    maxHead: 1 << 20,
    maxHeaders: 1000,
  });
  if (!parsed.ok) {
    return `forwarded head refused by the HTTP/1 parser: ${parsed.rejection.reason}: ${
      JSON.stringify(new TextDecoder().decode(bytes))
    }`;
  }
  const fr = requestFraming(parsed.head);
  if (!fr.ok && e.request.contentLength >= 0) {
    return `forwarded head has bad framing: ${fr.rejection.reason}`;
  }
  if (fr.ok && fr.framing.type === "chunked") return "forwarded head says chunked";
  return null;
}

/** Problems found with one case (empty: none). */
export function checkH2(
  chunks: Uint8Array[],
  limits: Readonly<H2Limits> = FUZZ_H2_LIMITS,
): string[] {
  const problems: string[] = [];
  const finished: number[] = [];
  let errored = false;
  const received = new Map<number, number>();
  const declared = new Map<number, number>();
  const onEvent = (e: H2Event) => {
    if (errored) problems.push(`event ${e.type} after the connection error`);
    // a reset of ours may name any stream (a malformed PRIORITY for an even, idle one: §6.3)
    if ("streamId" in e && e.type !== "reset" && (e.streamId <= 0 || e.streamId % 2 === 0)) {
      problems.push(`event ${e.type} on stream ${e.streamId}`);
    }
    switch (e.type) {
      case "error":
        errored = true;
        if (e.code > MAX_CODE) problems.push(`error event with code ${e.code}`);
        break;
      case "headers": {
        let size = 0;
        for (const h of e.headers) size += h.name.length + h.value.length + 32;
        if (size > limits.maxHeaderListSize) problems.push(`field section of ${size} bytes passed`);
        const p = checkForwarded(e);
        if (p) problems.push(`stream ${e.streamId}: ${p}`);
        declared.set(e.streamId, e.request.contentLength);
        if (e.endStream) finished.push(e.streamId);
        break;
      }
      case "data": {
        const n = (received.get(e.streamId) ?? 0) + e.data.length;
        received.set(e.streamId, n);
        const cl = declared.get(e.streamId) ?? -1;
        if (cl >= 0 && n > cl) {
          problems.push(`stream ${e.streamId}: ${n} body bytes passed for content-length ${cl}`);
        }
        conn.release(e.streamId, e.data.length);
        if (e.endStream) finished.push(e.streamId);
        break;
      }
      case "trailers":
        finished.push(e.streamId);
        break;
      case "reset":
      case "refused":
      case "goaway":
        break;
    }
  };
  const conn = new H2Connection(limits, onEvent);
  const reader = new FrameReader(1 << 24);
  let input = 0, output = 0, goaways = 0;
  const onFrame = (f: RawFrame) => {
    if (f.type > FRAME.CONTINUATION || f.type === FRAME.PUSH_PROMISE) {
      problems.push(`server wrote frame type ${f.type}`);
    }
    if (f.type === FRAME.GOAWAY || f.type === FRAME.RST_STREAM) {
      const at = f.type === FRAME.GOAWAY ? 4 : 0;
      if (f.payload.length < at + 4) problems.push(`short frame type ${f.type}`);
      else {
        const code = new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(at);
        if (code > MAX_CODE) problems.push(`frame type ${f.type} with code ${code}`);
      }
      if (f.type === FRAME.GOAWAY) goaways++;
      if (f.type === FRAME.RST_STREAM && f.streamId === 0) problems.push("RST_STREAM on stream 0");
    }
  };
  for (const chunk of chunks) {
    input += chunk.length;
    try {
      conn.receive(chunk);
    } catch (err) {
      problems.push(`exception escaped H2Connection.receive: ${(err as Error).stack ?? err}`);
      return problems;
    }
    // the owner answers finished requests, as the proxy's streams do
    for (const id of finished.splice(0)) {
      const s = conn.streams.open.get(id);
      if (!s || !weMaySend(s.state) || conn.closed) continue;
      try {
        conn.respond(id, [{ name: ":status", value: "200" }], false);
        conn.sendData(id, OK_BODY, true);
      } catch (err) {
        problems.push(`answering stream ${id} threw: ${(err as Error).message}`);
      }
    }
    if (conn.streams.open.size > limits.maxConcurrentStreams + 1) {
      problems.push(`${conn.streams.open.size} open streams, over ${limits.maxConcurrentStreams}`);
    }
    for (let out = conn.takeOutput(); out; out = conn.takeOutput()) {
      output += out.length;
      try {
        reader.push(out, onFrame);
      } catch (err) {
        problems.push(`server output is not frames: ${(err as Error).message}`);
      }
    }
  }
  if (goaways > 2) problems.push(`${goaways} GOAWAY frames written`);
  if (output > 2 * input + (1 << 16) + finished.length * 64) {
    problems.push(`wrote ${output} bytes for ${input} bytes in`);
  }
  return problems;
}
