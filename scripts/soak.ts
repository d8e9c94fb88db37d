// Soak run (issue 12): millions of mixed requests through tsproxy, its RSS sampled every second.
//
//   bash scripts/soak [--requests N] [--quick] [--runtimes bun,deno] [--round SECONDS]
//
// The mix, in rounds run side by side: wrk keep-alive small responses (-c16), wrk connection per
// request (-c8), wrk 1 MiB downloads (-c2), wrk 1 MiB uploads (-c2), and a WebSocket client (4
// connections at a time: upgrade, 8 echoes of 1 KiB, close). The origin is a Bun.serve; the proxy
// runs the bench's config with the access log on (to /dev/null) pinned to CPU 0, the rest to CPU 1.
// Writes RSS per second to a CSV (seconds, RSS KiB, requests done) and prints a summary per runtime:
// RSS from 1 M requests on (half the total when that is less than 2 M) vs at the end, each the median
// of 30 samples, and the failed requests.
const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** SOAK_PORT=N: the origin on N, the proxy on N+1 (another range when several people share a machine). */
const ORIGIN_PORT = Number(Deno.env.get("SOAK_PORT") ?? 21140);
const PROXY_PORT = ORIGIN_PORT + 1;
const MiB = 1024 * 1024;

interface Options {
  requests: number;
  runtimes: string[];
  round: number;
}

function parse(args: string[]): Options {
  const o: Options = { requests: 10_000_000, runtimes: ["bun", "deno"], round: 5 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--quick") o.requests = 2_000_000;
    else if (a === "--requests") o.requests = Number(v), i++;
    else if (a === "--runtimes") o.runtimes = String(v).split(","), i++;
    else if (a === "--round") o.round = Number(v), i++;
    else {
      console.error(`soak: unknown option ${a}
usage: bash scripts/soak [--requests N (default 10000000)] [--quick (2000000)] [--runtimes bun,deno,binary] [--round S]`);
      Deno.exit(2);
    }
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid: number): number {
  try {
    return Number(
      /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ?? 0,
    );
  } catch {
    return 0;
  }
}

function listening(port: number): boolean {
  const hex = ":" + port.toString(16).toUpperCase().padStart(4, "0");
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").some((l) => {
    const [, local, , state] = l.trim().split(/\s+/);
    return state === "0A" && local?.endsWith(hex);
  });
}

/** argv pinned to a core, output to `log`; waits until `port` listens. */
async function startServer(argv: string[], cpu: string, port: number, log: string) {
  if (listening(port)) throw new Error(`port ${port} is already in use`);
  const child = new Deno.Command("bash", {
    args: ["-c", 'exec taskset -c "$CPU" "$@" >"$LOG" 2>&1', "soak", ...argv],
    env: { CPU: cpu, LOG: log, NO_COLOR: "1" },
    cwd: ROOT,
    stdin: "null",
  }).spawn();
  for (let t = 0; !listening(port); t += 50) {
    if (t > 20_000) {
      await stop(child);
      throw new Error(`${argv[0]} did not listen on ${port}:\n${Deno.readTextFileSync(log)}`);
    }
    await sleep(50);
  }
  return child;
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* gone */ }
  const t = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 5000);
  await child.status;
  clearTimeout(t);
}

/** What one load generator did in a round. */
interface Done {
  requests: number;
  failures: number;
  detail: string;
}

