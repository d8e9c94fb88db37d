/** A backend: its servers, how to pick among them, retries, persistence and rules. */
import { z } from "zod";
import { parseCookiePolicy } from "../backend/cookie.ts";
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
import { compressionSchema } from "./compression.ts";
import { duration, mode, orThrow, parsing } from "./fields.ts";
import { stickTableSchema } from "./stick_table.ts";
import { ruleList, ruleLists } from "./rule_lists.ts";
import { serverSchema } from "./server_schema.ts";

export const backendSchema = z.strictObject({
  mode: mode.optional(),
  balance: balance.optional(),
  httpCheck: httpCheck.optional(),
  hashType: hashType.optional(),
  hashFunction: hashFunction.optional(),
  hashBalanceFactor: hashBalanceFactor.optional(),
  retries: retries.optional(),
  retryOn: retryOn.optional(),
  redispatch: redispatch.optional(),
  allbackups: z.boolean().optional().describe(
    "option allbackups: when no active server is up, every backup server takes traffic; " +
      "default false: only the first backup (in config order) that is up.",
  ),
  cookie: z.string().transform(parsing((v: string) => orThrow(parseCookiePolicy(v)).value))
    .optional().meta({
      description: "Cookie persistence, HAProxy's line: `NAME insert|rewrite|prefix [indirect] " +
        "[nocache] [postonly] [preserve] [httponly] [secure] [domain D]`; servers set `cookie`.",
      examples: ["SERVERID insert indirect nocache", "JSESSIONID prefix"],
    }),
  timeout: z.strictObject({
    connect: duration("Give up a connect attempt to a server after this long.").optional(),
    server: duration("Close a server connection idle for this long.").optional(),
    queue: duration("Longest wait for a server slot when all are at maxconn.").optional(),
    check: duration("Health checks: once connected, wait this long for the reply.").optional(),
    tarpit: duration("How long http-request tarpit holds a request of this backend's rules.")
      .optional(),
  }).optional(),
  httpReuse: z.enum(HTTP_REUSE).optional(),
  poolMaxConn: z.number().int().min(0).optional(),
  poolPurgeDelay: duration("Close idle server connections unused for this long.").optional(),
  compression: compressionSchema.optional(),
  ...ruleLists,
  stickTable: stickTableSchema.optional().describe(
    "This section's own stick table, named after it: the default table of its track-sc and src_* rules.",
  ),
  tcpRequest: ruleList(
    "tcp-request rules of the backend (HAProxy's `tcp-request content` in a backend), run once " +
      "it is chosen: `inspect-delay T`, `content accept|reject|silent-drop|set-var|track-sc0..2 " +
      "[cond]`; in HTTP mode on each request, before the backend's httpRequest rules.",
    ["content reject if { src 192.0.2.0/24 }", "content track-sc1 src"],
  ),
  stick: ruleList(
    "Stickiness (HAProxy's `stick` lines without the word): `on|match|store-request|" +
      "store-response EXPR [table T] [if|unless cond]`. match rules run before balancing: a key " +
      "found sends the request to the server stored with it while that server is UP (or DRAIN " +
      "and not DOWN); store rules keep the server chosen (store-request) or learnt from the " +
      "response (store-response), at most one key per table. The table (default: this " +
      "backend's stickTable) stores server_id implicitly.",
    ["on src", "store-response res.cook(SID)", "match req.cook(SID)"],
  ),
  servers: z.array(serverSchema).default([]).describe("The servers traffic is spread over."),
}).describe("A backend: a group of servers and how to pick among them.");
