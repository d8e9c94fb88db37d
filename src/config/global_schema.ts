/** The `global` section: process-wide limits, the access log target (and syslog envelope) and parser limits. */
import { z } from "zod";
import { apiSchema } from "./api_schema.ts";
import { duration, maxconn } from "./fields.ts";
import { h2TuneSchema } from "./h2_tune.ts";
import { logTarget, syslogSchema } from "./syslog_schema.ts";

export const globalSchema = z.strictObject({
  maxconn: maxconn("the whole process accepts").prefault(10000),
  hardStopAfter: duration("On shutdown, close connections still open after this long.")
    .prefault("30s"),
  workers: z.union([z.number().int().min(1).max(64), z.literal("auto")]).default(1).describe(
    "Worker processes (master-worker mode): above 1, a master holds the listening sockets, " +
      "serves the stats socket and starts this many workers that accept on them (restarted " +
      "when one dies; HUP reloads them one by one). auto: one per core. Bun and the compiled " +
      "binary; Deno runs one process.",
  ),
  rateLimitSessions: z.number().int().positive().optional().describe(
    "New sessions per second the whole process accepts at most (rate-limit sessions); over it, " +
      "connections wait. Unset: no limit.",
  ),
  statsSocket: z.strictObject({
    path: z.string().min(1).optional().describe("A unix socket path, e.g. /run/tsproxy.sock."),
    address: z.string().regex(/^.+:\d+$/).optional().describe(
      'A TCP address "host:port" to listen on as well (loopback advised), e.g. "127.0.0.1:9999".',
    ),
    mode: z.string().regex(/^0?[0-7]{3}$/).default("0600").describe(
      "The unix socket file's permissions, octal.",
    ),
    level: z.enum(["user", "operator", "admin"]).default("admin").describe(
      "What commands may do: user reads, operator also changes server states and weights, " +
        "admin everything.",
    ),
  }).refine((s) => s.path !== undefined || s.address !== undefined, {
    message: "statsSocket needs a path or an address",
  }).optional().describe(
    "HAProxy's runtime API (stats socket): one command per line, `;` separated, `prompt` for " +
      "interactive mode.",
  ),
  log: logTarget,
  syslog: syslogSchema,
  tune: z.strictObject({
    bufsize: z.number().int().min(1024).max(1048576).default(16384).describe(
      "Longest HTTP head (request or response) in bytes; a longer request gets 431 (tune.bufsize).",
    ),
    maxRequestLine: z.number().int().min(64).max(1048576).default(8192).describe(
      "Longest request line in bytes; a longer one gets 414.",
    ),
    maxHeaders: z.number().int().min(1).max(10000).default(100).describe(
      "Most header fields in one HTTP head; more gets 431 (like HAProxy's default " +
        "tune.http.maxhdr 101, which admits 100).",
    ),
    h2: h2TuneSchema,
  }).prefault({}).describe("Buffer and parser limits."),
  api: apiSchema.optional(),
}).describe("Process-wide settings.");