async function run(argv: string[]): Promise<string> {
  const out = await new Deno.Command("taskset", {
    args: ["-c", "1", "timeout", "120", ...argv],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

async function wrk(name: string, args: string[], secs: number): Promise<Done> {
  const out = await run(["wrk", "-t1", `-d${secs}s`, ...args]);
  const total = /^\s+(\d+) requests in/m.exec(out);
  if (!total) return { requests: 0, failures: 1, detail: `${name}: ${out.trim().slice(-300)}` };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  // a connection-per-request run counts the server's close as a read error: not a failed request
  const socketFailures = errors
    ? Number(errors[1]) + Number(errors[3]) + Number(errors[4]) +
      (name === "close" ? 0 : Number(errors[2]))
    : 0;
  const failures = socketFailures + non2xx;
  return {
    requests: Number(total[1]),
    failures,
    detail: failures ? `${name}: ${errors?.[0] ?? ""} non-2xx ${non2xx}` : "",
  };
}

/** One round of the mix, side by side. */
async function round(secs: number, tmp: string): Promise<Done> {
  const url = `http://127.0.0.1:${PROXY_PORT}`;
  const parts = await Promise.all([
    wrk("keep-alive", ["-c16", `${url}/small`], secs),
    wrk("close", ["-c8", "-H", "Connection: close", `${url}/small`], secs),
    wrk("1m-down", ["-c2", `${url}/1m`], secs),
    wrk("1m-up", ["-c2", "-s", `${tmp}/post.lua`, `${url}/up`], secs),
    run([Deno.execPath(), "run", "-A", import.meta.filename!, "--ws", String(secs)]).then(
      (out): Done => {
        try {
          const r = JSON.parse(out.trim().split("\n").pop()!);
          return {
            requests: r.upgrades,
            failures: r.failures,
            detail: r.failures ? `ws: ${out}` : "",
          };
        } catch {
          return { requests: 0, failures: 1, detail: `ws: ${out.slice(-300)}` };
        }
      },
    ),
  ]);
  return {
    requests: parts.reduce((a, p) => a + p.requests, 0),
    failures: parts.reduce((a, p) => a + p.failures, 0),
    detail: parts.map((p) => p.detail).filter(Boolean).join("; "),
  };
}

/** The WebSocket client (`--ws SECONDS`): 4 at a time, each upgrade, 8 echoes of 1 KiB, close. */
async function wsClient(secs: number): Promise<void> {
  const until = Date.now() + secs * 1000;
  let upgrades = 0, failures = 0;
  const msg = "x".repeat(1024);
  const one = () =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${PROXY_PORT}/ws`);
      let echoed = 0;
      const timer = setTimeout(() => fail(), 10_000);
      const fail = () => {
        clearTimeout(timer);
        failures++;
        try {
          ws.close();
        } catch { /* closed */ }
        resolve();
      };
      ws.onopen = () => {
        upgrades++;
        ws.send(msg);
      };
      ws.onmessage = (e) => {
        if (e.data !== msg) return fail();
        if (++echoed < 8) return ws.send(msg);
        clearTimeout(timer);
        ws.onclose = () => resolve();
        ws.onerror = null;
        ws.close();
      };
      ws.onerror = () => fail();
    });
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (Date.now() < until) await one();
  }));
  console.log(JSON.stringify({ upgrades, failures }));
  Deno.exit(0);
}

const ORIGIN = `// soak origin: small, 1 MiB down, uploads read and answered, WebSocket echo
const big = new Uint8Array(${MiB}).fill(97);
Bun.serve({
  hostname: "127.0.0.1",
  port: ${ORIGIN_PORT},
  async fetch(req, server) {
    const path = new URL(req.url).pathname;
    if (path === "/ws" && server.upgrade(req)) return;
    if (path === "/1m") return new Response(big);
    if (path === "/up") return new Response(String((await req.arrayBuffer()).byteLength));
    return new Response("hello world\\n");
  },
  websocket: { message(ws, m) { ws.send(m); } },
});
`;

function proxyArgv(rt: string, cfg: string): string[] {
  if (rt === "bun") return ["bun", "cli.ts", "run", "-c", cfg];
  if (rt === "binary") return ["dist/tsproxy", "run", "-c", cfg];
  if (rt === "deno") {
    return ["deno", "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
      .concat(["--allow-sys", "cli.ts", "run", "-c", cfg]);
  }
  throw new Error(`unknown runtime ${rt} (bun, deno, binary)`);
}

async function soak(rt: string, o: Options, tmp: string): Promise<string> {
  const cfg = `${tmp}/soak-${rt}.yaml`;
  Deno.writeTextFileSync(
    cfg,
    `global: { log: /dev/null }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web: { bind: ["127.0.0.1:${PROXY_PORT}"], defaultBackend: origin }
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${ORIGIN_PORT}" }
`,
  );
  const proxy = await startServer(proxyArgv(rt, cfg), "0", PROXY_PORT, `${tmp}/proxy-${rt}.log`);
  const pid = proxy.pid;
  const csvPath = `${tmp}/soak-${rt}.csv`;
  const csv = ["seconds,rss_kib,requests"];
  const t0 = Date.now();
  let done = 0, failures = 0;
  const details: string[] = [];
  Deno.writeTextFileSync(csvPath, csv[0] + "\n");
  const sampler = setInterval(() => {
    const row = `${((Date.now() - t0) / 1000).toFixed(0)},${rssKiB(pid)},${done}`;
    csv.push(row);
    Deno.writeTextFileSync(csvPath, row + "\n", { append: true }); // kept if the run is cut short
  }, 1000);
  const ref = Math.min(1_000_000, Math.floor(o.requests / 2));
  try {
    while (done < o.requests) {
      const r = await round(o.round, tmp);
      done += r.requests;
      failures += r.failures;
      if (r.detail) details.push(r.detail);
      const secs = (Date.now() - t0) / 1000;
      console.error(
        `soak ${rt}: ${done} requests, ${failures} failed, RSS ${
          (rssKiB(pid) / 1024).toFixed(1)
        } MiB, ${secs.toFixed(0)} s`,
      );
      if (r.requests === 0) throw new Error(`no request completed in a round: ${r.detail}`);
    }
  } finally {
    clearInterval(sampler);
  }
  await stop(proxy);
  const [rssAtRef, end] = summary(csv.slice(1), ref);
  const pct = ((end - rssAtRef) / rssAtRef) * 100;
  const mib = (k: number) => (k / 1024).toFixed(1);
  for (const d of details.slice(0, 5)) console.error(`soak ${rt}: ${d}`);
  return `${rt}: ${done} requests in ${((Date.now() - t0) / 1000).toFixed(0)} s, RSS (median of ` +
    `${WINDOW} s) from ${ref / 1e6} M requests ${mib(rssAtRef)} MiB, at the end ${mib(end)} MiB (${
      pct >= 0 ? "+" : ""
    }${pct.toFixed(1)}%), failed ${failures}; samples in ${csvPath}`;
}

/** Seconds of samples whose median stands for "RSS at" a point: 1 MiB bodies make single samples jump. */
const WINDOW = 30;

/** RSS (KiB) from the first sample at `ref` requests on, and over the last samples: medians of WINDOW each. */
export function summary(rows: string[], ref: number): [number, number] {
  const samples = rows.map((r) => r.split(",").map(Number) as [number, number, number]);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const from = Math.max(0, samples.findIndex((s) => s[2] >= ref));
  return [
    median(samples.slice(from, from + WINDOW).map((s) => s[1])),
    median(samples.slice(-WINDOW).map((s) => s[1])),
  ];
}

async function main(args: string[]): Promise<void> {
  const o = parse(args);
  const tmp = Deno.makeTempDirSync({ prefix: "tsproxy-soak." });
  Deno.writeTextFileSync(`${tmp}/origin.ts`, ORIGIN);
  Deno.writeTextFileSync(
    `${tmp}/post.lua`,
    `wrk.method = "POST"\nwrk.body = string.rep("u", ${MiB})\nwrk.headers["Content-Type"] = "application/octet-stream"\n`,
  );
  const origin = await startServer(
    ["bun", `${tmp}/origin.ts`],
    "1",
    ORIGIN_PORT,
    `${tmp}/origin.log`,
  );
  const lines: string[] = [];
  try {
    for (const rt of o.runtimes) lines.push(await soak(rt, o, tmp));
  } finally {
    await stop(origin);
  }
  console.log(lines.join("\n"));
}

if (Deno.args[0] === "--ws") await wsClient(Number(Deno.args[1]));
else await main(Deno.args);
