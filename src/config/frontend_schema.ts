/** A frontend: where clients connect (binds), its rules, timeouts and HTTP options. */
import { z } from "zod";
import { bindListSchema } from "./bind.ts";
import { compressionSchema } from "./compression.ts";
import { duration, maxconn, mode, name } from "./fields.ts";
import { httpOptions } from "./http_options.ts";
import { stickTableSchema } from "./stick_table.ts";
import { statsSchema } from "./stats_schema.ts";
import { ruleList, ruleLists } from "./rule_lists.ts";

export const frontendSchema = z.strictObject({
  bind: bindListSchema,
  mode: mode.optional(),
  defaultBackend: name.optional().describe(
    "The backend that receives this frontend's traffic when no useBackend rule matches.",
  ),
  ...ruleLists,
  stickTable: stickTableSchema.optional().describe(
    "This section's own stick table, named after it: the default table of its track-sc and src_* rules.",
  ),
  tcpRequest: ruleList(
    "tcp-request rules (HAProxy syntax without the `tcp-request` word): `inspect-delay T` (how long " +
      "content rules may wait for bytes), `connection accept|reject|track-sc0..2 KEY [cond]` (at " +
      "accept, connection fetches only; what it tracks stays tracked until the connection ends), `content accept|reject|set-var(name) expr|unset-var(name) [cond]` " +
      "(on the buffered payload: req.ssl_sni, req.payload, ...). Content accept ends inspection.",
    [
      "inspect-delay 5s",
      "connection reject if { src 192.0.2.0/24 }",
      "content accept if { req.ssl_hello_type 1 }",
      "connection track-sc0 src",
    ],
  ),
  useBackend: ruleList(
    "Backend switching rules, `backend [if|unless condition]`: the first that matches wins.",
    ["api if is_api", "static if is_static"],
  ),
  maxconn: maxconn("this frontend accepts").optional(),
  rateLimitSessions: z.number().int().positive().optional().describe(
    "New sessions started per second at most (rate-limit sessions); connections beyond it wait " +
      "in the accept line (the listener pauses) until the rate drops.",
  ),
  timeout: z.strictObject({
    client: duration("Close a client connection idle for this long.").optional(),
    httpRequest: duration("Longest wait for a complete HTTP request head (408 after it).")
      .optional(),
    httpKeepAlive: duration("Longest wait for the next request on a keep-alive connection.")
      .optional(),
    tunnel: duration("Close a tunnel idle for this long.").optional(),
    tarpit: duration("How long http-request tarpit holds a request of this frontend's rules.")
      .optional(),
  }).optional(),
  ...httpOptions,
  stats: statsSchema.optional(),
  compression: compressionSchema.optional(),
}).describe("A frontend: where clients connect.");
