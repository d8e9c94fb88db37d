/** The `defaults` section: values every frontend and backend inherits unless it sets its own. */
import { z } from "zod";
import { HTTP_REUSE } from "../backend/pool.ts";
import {
  balance,
  hashBalanceFactor,
  hashFunction,
  hashType,
  httpCheck,
  redispatch,
  retries,
  retryOn,
} from "./backend_fields.ts";
import { defaultsCompressionSchema } from "./compression.ts";
import { duration, maxconn, mode } from "./fields.ts";
import { httpOptions } from "./http_options.ts";
import { statsSchema } from "./stats_schema.ts";

export const defaultsSchema = z.strictObject({
  mode: mode.default("tcp"),
  balance: balance.prefault("roundrobin"),
  hashType: hashType.default("map-based"),
  hashFunction: hashFunction.default("fnv1a"),
  hashBalanceFactor: hashBalanceFactor.default(0),
  retries: retries.default(3),
  retryOn: retryOn.optional(),
  redispatch: redispatch.default(1),
  allbackups: z.boolean().optional().describe(
    "option allbackups for every backend (default false: only the first backup that is up).",
  ),
  maxconn: maxconn("one frontend accepts").prefault(2000),
  timeout: z.strictObject({
    connect: duration("Give up a connect attempt to a server after this long.").prefault("5s"),
    client: duration("Close a client connection idle for this long.").prefault("30s"),
    server: duration("Close a server connection idle for this long.").prefault("30s"),
    httpRequest: duration("Longest wait for a complete HTTP request head (408 after it).")
      .prefault("10s"),
    httpKeepAlive: duration("Longest wait for the next request on an idle keep-alive connection.")
      .prefault("10s"),
    tunnel: duration("Close a tunnel (WebSocket, CONNECT) idle for this long.").prefault("1h"),
    tarpit: duration(
      "How long http-request tarpit holds a request before answering. Unset: the connect " +
        "timeout, as HAProxy.",
    ).optional(),
    queue: duration(
      "Longest a request waits for a slot when every server is at its maxconn (503, sQ, after " +
        "it). Unset: the connect timeout, as HAProxy.",
    ).optional(),
    check: duration(
      "Health checks: once connected, wait this long for the reply; connecting then gets " +
        "min(connect, inter). Unset: the whole check gets the server's inter.",
    ).optional(),
  }).prefault({}),
  httpCheck: httpCheck.optional(),
  ...httpOptions,
  stats: statsSchema.optional(),
  compression: defaultsCompressionSchema.optional(),
  httpReuse: z.enum(HTTP_REUSE).default("safe").describe(
    "safe: idle server connections are reused for requests after a client's first; always: for " +
      "a client's first request too (HAProxy's http-reuse always); never: no reuse.",
  ),
  poolMaxConn: z.number().int().min(0).default(1024).describe(
    "Most idle connections kept per server for reuse (pool-max-conn).",
  ),
  poolPurgeDelay: duration("Close idle server connections unused for this long.").prefault("5s"),
}).describe("Values every frontend and backend inherits unless it sets its own.");
