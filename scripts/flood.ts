/**
 * Issue 14's flood measured with the load generator kept off the proxy's core: the proxy (HAProxy,
 * tsproxy on Bun, Deno, the binary) pinned to CPU 0, this process (the 20 steady clients, the
 * origin) and the abuser (under `nice`) on CPU 1, so the steady clients' p99 says what the proxy
 * does to them, not what the abuser's process does to the clients' core. Paths interleave per
 * round. `scripts/flood [--rounds N] [--paths haproxy,bun,deno,binary] [--nice N]`.
 */
import { execFileSync } from "node:child_process";
import process from "node:process";
import { parseArgs } from "node:util";
import {
  haproxyFloodConfig,
  measureFlood,
  tsproxyFloodConfig,
} from "../tests/e2e/helpers/flood.ts";
import { haproxyAvailable, startHaproxyConfig } from "../tests/e2e/helpers/haproxy.ts";
import { rawHttpOrigin } from "../tests/e2e/helpers/http.ts";
import { type ProxyRuntime, startProxy } from "../tests/e2e/helpers/proxy.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    paths: { type: "string", default: "haproxy,bun,deno" },
    nice: { type: "string", default: "19" },
  },
});
const rounds = Number(values.rounds), nice = Number(values.nice);
const paths = values.paths!.split(",").filter((p) => p !== "haproxy" || haproxyAvailable());

/** Pins every thread of `pid` to CPU 0. */
function pin(pid: number): void {
  execFileSync("taskset", ["-a", "-p", "-c", "0", String(pid)], { stdio: "ignore" });
}

const results = new Map<
  string,
  { q: number; l: number; rate: number; denied: number; ok: number }[]
>();
const origin = await rawHttpOrigin();
for (let round = 1; round <= rounds; round++) {
  for (const path of round % 2 ? paths : [...paths].reverse()) {
    let stop: () => Promise<unknown>, port: number;
    if (path === "haproxy") {
      const hap = await startHaproxyConfig(1, ([p]) => haproxyFloodConfig(p!, origin.port));
      pin(hap.proc.pid!);
      [stop, port] = [() => hap.stop(), hap.port];
    } else {
      const proxy = await startProxy(path as ProxyRuntime, tsproxyFloodConfig(origin.port));
      pin(proxy.proc.pid!);
      [stop, port] = [() => proxy.stop(), proxy.ports[0]!];
    }
    try {
      const m = await measureFlood(`${path} (round ${round})`, port, nice);
      const bad = m.quiet.statuses.concat(m.loud.statuses).filter((s) => s !== 200).length;
      if (bad) console.log(`  ${path}: ${bad} steady requests were not answered 200`);
      const list = results.get(path) ?? [];
      list.push({ q: m.q, l: m.l, rate: m.rate, denied: m.abuser.denied!, ok: m.abuser.ok! });
      results.set(path, list);
    } finally {
      await stop();
    }
  }
}
await origin.close();

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(
  `\n| proxy | quiet p99 (ms) | flood p99 (ms) | flood/quiet (median) | abuser req/s | abuser passed |`,
);
console.log(`|---|---|---|---|---|---|`);
for (const [path, list] of results) {
  const ratios = list.map((r) => r.l / r.q);
  console.log(
    `| ${path} | ${list.map((r) => r.q.toFixed(2)).join(", ")} | ${
      list.map((r) => r.l.toFixed(2)).join(", ")
    } | ${median(ratios).toFixed(2)}× | ${median(list.map((r) => r.rate))} | ${
      median(list.map((r) => r.ok))
    } |`,
  );
}
process.exit(0);
