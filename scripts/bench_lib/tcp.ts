// TCP-mode suite: iperf3 bulk and redis-benchmark through HAProxy `mode tcp`, tsproxy, and direct.
import { exists, GEN_CPU, type Options, PROXY_CPU, ROOT, TMP, TREE } from "./options.ts";
import { load } from "./proc.ts";
import type { Path, Suite, Workload } from "./suite.ts";

const ORIGIN_PORT = 21000;
const TSPROXY_PORT = 21001;
const HAPROXY_PORT = 21010;
export const TCP_PATH_IDS = ["direct", "haproxy", "bun", "deno", "binary", "bun-workers"];

export function tcpSuite(opts: Options): Suite {
  const BULK = opts.quick ? "256M" : "1G";
  const REQUESTS = opts.quick ? 20_000 : 100_000;
  const tsproxyCfg = `${TMP}/tcp-tsproxy.yaml`;
  const workersCfg = `${TMP}/tcp-tsproxy-workers.yaml`;
  const haproxyCfg = `${TMP}/tcp-haproxy.cfg`;
  const noCli = exists(`${ROOT}/cli.ts`) ? undefined : "cli.ts not found";
  const allPaths: Path[] = [
    { id: "direct", label: "direct", port: ORIGIN_PORT },
    {
      id: "haproxy",
      label: "HAProxy",
      port: HAPROXY_PORT,
      argv: ["haproxy", "-db", "-f", haproxyCfg],
    },
    {
      id: "bun",
      label: "tsproxy (Bun)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyCfg],
      cwd: TREE,
      ...(noCli ? { missing: noCli } : {}),
    },
    {
      id: "deno",
      label: "tsproxy (Deno)",
      port: TSPROXY_PORT,
      argv: ["deno", "run", "--allow-net", "--allow-read", "--allow-env", "--allow-sys"]
        .concat(["cli.ts", "run", "-c", tsproxyCfg]),
      cwd: TREE,
      ...(noCli ? { missing: noCli } : {}),
    },
    {
      // global.workers: 2, the master and its workers left on both cores (the load generator
      // and the origin stay on theirs): how the 2 cores are shared is the kernel's choice
      id: "bun-workers",
      label: "tsproxy (Bun, 2 workers, unpinned)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", workersCfg],
      cwd: TREE,
      cpus: `${PROXY_CPU},${GEN_CPU}`,
      ready: /listening on .*2 workers/,
      ...(noCli ? { missing: noCli } : {}),
    },
    {
      id: "binary",
      label: "tsproxy (binary)",
      port: TSPROXY_PORT,
      argv: ["dist/tsproxy", "run", "-c", tsproxyCfg],
      ...(exists(`${ROOT}/dist/tsproxy`) ? {} : { missing: "dist/tsproxy not built" }),
    },
  ];

  Deno.writeTextFileSync(
    tsproxyCfg,
    `global: { maxconn: 10000 }
defaults: { timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  bench: { bind: ["127.0.0.1:${TSPROXY_PORT}"], mode: tcp, defaultBackend: origin }
backends:
  origin:
    mode: tcp
    balance: roundrobin
    servers:
      - { name: o1, address: "127.0.0.1:${ORIGIN_PORT}" }
`,
  );
  Deno.writeTextFileSync(
    workersCfg,
    Deno.readTextFileSync(tsproxyCfg).replace(
      "global: { maxconn: 10000 }",
      "global: { maxconn: 10000, workers: 2 }",
    ),
  );
  // No global maxconn: haproxy then derives it from `ulimit -n` (maxconn 10000 needs 20014 fds).
  Deno.writeTextFileSync(
    haproxyCfg,
    `global
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend bench
  bind 127.0.0.1:${HAPROXY_PORT}
  default_backend origin
backend origin
  balance roundrobin
  server o1 127.0.0.1:${ORIGIN_PORT}
`,
  );

  async function iperf(port: number, reverse: boolean): Promise<number> {
    const args = ["iperf3", "-c", "127.0.0.1", "-p", String(port), "-n", BULK, "-J"];
    const json = JSON.parse(
      await load([...args, "--connect-timeout", "5000", ...(reverse ? ["-R"] : [])], 300),
    );
    if (json.error) throw new Error(`iperf3: ${json.error}`);
    const bps = json.end?.sum_received?.bits_per_second;
    if (typeof bps !== "number") throw new Error("iperf3: no end.sum_received in its JSON output");
    return bps;
  }

  const bulkName = opts.quick ? "256 MiB" : "1 GiB";
  const bulkGiB = opts.quick ? 0.25 : 1;
  const workloads: Workload[] = [
    {
      id: "bulk",
      cpuRow: "proxy CPU time per GiB moved (both bulk runs)",
      cpuUnit: "s/GiB",
      cpuScale: 1,
      origin: ["iperf3", "-s", "-B", "127.0.0.1", "-p", String(ORIGIN_PORT)],
      async measure(port) {
        const up = await iperf(port, false);
        const down = await iperf(port, true);
        return {
          samples: [
            { row: `bulk ${bulkName}, client → server (iperf3)`, unit: "bit/s", value: up },
            { row: `bulk ${bulkName}, server → client (iperf3 -R)`, unit: "bit/s", value: down },
          ],
          work: 2 * bulkGiB,
          warnings: [],
        };
      },
    },
    {
      id: "redis",
      cpuRow: "proxy CPU time per redis request (all four tests)",
      cpuUnit: "µs/req",
      cpuScale: 1e6,
      origin: ["redis-server", "--port", String(ORIGIN_PORT), "--bind", "127.0.0.1"]
        .concat(["--save", "", "--appendonly", "no"]),
      async measure(port) {
        const csv = await load([
          "redis-benchmark",
          ...["-h", "127.0.0.1", "-p", String(port), "-t", "ping,set,get"],
          ...["-n", String(REQUESTS), "-c", "50", "--csv"],
        ], 300);
        const samples = [];
        for (const line of csv.trim().split("\n").slice(1)) {
          const [test, rps] = line.split(",").map((f) => f.replace(/"/g, ""));
          if (!test || !rps) continue;
          const row = `redis ${test} (${REQUESTS / 1000}k req, 50 conns)`;
          samples.push({ row, unit: "req/s" as const, value: Number(rps) });
        }
        if (!samples.length) {
          throw new Error(`redis-benchmark: no results in ${JSON.stringify(csv)}`);
        }
        return { samples, work: 4 * REQUESTS, warnings: [] };
      },
    },
  ];

  const paths = allPaths.filter((p) =>
    opts.paths ? opts.paths.includes(p.id) : p.id !== "binary" || !p.missing
  );
  return {
    mode: "tcp",
    title: "tsproxy TCP-mode benchmark",
    originPort: ORIGIN_PORT,
    paths,
    workloads,
    tools: [
      ["iperf3", ["iperf3", "--version"], /iperf ([\d.]+)/],
      ["redis", ["redis-benchmark", "--version"], /([\d.]+)/],
    ],
    rssRows: "per-workload",
  };
}
