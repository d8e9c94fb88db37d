/** The zod schema of the config file: field rules, defaults and the help text editors show. */
import { z } from "zod";
import { parseBalance } from "../lb/parse.ts";
import { balancers, HASH_FUNCTIONS } from "../lb/registry.ts";
import { parseAddress } from "./address.ts";
import { address, duration, orThrow, parsing } from "./fields.ts";
import { bindSchema } from "./bind.ts";
import { parseRetryOn } from "../backend/retry.ts";
import { parseCookiePolicy } from "../backend/cookie.ts";
import { cidrMatcher } from "../net/cidr.ts";
import { parseExpect } from "../check/expect.ts";
import { serverTlsFields } from "./server_tls.ts";
import { serverHealthFields } from "./server_health.ts";
import { compressionSchema, defaultsCompressionSchema } from "./compression.ts";

const name = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, "a name may hold only letters, digits and _ . : -");

function maxconn(what: string) {
  return z.number().int().positive().describe(`Most connections ${what} at once.`);
}

const mode = z.enum(["tcp", "http"]).describe(
  "tcp: forward bytes as they are; http: parse HTTP/1 requests and responses.",
);

const balance = z
  .string({ error: "expected a balance algorithm such as roundrobin, leastconn or uri depth 2" })
  .transform(parsing((value: string) => orThrow(parseBalance(value)).spec))
  .meta({
    description: "How a server is picked, in HAProxy syntax, one of:\n" +
      Object.values(balancers).map((b) => `- ${b.syntax}: ${b.description}`).join("\n"),
    examples: ["roundrobin", "leastconn", "uri depth 2", "hdr(host) use_domain_only", "random(3)"],
  });

const hashType = z.enum(["map-based", "consistent"]).describe(
  "How hash-based algorithms (source, uri, url_param, hdr, hash) map keys to servers: " +
    "map-based: hash modulo the total weight, any server change remaps most keys; consistent: " +
    "a hash ring, adding or removing one of N servers moves about 1/N of the keys.",
);

const hashFunction = z.enum(HASH_FUNCTIONS).describe(
  "The key hash of hash-based algorithms (HAProxy's hash-type function and modifier): fnv1a " +
    "(tsproxy's, well mixed); sdbm (HAProxy's default), djb2, wt6, crc32, optionally followed by " +
    "avalanche: HAProxy's own, so map-based picks are the servers HAProxy picks (same servers, " +
    "weights and order; source hashes the address as HAProxy does).",
);

const hashBalanceFactor = z.number().int()
  .refine((n) => n === 0 || n >= 100, "expected 0 (off) or a percentage of at least 100")
  .describe(
    "Consistent hashing only: a server holding more than this % of the average load per weight " +
      "passes new keys to the next server on the ring (0: off; 150: at most 1.5 times the average).",
  );

const retries = z.number().int().min(0).max(100).describe(
  "How many more attempts after the first fails (connect failures, and what retryOn adds); " +
    "which server each goes to is redispatch's choice.",
);

const retryOn = z.string().transform(parsing((v: string) => orThrow(parseRetryOn(v)).value)).meta({
  description: "What makes a request be sent again (retry-on): conn-failure (the default), " +
    "empty-response, junk-response, response-timeout, 404 408 425 500 501 502 503 504, " +
    "all-retryable-errors, none. Beyond conn-failure only requests without a body are " +
    "resent, and only before any byte of the response reached the client.",
  examples: ["conn-failure empty-response 503", "all-retryable-errors"],
});

const redispatch = z.union([z.boolean(), z.number().int().min(-100).max(100)]).transform((v) =>
  v === true ? -1 : v === false ? 0 : v
).describe(
  "Which retries go to another server (option redispatch <interval>): true = the last retry " +
    "(HAProxy's option redispatch), a number P > 0 every Pth retry, -N the Nth before the last, " +
    "false = always the same server. tsproxy's default is 1 (every retry elsewhere); HAProxy " +
    "without the option retries the same server.",
);

