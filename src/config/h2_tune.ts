/** `global.tune.h2`: the limits of HTTP/2 client connections (HAProxy's tune.h2.* in camelCase), with the codec's defaults. */
import { z } from "zod";
import { DEFAULT_H2_LIMITS } from "../h2/limits.ts";

const MAX_WINDOW = 2 ** 31 - 1;
const d = DEFAULT_H2_LIMITS;

export const h2TuneSchema = z.strictObject({
  maxConcurrentStreams: z.number().int().min(1).max(MAX_WINDOW).default(d.maxConcurrentStreams)
    .describe(
      "Streams a client may have open at once on one connection, announced in SETTINGS; one " +
        "more is refused with RST_STREAM REFUSED_STREAM (tune.h2.max-concurrent-streams).",
    ),
  maxHeaderListSize: z.number().int().min(1024).max(16777216).default(d.maxHeaderListSize)
    .describe(
      "Largest request field section (RFC 9113 §4.1 sizes), announced in SETTINGS; a larger one " +
        "is answered 431 and counted as a glitch (HAProxy bounds it by tune.bufsize).",
    ),
  initialWindowSize: z.number().int().min(0).max(MAX_WINDOW).default(d.initialWindowSize)
    .describe(
      "Each stream's receive window: request body bytes a client may send ahead of the server " +
        "(tune.h2.initial-window-size).",
    ),
  connectionWindowSize: z.number().int().min(65535).max(MAX_WINDOW)
    .default(d.connectionWindowSize).describe(
      "The whole connection's receive window, over all its streams.",
    ),
  maxFrameSize: z.number().int().min(16384).max(16777215).default(d.maxFrameSize).describe(
    "Largest frame payload read, announced in SETTINGS (tune.h2.max-frame-size).",
  ),
  headerTableSize: z.number().int().min(0).max(65536).default(d.headerTableSize).describe(
    "HPACK dynamic table size the client's encoder may use (tune.h2.header-table-size).",
  ),
  glitchesThreshold: z.number().int().min(0).default(d.glitchesThreshold).describe(
    "Glitches (rapid resets, floods, stream errors, oversized sections) tolerated on one " +
      "connection before GOAWAY ENHANCE_YOUR_CALM; 0: no limit (tune.h2.fe.glitches-threshold).",
  ),
  maxContinuationFrames: z.number().int().min(1).max(10000).default(d.maxContinuationFrames)
    .describe("CONTINUATION frames one field block may use (CVE-2024-27316)."),
  maxQueuedControlFrames: z.number().int().min(1).max(1000000)
    .default(d.maxQueuedControlFrames).describe(
      "PING/SETTINGS acknowledgements queued and not yet written before the client is cut off " +
        "(a control-frame flood).",
    ),
}).prefault({}).describe(
  "HTTP/2 on client connections (ALPN h2 on TLS binds, h2c with prior knowledge on clear ones).",
);
