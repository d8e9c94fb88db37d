/** Rules differential harness: scenarios rendered for tsproxy and haproxy, the same requests sent to both, what each side saw compared. */
import assert from "node:assert/strict";
import process from "node:process";
import { startHaproxyConfig } from "./haproxy.ts";
import { type OriginRequest, RawClient, type RawHttpOrigin, rawHttpOrigin } from "./http.ts";
import { startImported } from "./imported.ts";
import { startProxy } from "./proxy.ts";

/** The backends every scenario may name; `a` is the default one. */
export const BACKENDS = ["a", "b", "c"] as const;

/** One request, sent as raw bytes: `Host` first (unless null), then `headers` in order. */
export interface DiffRequest {
  method?: string;
  path: string;
  version?: "1.0" | "1.1";
  host?: string | null;
  headers?: [string, string][];
}

/**
 * One frontend: rule lines written once, as both proxies read them (tsproxy's `acl`, `httpRequest`,
 * `httpResponse`, `useBackend` lists; haproxy's `acl`, `http-request`, `http-response`,
 * `use_backend` lines), and the requests to send to it.
 */
export interface Scenario {
  name: string;
  acl?: string[];
  httpRequest?: string[];
  httpResponse?: string[];
  useBackend?: string[];
  /** The default backend, `a` unless given. */
  defaultBackend?: string;
  requests: DiffRequest[];
}

/**
 * What one side saw for one request, normalized: header fields as "name: value" with names in
 * lower case (HAProxy 2.6 sends every name in lower case; names are case-insensitive, RFC 9110
 * §5.1), in order.
 */
export interface Observation {
  /** Status and reason phrase. */
  status: string;
  /** The backend whose origin got the request, or "-" (answered by the proxy). */
  backend: string;
  /** The request line the origin got. */
  line: string;
  originHeaders: string;
  clientHeaders: string;
  /** The response body (JSON-quoted) of a local answer or error page; "(origin's)" otherwise. */
  body: string;
}

/**
 * The one normalization: `connection` fields are left out on both sides. They are the proxies'
 * keep-alive bookkeeping, not rules: HAProxy asks the server to keep an HTTP/1.0 client's request
 * alive (`connection: keep-alive`), keeps the client connection open after a deny where tsproxy
 * closes it (`connection: close`), and both close after answering a request with a body.
 */
const CONNECTION = new Set(["connection"]);

/** A node:net origin per backend, answering with its name; `X-Want-Status: N` asks for status N. */
async function origins(seen: { backend: string; req: OriginRequest }[]) {
  const started: RawHttpOrigin[] = await Promise.all(
    BACKENDS.map((name) =>
      rawHttpOrigin((req, sock) => {
        seen.push({ backend: name, req });
        const want = req.headers.find(([k]) => k.toLowerCase() === "x-want-status")?.[1];
        const status = want && /^\d{3}$/.test(want) ? want : "200";
        // the same length whatever the request: what the origin saw is compared from its records
        const body = JSON.stringify({ backend: name });
        sock.write(
          `HTTP/1.1 ${status} Origin Says\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${req.method === "HEAD" ? 0 : body.length}\r\nServer: origin\r\n` +
            `X-Backend: ${name}\r\nX-Tag: alpha, beta\r\nCache-Control: private, max-age=60\r\n` +
            `Set-Cookie: sid=${name}1; Path=/\r\n\r\n${req.method === "HEAD" ? "" : body}`,
        );
      })
    ),
  );
  return started;
}

const yamlList = (key: string, lines: string[] | undefined) =>
  lines?.length
    ? `    ${key}:\n${lines.map((l) => `      - ${JSON.stringify(l)}\n`).join("")}`
    : "";

/** The tsproxy config: one frontend per scenario (`f0`, `f1`, ...), backends a, b, c. */
export function tsproxyConfig(scenarios: Scenario[], ports: number[]): string {
  const fe = scenarios.map((s, i) =>
    `  f${i}:\n    bind: ["127.0.0.1:0"]\n    defaultBackend: ${s.defaultBackend ?? "a"}\n` +
    yamlList("acl", s.acl) + yamlList("httpRequest", s.httpRequest) +
    yamlList("useBackend", s.useBackend) + yamlList("httpResponse", s.httpResponse)
  ).join("");
  const be = BACKENDS.map((b, i) =>
    `  ${b}:\n    servers: [{ name: s1, address: "127.0.0.1:${ports[i]}" }]\n`
  ).join("");
  return `global: { hardStopAfter: 1s, log: none }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
${fe}backends:
${be}`;
}

