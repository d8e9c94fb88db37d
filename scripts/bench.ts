// TCP-mode benchmark harness: direct vs HAProxy vs tsproxy (Bun, Deno, binary), run via scripts/bench.

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const TMP = Deno.env.get("BENCH_TMP") ?? Deno.makeTempDirSync({ prefix: "tsproxy-bench." });
const OUT = `${ROOT}/.bench`;
const ORIGIN_PORT = 21000;
const TSPROXY_PORT = 21001;
const HAPROXY_PORT = 21010;
const PROXY_CPU = "0"; // the proxy under test
const GEN_CPU = "1"; // the load generator and the origin server
const HELP =
  `usage: scripts/bench [--quick] [--only tcp] [--paths direct,haproxy,bun,deno,binary] [--runs N]
  --quick   256 MiB per bulk run and 20k requests (smoke run)
  --only    benchmark mode to run; only "tcp" exists
  --paths   subset of paths to measure (default: all that exist)
  --runs    repeat every measurement N times and report the best (default 3, 1 with --quick)`;

// ---- command line ----------------------------------------------------------------------------

let quick = false;
let runs = 0; // 0: 3 for a full run, 1 with --quick
let only = "tcp";
let pathFilter: string[] | undefined;
for (let i = 0; i < Deno.args.length; i++) {
  const a = Deno.args[i];
  const next = () => Deno.args[++i] ?? die(`${a} needs a value`);
  if (a === "--quick") quick = true;
  else if (a === "--only") only = next();
  else if (a === "--paths") pathFilter = next().split(",");
  else if (a === "--runs") runs = Number(next());
  else if (a === "-h" || a === "--help") {
    console.log(HELP);
    Deno.exit(0);
  } else die(`unknown argument ${a}\n${HELP}`);
}
if (only !== "tcp") die(`--only ${only}: only "tcp" is implemented`);
if (runs === 0) runs = quick ? 1 : 3;
if (!(runs >= 1)) die("--runs must be a positive number");
const BULK = quick ? "256M" : "1G";
const REQUESTS = quick ? 20_000 : 100_000;

function die(msg: string): never {
  console.error(`bench: ${msg}`);
  Deno.exit(2);
}

// ---- the paths under test --------------------------------------------------------------------

interface Path {
  id: string;
  label: string;
  port: number;
  /** argv of the proxy (started pinned to PROXY_CPU); absent for the direct path. */
  argv?: string[];
  /** Why the path cannot run, if it cannot. */
  missing?: string;
}

const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};

const tsproxyCfg = `${TMP}/tsproxy.yaml`;
const haproxyCfg = `${TMP}/haproxy.cfg`;
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
    ...(noCli ? { missing: noCli } : {}),
  },
  {
    id: "deno",
    label: "tsproxy (Deno)",
    port: TSPROXY_PORT,
    argv: ["deno", "run", "--allow-net", "--allow-read", "--allow-env", "--allow-sys"]
      .concat(["cli.ts", "run", "-c", tsproxyCfg]),
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
const paths = allPaths.filter((p) =>
  pathFilter ? pathFilter.includes(p.id) : p.id !== "binary" || !p.missing
);
if (pathFilter?.some((id) => !allPaths.find((p) => p.id === id))) die(`--paths: unknown path`);

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

// ---- processes -------------------------------------------------------------------------------

interface Proc {
  name: string;
  child: Deno.ChildProcess;
  log: string;
  exited: boolean;
}
const live = new Set<Proc>();
let stopping = false; // set by SIGINT/SIGTERM: start nothing new

/** Keep $BENCH_TMP/pids current so scripts/bench can kill leftovers if we die. */
function savePids() {
  Deno.writeTextFileSync(`${TMP}/pids`, [...live].map((p) => `${p.child.pid}\n`).join(""));
}

/** Start argv pinned to `cpu`, output to `log`; the pid is the program's own (bash and taskset exec). */
function start(name: string, argv: string[], cpu: string, log: string): Proc {
  if (stopping) throw new Error("interrupted");
  const child = new Deno.Command("bash", {
    args: ["-c", 'exec taskset -c "$CPU" "$@" >"$LOG" 2>&1', "bench", ...argv],
    env: { CPU: cpu, LOG: log, NO_COLOR: "1" },
    cwd: ROOT,
    stdin: "null",
  }).spawn();
  const proc: Proc = { name, child, log, exited: false };
  child.status.then(() => {
    proc.exited = true;
    live.delete(proc);
    savePids();
  });
  live.add(proc);
  savePids();
  return proc;
}

/** SIGTERM, then SIGKILL after 5 s. */
async function stop(proc: Proc) {
  if (proc.exited) return;
  const kill = (sig: Deno.Signal) => {
    try {
      proc.child.kill(sig);
    } catch { /* already gone */ }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), 5000);
  await proc.child.status;
  clearTimeout(timer);
}