const httpCheck = z.strictObject({
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

const globalSchema = z.strictObject({
  maxconn: maxconn("the whole process accepts").prefault(10000),
  hardStopAfter: duration("On shutdown, close connections still open after this long.")
    .prefault("30s"),
  log: z.string().min(1).default("stdout").describe(
    'Where access log lines go: "stdout", "stderr", "none", or a file path (appended to).',
  ),
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
}).describe("Process-wide settings.");

function isHost(text: string): boolean {
  try {
    parseAddress(text.includes(":") ? `[${text}]:1` : `${text}:1`, "server");
    return true;
  } catch {
    return false;
  }
}

function isNetwork(text: string): boolean {
  try {
    cidrMatcher(text);
    return true;
  } catch {
    return false;
  }
}

const logFormat = z.enum(["httplog", "tcplog", "json", "off"]).describe(
  "Access log format: httplog (HTTP mode default), tcplog (TCP mode default), json, or off.",
);

const connectionMode = z.enum(["http-keep-alive", "http-server-close", "httpclose"]).describe(
  "http-keep-alive: keep client and server connections open; http-server-close: close the server " +
    "side after each response; httpclose: close both.",
);

const forwardfor = z.union([
  z.boolean(),
  z.strictObject({
    header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a header name")
      .default("X-Forwarded-For").describe("The header to add."),
    except: z.string().refine(isNetwork, "expected a network such as 127.0.0.0/8").optional()
      .describe(
        "A network (CIDR, e.g. 127.0.0.0/8) whose clients get no header.",
      ),
  }),
]).describe("Add the client's address in X-Forwarded-For (option forwardfor).");

/** HTTP settings a frontend may set and `defaults` gives to all. */
const httpOptions = {
  httpConnectionMode: connectionMode.optional(),
  forwardfor: forwardfor.optional(),
  forwardedProto: z.boolean().optional().describe("Add X-Forwarded-Proto and X-Forwarded-Host."),
  forwarded: z.boolean().optional().describe("Add an RFC 7239 Forwarded header."),
  via: z.string().optional().describe('Add a Via header naming this proxy (e.g. "tsproxy").'),
  acceptConnect: z.boolean().optional().describe(
    "Accept CONNECT requests and tunnel them; refused with 405 otherwise.",
  ),
  errorfiles: z.record(
    z.string().regex(/^[1-5][0-9][0-9]$/, "expected an HTTP status code"),
    z.string().min(1),
  ).optional().describe(
    "Files holding a whole HTTP response (status line, headers, body) sent instead of the " +
      "built-in page for that status.",
  ),
  log: logFormat.optional(),
};

const defaultsSchema = z.strictObject({
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
  compression: defaultsCompressionSchema.optional(),
  httpReuse: z.enum(["safe", "never"]).default("safe").describe(
    "safe: idle server connections are reused for requests after a client's first; never: no reuse.",
  ),
  poolMaxConn: z.number().int().min(0).default(1024).describe(
    "Most idle connections kept per server for reuse (pool-max-conn).",
  ),
  poolPurgeDelay: duration("Close idle server connections unused for this long.").prefault("5s"),
}).describe("Values every frontend and backend inherits unless it sets its own.");

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

function ruleList(description: string, examples: string[]) {
  return z.array(z.string({ error: "expected a rule line (a string)" })).optional().meta({
    description,
    examples: [examples],
  });
}

/** Rule lists (HAProxy syntax, one line per item) a frontend or backend may hold. */
const ruleLists = {
  acl: ruleList(
    "Named tests, `name criterion [flags] patterns`; lines sharing a name are OR-ed.",
    ["is_api path_beg /api", "blocked src 10.0.0.0/8"],
  ),
  httpRequest: ruleList(
    "http-request rules, run in order once the request head is read: allow, deny, return, " +
      "redirect, set-header, add-header, del-header, replace-header, replace-value, set-path, " +
      "set-query, set-uri, set-method, replace-path, replace-uri, set-var, unset-var; each may end " +
      "with `if|unless condition`.",
    ["deny if blocked", "set-header X-Api yes if is_api"],
  ),
  httpResponse: ruleList(
    "http-response rules, run in order once the response head is read: allow, deny, set-header, " +
      "add-header, del-header, replace-header, replace-value, set-status, set-var, unset-var.",
    ["del-header Server", "set-status 418 if { status 404 }"],
  ),
};

export const frontendSchema = z.strictObject({
  bind: z.array(bindSchema)
    .min(1, "a frontend needs at least one bind address")
    .describe("Addresses to listen on."),
  mode: mode.optional(),
  defaultBackend: name.optional().describe(
    "The backend that receives this frontend's traffic when no useBackend rule matches.",
  ),
  ...ruleLists,
  tcpRequest: ruleList(
    "tcp-request rules (HAProxy syntax without the `tcp-request` word): `inspect-delay T` (how long " +
      "content rules may wait for bytes), `connection accept|reject [cond]` (at accept, " +
      "connection fetches only), `content accept|reject|set-var(name) expr|unset-var(name) [cond]` " +
      "(on the buffered payload: req.ssl_sni, req.payload, ...). Content accept ends inspection.",
    [
      "inspect-delay 5s",
      "connection reject if { src 192.0.2.0/24 }",
      "content accept if { req.ssl_hello_type 1 }",
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
  }).optional(),
  ...httpOptions,
  compression: compressionSchema.optional(),
}).describe("A frontend: where clients connect.");

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
  }).optional(),
  httpReuse: z.enum(["safe", "never"]).optional(),
  poolMaxConn: z.number().int().min(0).optional(),
  poolPurgeDelay: duration("Close idle server connections unused for this long.").optional(),
  compression: compressionSchema.optional(),
  ...ruleLists,
  servers: z.array(serverSchema).default([]).describe("The servers traffic is spread over."),
}).describe("A backend: a group of servers and how to pick among them.");

export const configSchema = z.strictObject({
  global: globalSchema.prefault({}),
  defaults: defaultsSchema.prefault({}),
  frontends: z.record(name, frontendSchema).default({}).describe("Frontends by name."),
  backends: z.record(name, backendSchema).default({}).describe("Backends by name."),
}).meta({ title: "tsproxy configuration", description: "A tsproxy configuration file." });

/** A validated config: durations in milliseconds, addresses parsed, defaults filled. */
export type Config = z.output<typeof configSchema>;
/** The config as written (YAML, JSON or a `defineConfig()` object). */
export type ConfigInput = z.input<typeof configSchema>;
export type FrontendConfig = z.output<typeof frontendSchema>;
export type BackendConfig = z.output<typeof backendSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
export type Mode = z.output<typeof mode>;