/** The haproxy.cfg: the same frontends and backends, the rule lines verbatim after their keyword. */
export function haproxyConfig(scenarios: Scenario[], ports: number[], fePorts: number[]): string {
  const kw = (k: string, lines: string[] | undefined) =>
    (lines ?? []).map((l) => `    ${k} ${l}\n`).join("");
  const fe = scenarios.map((s, i) =>
    `frontend f${i}\n    bind 127.0.0.1:${fePorts[i]}\n` + kw("acl", s.acl) +
    kw("http-request", s.httpRequest) + kw("http-response", s.httpResponse) +
    kw("use_backend", s.useBackend) + `    default_backend ${s.defaultBackend ?? "a"}\n\n`
  ).join("");
  const be = BACKENDS.map((b, i) => `backend ${b}\n    server s1 127.0.0.1:${ports[i]}\n\n`)
    .join("");
  return `global
    nbthread 1
    maxconn 1000

defaults
    mode http
    option http-keep-alive
    timeout connect 2s
    timeout client 10s
    timeout server 10s

${fe}${be}`;
}

/** The request's bytes. */
export function rawRequest(r: DiffRequest): string {
  const head = [`${r.method ?? "GET"} ${r.path} HTTP/${r.version ?? "1.1"}`];
  if (r.host !== null) head.push(`Host: ${r.host ?? "www.example"}`);
  for (const [k, v] of r.headers ?? []) head.push(`${k}: ${v}`);
  return head.join("\r\n") + "\r\n\r\n";
}

const fieldsText = (h: [string, string][], skip: Set<string> = new Set()) =>
  h.filter(([k]) => !skip.has(k.toLowerCase())).map(([k, v]) => `${k.toLowerCase()}: ${v}`)
    .join(" | ");

/** Sends one request on a fresh connection and reads what the client and the origin saw. */
async function observe(
  port: number,
  seen: { backend: string; req: OriginRequest }[],
  r: DiffRequest,
): Promise<Observation> {
  const before = seen.length;
  const c = await RawClient.open(port);
  try {
    c.write(rawRequest(r));
    const res = await c.response({ head: r.method === "HEAD", timeoutMs: 5000 });
    const got = seen.slice(before);
    const o = got[0];
    const body = res.body.toString("latin1");
    return {
      status: `${res.status} ${res.reason}` +
        (got.length > 1 ? ` (${got.length} origin requests)` : ""),
      backend: o?.backend ?? "-",
      line: o ? `${o.req.method} ${o.req.target} ${o.req.version}` : "-",
      originHeaders: o ? fieldsText(o.req.headers, CONNECTION) : "-",
      clientHeaders: fieldsText(res.headers, CONNECTION),
      body: body.startsWith('{"backend"') ? "(origin's)" : JSON.stringify(body),
    };
  } finally {
    c.destroy();
  }
}

/** One field of one request that differs: `key` is "scenario #request field". */
export interface Difference {
  key: string;
  haproxy: string;
  tsproxy: string;
}

const FIELDS: (keyof Observation)[] = [
  "status",
  "backend",
  "line",
  "originHeaders",
  "clientHeaders",
  "body",
];

/**
 * The two configs tsproxy runs the scenarios on: the hand-written YAML, and `import`: haproxy's own
 * haproxy.cfg, converted as `tsproxy run -c haproxy.cfg` does (binds on port 0).
 */
export const TSPROXY_CONFIGS = ["yaml", "import"] as const;
export type TsproxyConfig = (typeof TSPROXY_CONFIGS)[number];

type Seen = { backend: string; req: OriginRequest }[];

/**
 * Runs every scenario through one haproxy and two tsproxy (under Bun, one per config of
 * {@link TSPROXY_CONFIGS}), each scenario's frontend on its own port, requests in order (each side
 * sequential, the three at once), and returns every field where each tsproxy differs from haproxy.
 */
export async function runScenarios(
  scenarios: Scenario[],
  opts: { verbose?: boolean } = {},
): Promise<
  { differences: Record<TsproxyConfig, Difference[]>; version: string; requests: number }
