// HTTP suite's stats path: the bun config plus the stats page and the Prometheus exporter, scraped once a second while measured.
import { GEN_CPU } from "./options.ts";
import type { During } from "./suite.ts";

/** The frontend lines the `bun-stats` path adds to the `bun` config (README, "Seeing and steering it"). */
export const STATS_FRONTEND = `    stats: { uri: /stats }
    httpRequest: ["use-service prometheus-exporter if { path /metrics }"]
`;

/** What the scraper GETs, in this order, every `SCRAPE_EVERY_MS`. */
const SCRAPE_PATHS = ["/metrics", "/stats;csv"];
const SCRAPE_EVERY_MS = 1000;

/** One GET with curl pinned to the load generator's CPU: [status, body bytes, seconds]. */
async function get(url: string): Promise<[number, number, number]> {
  const out = await new Deno.Command("taskset", {
    args: ["-c", GEN_CPU, "timeout", "5", "curl", "-s", "-o", "/dev/null", "-w"]
      .concat(["%{http_code} %{size_download} %{time_total}", url]),
    stdout: "piped",
    stderr: "null",
  }).output();
  const [code, size, secs] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
  return [code ?? 0, size ?? 0, secs ?? 0];
}

/**
 * While a measured run goes, GETs `/metrics` and `/stats;csv` of the proxy on `port` once a
 * second, each as a pinned curl process on the load generator's CPU (a Prometheus server and an
 * operator's page, on the side of the load). `stop()` ends the loop and reports how many scrapes
 * ran, the median time and size of each, and a warning for every scrape that did not answer 200.
 */
export function scraper(port: number): During {
  let stopped = false;
  let wake = () => {};
  const times = new Map<string, number[]>(SCRAPE_PATHS.map((p) => [p, []]));
  const sizes = new Map<string, number>();
  const warnings: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const start = Date.now();
      for (const path of SCRAPE_PATHS) {
        const [code, size, secs] = await get(`http://127.0.0.1:${port}${path}`);
        if (code !== 200 || size === 0) {
          warnings.push(`scrape ${path}: status ${code || "none"}, ${size} bytes`);
        } else {
          times.get(path)!.push(secs * 1000);
          sizes.set(path, size);
        }
      }
      const left = SCRAPE_EVERY_MS - (Date.now() - start);
      if (left > 0 && !stopped) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
      const note = SCRAPE_PATHS.map((p) => {
        const xs = times.get(p)!;
        return `${p}: ${xs.length} scrapes, median ${median(xs).toFixed(1)} ms, ${
          ((sizes.get(p) ?? 0) / 1024).toFixed(0)
        } KiB`;
      }).join("; ");
      if (times.get(SCRAPE_PATHS[0]!)!.length === 0) warnings.push("no scrape completed");
      return { warnings, note };
    },
  };
}
