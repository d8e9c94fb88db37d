/** Backend settings `defaults` may give to all: balancing, hashing, retries and HTTP health checks. */
import { z } from "zod";
import { parseBalance } from "../lb/parse.ts";
import { balancers, HASH_FUNCTIONS } from "../lb/registry.ts";
import { parseRetryOn } from "../backend/retry.ts";
import { parseExpect } from "../check/expect.ts";
import { orThrow, parsing } from "./fields.ts";

export const balance = z
  .string({ error: "expected a balance algorithm such as roundrobin, leastconn or uri depth 2" })
  .transform(parsing((value: string) => orThrow(parseBalance(value)).spec))
  .meta({
    description: "How a server is picked, in HAProxy syntax, one of:\n" +
      Object.values(balancers).map((b) => `- ${b.syntax}: ${b.description}`).join("\n"),
    examples: ["roundrobin", "leastconn", "uri depth 2", "hdr(host) use_domain_only", "random(3)"],
  });

export const hashType = z.enum(["map-based", "consistent"]).describe(
  "How hash-based algorithms (source, uri, url_param, hdr, hash) map keys to servers: " +
    "map-based: hash modulo the total weight, any server change remaps most keys; consistent: " +
    "a hash ring, adding or removing one of N servers moves about 1/N of the keys.",
);

export const hashFunction = z.enum(HASH_FUNCTIONS).describe(
  "The key hash of hash-based algorithms (HAProxy's hash-type function and modifier): fnv1a " +
    "(tsproxy's, well mixed); sdbm (HAProxy's default), djb2, wt6, crc32, optionally followed by " +
    "avalanche: HAProxy's own, so map-based picks are the servers HAProxy picks (same servers, " +
    "weights and order; source hashes the address as HAProxy does).",
);

export const hashBalanceFactor = z.number().int()
  .refine((n) => n === 0 || n >= 100, "expected 0 (off) or a percentage of at least 100")
  .describe(
    "Consistent hashing only: a server holding more than this % of the average load per weight " +
      "passes new keys to the next server on the ring (0: off; 150: at most 1.5 times the average).",
  );

export const retries = z.number().int().min(0).max(100).describe(
  "How many more attempts after the first fails (connect failures, and what retryOn adds); " +
    "which server each goes to is redispatch's choice.",
);

export const retryOn = z.string().transform(parsing((v: string) => orThrow(parseRetryOn(v)).value))
  .meta({
    description: "What makes a request be sent again (retry-on): conn-failure (the default), " +
      "empty-response, junk-response, response-timeout, 404 408 425 500 501 502 503 504, " +
      "all-retryable-errors, none. Beyond conn-failure only requests without a body are " +
      "resent, and only before any byte of the response reached the client.",
    examples: ["conn-failure empty-response 503", "all-retryable-errors"],
  });

export const redispatch = z.union([z.boolean(), z.number().int().min(-100).max(100)]).transform((
  v,
) => v === true ? -1 : v === false ? 0 : v).describe(
  "Which retries go to another server (option redispatch <interval>): true = the last retry " +
    "(HAProxy's option redispatch), a number P > 0 every Pth retry, -N the Nth before the last, " +
    "false = always the same server. tsproxy's default is 1 (every retry elsewhere); HAProxy " +
    "without the option retries the same server.",
);

export const httpCheck = z.strictObject({
  method: z.enum(["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE"])
    .default("OPTIONS").describe("The check request's method."),
  uri: z.string().regex(/^[!-~]+$/, "expected a request target such as /health (no spaces)")
    .default("/").describe("The check request's target."),
  version: z.enum(["HTTP/1.0", "HTTP/1.1"]).default("HTTP/1.0").describe(
    "HTTP/1.1 adds host (the checked address) and connection: close unless set in headers.",
  ),
  headers: z.record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a header name"),
    z.string().regex(/^[^\r\n\0]*$/, "a header value may not hold CR, LF or NUL"),
  ).default({}).describe("Header fields sent with the check request (http-check send hdr)."),
  expect: z.string({ error: "expected an http-check expect line such as status 200" })
    .transform(parsing((value: string) => orThrow(parseExpect(value)).expect))
    .optional().meta({
      description: "http-check expect in HAProxy syntax, `[!] status|rstatus|string|rstring " +
        "PATTERN`; default: a 2xx or 3xx status.",
      examples: ["status 200", "status 200-299,302", "! rstatus ^5", "string OK", "rstring ^up"],
    }),
}).describe(
  "HTTP health checks for servers with check: true (option httpchk); without it, a check is a " +
    "TCP connect. Default request: OPTIONS / HTTP/1.0.",
);