> {
  const n = scenarios.length;
  const seen: Record<"haproxy" | TsproxyConfig, Seen> = { haproxy: [], yaml: [], import: [] };
  const [hOrigins, yOrigins, iOrigins] = await Promise.all([
    origins(seen.haproxy),
    origins(seen.yaml),
    origins(seen.import),
  ]);
  const all = [...hOrigins, ...yOrigins, ...iOrigins];
  const ports = (o: RawHttpOrigin[]) => o.map((x) => x.port);
  const started = await Promise.allSettled([
    startHaproxyConfig(n, (fe) => haproxyConfig(scenarios, ports(hOrigins), fe)),
    startProxy("bun", tsproxyConfig(scenarios, ports(yOrigins)), n),
    startImported(n, (fe) => haproxyConfig(scenarios, ports(iOrigins), fe)),
  ]);
  if (started.some((p) => p.status === "rejected")) {
    await Promise.all(started.map((p) => p.status === "fulfilled" && p.value.stop()));
    await Promise.all(all.map((o) => o.close()));
    throw (started.find((p) => p.status === "rejected") as PromiseRejectedResult).reason;
  }
  const [haproxy, yaml, imported] = started.map((p) =>
    (p as PromiseFulfilledResult<unknown>).value
  ) as [
    Awaited<ReturnType<typeof startHaproxyConfig>>,
    Awaited<ReturnType<typeof startProxy>>,
    Awaited<ReturnType<typeof startImported>>,
  ];
  const differences: Record<TsproxyConfig, Difference[]> = { yaml: [], import: [] };
  let requests = 0;
  try {
    const tsPorts = {
      yaml: frontendPorts(yaml.output(), n),
      import: frontendPorts(imported.output(), n),
    };
    for (const [i, s] of scenarios.entries()) {
      for (const [k, r] of s.requests.entries()) {
        requests++;
        const [h, ...ts] = await Promise.all([
          observe(haproxy.ports[i]!, seen.haproxy, r),
          ...TSPROXY_CONFIGS.map((c) => observe(tsPorts[c][i]!, seen[c], r)),
        ]);
        for (const [j, config] of TSPROXY_CONFIGS.entries()) {
          const t = ts[j]!;
          for (const f of FIELDS) {
            if (opts.verbose) {
              console.log(`${s.name} #${k} ${f} (${config})\n  h: ${h![f]}\n  t: ${t[f]}`);
            }
            if (h![f] !== t[f]) {
              differences[config].push({
                key: `${s.name} #${k} ${f}`,
                haproxy: h![f],
                tsproxy: t[f],
              });
            }
          }
        }
      }
    }
    const errors = all.flatMap((o) => o.errors);
    if (errors.length > 0) throw new Error(`origins could not parse: ${errors.join("; ")}`);
  } finally {
    await Promise.all([haproxy.stop(), yaml.stop(), imported.stop()]);
    await Promise.all(all.map((o) => o.close()));
  }
  return { differences, version: haproxy.version, requests };
}

/** The port of each frontend fN, from tsproxy's "frontend fN listening on 127.0.0.1:PORT" lines. */
function frontendPorts(output: string, count: number): number[] {
  const ports: number[] = [];
  for (const m of output.matchAll(/frontend "?f(\d+)"? listening on [^\s]+:(\d+)/g)) {
    ports[Number(m[1])] = Number(m[2]);
  }
  for (let i = 0; i < count; i++) {
    if (ports[i] === undefined) throw new Error(`no port for frontend f${i} in:\n${output}`);
  }
  return ports;
}

/** The differences as a table for the test's output. */
export function differenceTable(rows: Difference[], why: Record<string, string>): string {
  return rows.map((r) =>
    `${r.key}\n  haproxy: ${r.haproxy}\n  tsproxy: ${r.tsproxy}\n  why: ${
      why[r.key] ?? "(UNJUSTIFIED)"
    }`
  ).join("\n");
}

/**
 * The check each differential file makes, for tsproxy on the hand-written YAML and on the imported
 * haproxy.cfg alike: the differences observed are exactly the `justified` ones (a new difference
 * fails, and so does a justified one that went away).
 */
export async function checkScenarios(
  title: string,
  scenarios: Scenario[],
  justified: Record<string, string>,
): Promise<void> {
  const names = new Set(scenarios.map((s) => s.name));
  if (names.size !== scenarios.length) throw new Error(`${title}: scenario names repeat`);
  const r = await runScenarios(scenarios, { verbose: process.env.TSPROXY_DIFF_VERBOSE === "1" });
  for (const config of TSPROXY_CONFIGS) {
    const found = r.differences[config];
    console.log(
      `\n${r.version}\n${title} (tsproxy on the ${
        config === "yaml" ? "YAML" : "imported haproxy.cfg"
      }): ` +
        `${scenarios.length} scenarios, ${r.requests} requests, ` +
        `${found.length} fields differ:\n${differenceTable(found, justified)}\n`,
    );
    const seen = found.map((d) => d.key);
    assert.deepEqual(
      seen.filter((k) => !(k in justified)),
      [],
      `${config}: differences to fix or to justify`,
    );
    assert.deepEqual(
      Object.keys(justified).filter((k) => !seen.includes(k)),
      [],
      `${config}: justified differences that no longer occur`,
    );
  }
}
