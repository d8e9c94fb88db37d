/** The HTTP/2 entry of HTTP frontends: `global.tune.h2` as the codec's limits, and the start of an HTTP/2 session. */
import type { ServerMux } from "../backend/mux.ts";
import type { H2Limits } from "../h2/limits.ts";
import { H2ServerPool } from "../proxy/h2/server_pool.ts";
import { H2Session } from "../proxy/h2/session.ts";
import type { H2Start } from "../proxy/http/options.ts";
import type { Config } from "../config/schema.ts";

/** `global.tune.h2` as H2Limits (every key has its default in the schema). */
export function h2Limits(config: Config): H2Limits {
  const t = config.global.tune.h2;
  return {
    maxConcurrentStreams: t.maxConcurrentStreams,
    maxHeaderListSize: t.maxHeaderListSize,
    maxFrameSize: t.maxFrameSize,
    initialWindowSize: t.initialWindowSize,
    connectionWindowSize: t.connectionWindowSize,
    headerTableSize: t.headerTableSize,
    glitchesThreshold: t.glitchesThreshold,
    maxQueuedControlFrames: t.maxQueuedControlFrames,
    maxContinuationFrames: t.maxContinuationFrames,
  };
}

/**
 * The HTTP/2 stream pool of a backend whose servers may speak HTTP/2 (proto h2, alpn h2), built
 * per Backend object; its connections close after the backend's pool idle delay without a stream.
 */
export function h2Mux(
  limits: H2Limits,
  backend: string,
): (be: { readonly pool: { readonly idleTimeout: number } }) => ServerMux {
  return (be) => new H2ServerPool(limits, Math.max(1000, be.pool.idleTimeout), backend);
}

/** How an HTTP frontend's connection becomes an HTTP/2 session (ALPN h2, or an h2c preface). */
export function h2Start(limits: H2Limits): H2Start {
  return (owner, client, tracker, first, done) =>
    new H2Session(owner, client, tracker, limits, done).start(first);
}
