/** One server of a backend: address, weight, limits, health checks, TLS and PROXY protocol. */
import { z } from "zod";
import { parseAddress } from "./address.ts";
import { address, duration, maxconn, name } from "./fields.ts";
import { serverHealthFields } from "./server_health.ts";
import { serverTlsFields } from "./server_tls.ts";

function isHost(text: string): boolean {
  try {
    parseAddress(text.includes(":") ? `[${text}]:1` : `${text}:1`, "server");
    return true;
  } catch {
    return false;
  }
}

export const serverSchema = z.strictObject({
  name: name.describe("Unique within the backend; shown in logs and stats."),
  address: address("server", "Where to connect: host:port, port 1-65535."),
  weight: z.number().int().min(0).max(256).default(1).describe(
    "Share of connections relative to the other servers, 0-256; 0 means never picked.",
  ),
  maxconn: maxconn("this server gets; the rest wait in the backend's queue").optional(),
  id: z.number().int().positive().optional().describe(
    "The server's numeric id (HAProxy's id): `first` fills servers in id order; default: the " +
      "position in the list (1, 2, ...).",
  ),
  cookie: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a cookie value (a token)")
    .optional().describe(
      "This server's value of the backend's persistence cookie (server ... cookie VALUE).",
    ),
  maxqueue: z.number().int().positive().optional().describe(
    "Most requests waiting for this server (maxqueue). The backend keeps one queue: it is full " +
      "when it holds the sum of its servers' maxqueue (all must set one), and a request finding " +
      "it full gets 503 at once.",
  ),
  backup: z.boolean().default(false).describe(
    "Used only when no non-backup server is usable.",
  ),
  disabled: z.boolean().default(false).describe("Start in maintenance: never picked."),
  slowstart: duration(
    "After health checks bring the server back UP, its weight grows from 1/16 to all of it over " +
      "this long (HAProxy's slowstart; not at start). Only dynamic algorithms follow it: " +
      "roundrobin, leastconn, random, consistent hashing.",
  ).optional(),
  proto: z.enum(["h2"]).optional().describe(
    "Speak HTTP/2 to this server (HAProxy's proto h2): h2c with prior knowledge in clear, h2 " +
      "over TLS (alpn defaults to [h2]). Requests are streams multiplexed over shared " +
      "connections, up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (at most " +
      "global.tune.h2.maxConcurrentStreams) each. Default: HTTP/1.1, or HTTP/2 when the TLS " +
      "handshake picks h2 from alpn.",
  ),
  sendProxy: z.boolean().optional().describe(
    "Start every connection to this server with a PROXY protocol v1 line carrying the " +
      "client's addresses (send-proxy; default false). Such connections are never reused.",
  ),
  sendProxyV2: z.boolean().optional().describe(
    "Start every connection with a PROXY protocol v2 header (send-proxy-v2; default false), with " +
      "ALPN and AUTHORITY TLVs when known; wins over sendProxy. Such connections are never reused.",
  ),
  check: z.boolean().optional().describe(
    "Run health checks (default false): a TCP connect, or the backend's httpCheck; fall failed " +
      "checks in a row take the server DOWN, rise passed ones bring it back UP.",
  ),
  inter: duration("Between checks of a fully UP server (default 2s).").refine(
    (ms) => ms >= 1,
    "expected a duration of at least 1ms",
  ).optional(),
  fastinter: duration("Between checks while going UP or DOWN (default: inter).").refine(
    (ms) => ms >= 1,
    "expected a duration of at least 1ms",
  ).optional(),
  downinter: duration("Between checks of a fully DOWN server (default: inter).").refine(
    (ms) => ms >= 1,
    "expected a duration of at least 1ms",
  ).optional(),
  rise: z.number().int().min(1).max(1000).optional().describe(
    "Passed checks in a row that bring a DOWN server UP (default 2).",
  ),
  fall: z.number().int().min(1).max(1000).optional().describe(
    "Failed checks in a row that take an UP server DOWN (default 3).",
  ),
  port: z.number().int().min(1).max(65535).optional().describe(
    "Check this port instead of the server's.",
  ),
  addr: z.string().refine(isHost, "expected an IPv4 or IPv6 address or a host name").optional()
    .describe("Check this address instead of the server's."),
  ...serverTlsFields,
  ...serverHealthFields,
}).describe("One server of a backend.");
