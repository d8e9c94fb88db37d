/** Times /metrics (prometheus-exporter) and /stats;csv on a proxy of 100 backends × 10 servers; fails if the median /metrics is 50 ms or more. */
// Run: deno run -A scripts/metrics_scale.ts   or   bun scripts/metrics_scale.ts
// Options: --backends N --servers N --requests N (defaults 100, 10, 50).
import process from "node:process";
import { parseArgs } from "node:util";
import { parseConfigText } from "../src/config/mod.ts";
import { startProxy } from "../src/plan/mod.ts";
import { getRuntime } from "../src/runtime/mod.ts";
import { renderCsv, renderPrometheus } from "../src/stats/render/mod.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    backends: { type: "string", default: "100" },
    servers: { type: "string", default: "10" },
    requests: { type: "string", default: "50" },
  },
});
const BACKENDS = Number(args.backends);
const SERVERS = Number(args.servers);
const REQUESTS = Number(args.requests);
/** The aim (issue 13): a scrape of 100 backends × 10 servers answers in under this. */
const AIM_MS = 50;

/** The config: one frontend with the stats page and the exporter, N backends of M servers on port 1 (nothing listens; no checks). */
function configYaml(): string {
  const lines = [
    "global: { log: none }",
    "defaults: { mode: http, timeout: { connect: 1s, client: 30s, server: 30s } }",
    "frontends:",
    "  web:",
    '    bind: ["127.0.0.1:0"]',
    "    defaultBackend: be0",
    "    stats: { uri: /stats }",
    '    httpRequest: ["use-service prometheus-exporter if { path /metrics }"]',
    "backends:",
  ];
  for (let b = 0; b < BACKENDS; b++) {
    lines.push(`  be${b}:`, "    servers:");
    for (let s = 0; s < SERVERS; s++) {
      lines.push(`      - { name: s${s}, address: "127.0.0.1:1" }`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Percentile `p` (0..1) of sorted `xs`, nearest rank. */
function pct(xs: number[], p: number): number {
  return xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
}

/**
 * Times REQUESTS calls of `render` (after 3 untimed ones) and the encoding of its text to bytes, as
 * the service sends it (a string built by concatenation is flattened there): no socket.
 */
function timeRender(render: () => string) {
  const enc = new TextEncoder();
  for (let i = 0; i < 3; i++) enc.encode(render());
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    enc.encode(render());
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { minMs: +ms[0]!.toFixed(2), medianMs: +pct(ms, 0.5).toFixed(2) };
}

/** Times REQUESTS GETs of `url` (after 3 untimed ones) and checks each answers 200. */
async function timeGets(url: string) {
  const get = async () => {
    const res = await fetch(url);
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) {
      const text = new TextDecoder().decode(body.subarray(0, 200));
      throw new Error(`GET ${url}: status ${res.status}: ${text}`);
    }
    return body;
  };
  for (let i = 0; i < 3; i++) await get(); // warm-up: JIT and the connection
  const ms: number[] = [];
  let body = new Uint8Array();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    body = await get();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const text = new TextDecoder().decode(body);
  return { min: ms[0]!, median: pct(ms, 0.5), p99: pct(ms, 0.99), bytes: body.length, body: text };
}

const loaded = parseConfigText(configYaml(), "metrics_scale.yaml");
if (!loaded.ok) throw new Error(`metrics_scale: config: ${JSON.stringify(loaded.errors)}`);
const proxy = await startProxy(loaded.config, await getRuntime());
const runtime = "Bun" in globalThis ? "bun" : "deno";
let failed = false;
try {
  const { host, port } = proxy.binds[0]!;
  const base = `http://${host}:${port}`;
  const out: Record<string, unknown> = { runtime, backends: BACKENDS, servers: SERVERS };
  for (const [name, path] of [["metrics", "/metrics"], ["csv", "/stats;csv"]] as const) {
    const r = await timeGets(base + path);
    const series = r.body.split("\n").filter((l) => l && !l.startsWith("#")).length;
    out[name] = {
      minMs: +r.min.toFixed(2),
      medianMs: +r.median.toFixed(2),
      p99Ms: +r.p99.toFixed(2),
      bytes: r.bytes,
      lines: series,
    };
    if (name === "metrics") failed = r.median >= AIM_MS;
  }
  out.renderOnly = {
    metrics: timeRender(() => renderPrometheus(proxy)),
    csv: timeRender(() => renderCsv(proxy)),
  };
  console.log(JSON.stringify(out));
  const m = out.metrics as { medianMs: number };
  console.log(
    `metrics_scale (${runtime}): median /metrics ${m.medianMs} ms, aim < ${AIM_MS} ms: ${
      failed ? "NOT MET" : "met"
    }`,
  );
} finally {
  await proxy.shutdown();
}
process.exit(failed ? 1 : 0);