async function stopAll() {
  await Promise.all([...live].map(stop));
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    stopping = true;
    stopAll().finally(() => Deno.exit(130));
  });
}

/** Is something listening on 127.0.0.1:port (or the wildcard)? Reads /proc, makes no connection. */
function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(file).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hex}`)) return true;
    }
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  try {
    return Deno.readTextFileSync(file).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Start a server and wait until its port listens; throws with its log if it dies or times out. */
async function startServer(name: string, argv: string[], cpu: string, port: number) {
  for (let t = 0; listening(port); t += 100) {
    if (t > 10_000) throw new Error(`port ${port} is already in use`);
    await sleep(100);
  }
  const proc = start(name, argv, cpu, `${OUT}/logs/${name}.log`);
  for (let t = 0; !listening(port); t += 50) {
    if (proc.exited || t > 20_000) {
      await stop(proc);
      const why = proc.exited ? "exited" : "did not listen within 20 s";
      throw new Error(`${name} ${why} on port ${port}:\n${tail(proc.log)}`);
    }
    await sleep(50);
  }
  return proc;
}

/** Run a load generator pinned to GEN_CPU, killed after `timeoutSec`; returns stdout. */
async function load(argv: string[], timeoutSec: number): Promise<string> {
  if (stopping) throw new Error("interrupted");
  const child = new Deno.Command("taskset", {
    args: ["-c", GEN_CPU, "timeout", "-k", "5", String(timeoutSec), ...argv],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const proc: Proc = { name: argv[0] ?? "", child, log: "", exited: false };
  live.add(proc);
  savePids();
  const out = await child.output();
  live.delete(proc);
  savePids();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const msg = (new TextDecoder().decode(out.stderr) + stdout).trim().slice(-600);
    const why = out.code === 124 ? `timed out after ${timeoutSec} s` : `exit ${out.code}`;
    throw new Error(`${argv[0]} ${why}${msg ? `: ${msg}` : ""}`);
  }
  return stdout;
}

const CLK_TCK = Number(
  new TextDecoder().decode(new Deno.Command("getconf", { args: ["CLK_TCK"] }).outputSync().stdout),
) || 100;

/** CPU time (user + system, all threads) the process has used, in seconds. */
function cpuSeconds(proc: Proc): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${proc.child.pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3, "state"
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15: utime, stime
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM), or undefined if the process is gone. */
function peakRss(proc: Proc): number | undefined {
  try {
    const m = Deno.readTextFileSync(`/proc/${proc.child.pid}/status`).match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---- workloads -------------------------------------------------------------------------------

type Unit = "bit/s" | "req/s" | "s/GiB" | "µs/req" | "bytes";
const LOWER_IS_BETTER: Unit[] = ["s/GiB", "µs/req", "bytes"];

interface Workload {
  id: string;
  origin: string[];
  /** Row name -> value, for one measurement through `port`. */
  measure(port: number): Promise<Map<string, number>>;
  unit: Unit;
  /** Row for the proxy's CPU time over one measurement, times `cpuScale` (per GiB, per request). */
  cpuRow: string;
  cpuUnit: Unit;
  cpuScale: number;
}

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

const bulkName = quick ? "256 MiB" : "1 GiB";
const bulkGiB = quick ? 0.25 : 1;
const workloads: Workload[] = [
  {
    id: "bulk",
    unit: "bit/s",
    cpuRow: "proxy CPU time per GiB moved (both bulk runs)",
    cpuUnit: "s/GiB",
    cpuScale: 1 / (2 * bulkGiB),
    origin: ["iperf3", "-s", "-B", "127.0.0.1", "-p", String(ORIGIN_PORT)],
    async measure(port) {
      return new Map([
        [`bulk ${bulkName}, client → server (iperf3)`, await iperf(port, false)],
        [`bulk ${bulkName}, server → client (iperf3 -R)`, await iperf(port, true)],
      ]);
    },
  },
  {
    id: "redis",
    unit: "req/s",
    cpuRow: "proxy CPU time per redis request (all four tests)",
    cpuUnit: "µs/req",
    cpuScale: 1e6 / (4 * REQUESTS),
    origin: ["redis-server", "--port", String(ORIGIN_PORT), "--bind", "127.0.0.1"]
      .concat(["--save", "", "--appendonly", "no"]),
    async measure(port) {
      const csv = await load([
        "redis-benchmark",
        ...["-h", "127.0.0.1", "-p", String(port), "-t", "ping,set,get"],
        ...["-n", String(REQUESTS), "-c", "50", "--csv"],
      ], 300);
      const rows = new Map<string, number>();
      for (const line of csv.trim().split("\n").slice(1)) {
        const [test, rps] = line.split(",").map((f) => f.replace(/"/g, ""));
        if (test && rps) rows.set(`redis ${test} (${REQUESTS / 1000}k req, 50 conns)`, Number(rps));
      }
      if (rows.size === 0) throw new Error(`redis-benchmark: no results in ${JSON.stringify(csv)}`);
      return rows;
    },
  },
];

// ---- run ---------------------------------------------------------------------------------------

Deno.mkdirSync(`${OUT}/logs`, { recursive: true });
const loadBefore = Deno.loadavg()[0]!.toFixed(2);
const rows = new Map<string, { unit: Unit; samples: Map<string, number[]> }>();
const rss = new Map<string, number>(); // "workload/path" -> peak VmHWM over its runs
const errors: string[] = [];
const failed = new Map<string, string>(); // path id -> short reason for cells without a value
const broken = new Set<string>(); // "path/workload" pairs that failed once: not retried

/** One measurement of workload `w` through `path`, with a fresh origin and proxy. */
async function measureOnce(path: Path, w: Workload, round: number) {
  const label = `${path.label}, ${w.id}`;
  console.error(`bench: ${label}, run ${round}/${runs} ...`);
  let origin: Proc | undefined;
  let proxy: Proc | undefined;
  try {
    origin = await startServer(`origin-${w.id}-${path.id}`, w.origin, GEN_CPU, ORIGIN_PORT);
    if (path.argv) proxy = await startServer(`${path.id}-${w.id}`, path.argv, PROXY_CPU, path.port);
    const cpuBefore = proxy && cpuSeconds(proxy);
    const values = await w.measure(path.port);
    if (proxy?.exited) throw new Error(`${path.label} exited:\n${tail(proxy.log)}`);
    const cpuAfter = proxy && cpuSeconds(proxy);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      values.set(w.cpuRow, (cpuAfter - cpuBefore) * w.cpuScale);
    }
    for (const [row, v] of values) {
      const unit = row === w.cpuRow ? w.cpuUnit : w.unit;
      if (!rows.has(row)) rows.set(row, { unit, samples: new Map() });
      const samples = rows.get(row)!.samples;
      samples.set(path.id, [...(samples.get(path.id) ?? []), v]);
    }
  } catch (e) {
    broken.add(`${path.id}/${w.id}`);
    errors.push(`**${label}**: ${(e as Error).message}`);
    const log = proxy ? tail(proxy.log) : "";
    if (log && !(e as Error).message.includes(log)) errors.push(`${path.label} log:\n${log}`);
  } finally {
    if (proxy) {
      const hwm = peakRss(proxy);
      const key = `${w.id}/${path.id}`;
      if (hwm !== undefined) rss.set(key, Math.max(rss.get(key) ?? 0, hwm));
      await stop(proxy);
    }
    if (origin) await stop(origin);
  }
}

// Interleave the paths within each round, so background load hits them alike.
for (const path of paths) if (path.missing) failed.set(path.id, `n/a (${path.missing})`);
for (const w of workloads) {
  for (let round = 1; round <= runs; round++) {
    for (const path of paths) {
      if (!path.missing && !broken.has(`${path.id}/${w.id}`)) await measureOnce(path, w, round);
    }
  }
}

// ---- report ------------------------------------------------------------------------------------

async function version(argv: string[], re: RegExp): Promise<string> {
  try {
    const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.match(re)?.[1] ?? "?";
  } catch {
    return "?";
  }
}

const cpuModel = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
const machine = [
  `nproc ${navigator.hardwareConcurrency}`,
  cpuModel.trim(),
  `Linux ${Deno.osRelease()}`,
  `Bun ${await version(["bun", "--version"], /([\d.]+)/)}`,
  `Deno ${await version(["deno", "--version"], /deno ([\d.]+)/)}`,
  `HAProxy ${await version(["haproxy", "-v"], /version ([\w.+~-]+)/)}`,
  `iperf3 ${await version(["iperf3", "--version"], /iperf ([\d.]+)/)}`,
  `redis ${await version(["redis-benchmark", "--version"], /([\d.]+)/)}`,
].join(", ");

function fmt(v: number, unit: Unit): string {
  if (unit === "bit/s") return `${(v / 1e9).toFixed(2)} Gbit/s`;
  if (unit === "req/s") return `${Math.round(v).toLocaleString("en-US")} req/s`;
  if (unit === "s/GiB") return `${v.toFixed(3)} s/GiB`;
  if (unit === "µs/req") return `${v.toFixed(1)} µs/req`;
  return `${(v / 2 ** 20).toFixed(1)} MiB`;
}

function cell(
  v: number | undefined,
  base: number | undefined,
  unit: Unit,
  id: string,
  n = runs,
) {
  if (v === undefined) return failed.get(id) ?? "error";
  const notes = [base ? `${(v / base).toFixed(2)}×` : "", n < runs ? `${n} of ${runs} runs` : ""];
  const note = notes.filter(Boolean).join(", ");
  return note ? `${fmt(v, unit)} (${note})` : fmt(v, unit);
}

const header = ["workload", ...paths.map((p) => p.label)];
const lines = [
  `| ${header.join(" | ")} |`,
  `|${header.map((_, i) => (i ? "---:" : ":---")).join("|")}|`,
];
for (const [row, { unit, samples }] of rows) {
  const best = LOWER_IS_BETTER.includes(unit) ? Math.min : Math.max;
  const values = new Map([...samples].map(([id, xs]) => [id, best(...xs)]));
  const base = values.get("haproxy");
  const cpuRow = workloads.some((w) => w.cpuRow === row);
  const cells = paths.map((p) =>
    cpuRow && !p.argv ? "—" : cell(values.get(p.id), base, unit, p.id, samples.get(p.id)?.length)
  );
  lines.push(`| ${row} | ${cells.join(" | ")} |`);
}
for (const w of workloads) {
  const base = rss.get(`${w.id}/haproxy`);
  const cells = paths.map((p) =>
    p.argv ? cell(rss.get(`${w.id}/${p.id}`), base, "bytes", p.id) : "—"
  );
  lines.push(`| peak RSS during ${w.id} (VmHWM) | ${cells.join(" | ")} |`);
}

const when = new Date().toISOString();
const report = [
  `# tsproxy TCP-mode benchmark${quick ? " (--quick)" : ""}`,
  "",
  `Machine: ${machine}.`,
  "",
  `${when}; proxy pinned to CPU ${PROXY_CPU}, load generator and origin to CPU ${GEN_CPU}; ` +
  `best of ${runs} run(s); 1-min load average ${loadBefore} at start, ${
    Deno.loadavg()[0]!.toFixed(2)
  } at end; ` +
  "ratios are against HAProxy (higher is better, except CPU and RSS).",
  "",
  ...lines,
  ...(errors.length
    ? ["", "Errors:", "", ...errors.map((e) => `- ${e.replace(/\n/g, "\n  ")}`)]
    : []),
  "",
].join("\n");

console.log(report);
Deno.writeTextFileSync(`${OUT}/tcp.md`, report);
const raw = Object.fromEntries([...rows].map(([row, r]) => [row, Object.fromEntries(r.samples)]));
const rssRaw = Object.fromEntries(rss);
Deno.writeTextFileSync(
  `${OUT}/tcp.json`,
  JSON.stringify({ machine, when, runs, samples: raw, peakRssBytes: rssRaw }, null, 2) + "\n",
);
console.error(`bench: wrote ${OUT}/tcp.md, all samples in tcp.json, process logs in logs/`);
Deno.exit(errors.length ? 1 : 0);
