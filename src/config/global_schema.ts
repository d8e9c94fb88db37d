/** The `global` section: process-wide limits, the access log target (and syslog envelope) and parser limits. */
import { z } from "zod";
import { apiSchema } from "./api_schema.ts";
import { duration, maxconn } from "./fields.ts";
import { logTarget, syslogSchema } from "./syslog_schema.ts";

export const globalSchema = z.strictObject({
  maxconn: maxconn("the whole process accepts").prefault(10000),
  hardStopAfter: duration("On shutdown, close connections still open after this long.")
    .prefault("30s"),
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
  }).prefault({}).describe("Buffer and parser limits."),
  api: apiSchema.optional(),
}).describe("Process-wide settings.");
