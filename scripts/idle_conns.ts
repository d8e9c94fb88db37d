// Idle keep-alive connections side by side (issue 12): RSS per held connection and wrk beside them.
//
//   deno run -A scripts/idle_conns.ts [--conns N] [--paths haproxy,bun,binary,deno] [--per-holder 5000] [--port P]
//
// Started by hand, not in CI. For each proxy (HAProxy 2.6 `mode http` nbthread 1, tsproxy on Bun
// and on Deno with the bench's config, access log on) in front of one nginx origin: RSS after start;
// 200 requests; RSS before; N keep-alive client connections from 127.0.0.x (holder processes of at
// most 5,000 connections each: `ulimit -n` is 20,000 here), each answered once and then held idle;
// RSS with them; a `wrk -c64 -d5s` beside them, then alone once they closed.
// KiB per connection = (RSS with - RSS before) / N.
import net from "node:net";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The origin's port (`--port`); the proxy listens on the next one. */
let ORIGIN_PORT = 21120;
let PROXY_PORT = 21121;
const PROXY_CPU = "0";
const GEN_CPU = "1";
const REQUEST = "GET /small HTTP/1.1\r\nHost: idle\r\n\r\n";

interface Options {
  conns: number;
  perHolder: number;
  paths: string[];
  wrkSecs: number;
}

function parse(args: string[]): Options {
  const o: Options = {
    conns: 10_000,
    perHolder: 5_000,
    paths: ["haproxy", "bun", "deno"],
    wrkSecs: 5,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--conns") o.conns = Number(v), i++;
    else if (a === "--per-holder") o.perHolder = Number(v), i++;
    else if (a === "--paths") o.paths = String(v).split(","), i++;
    else if (a === "--wrk-secs") o.wrkSecs = Number(v), i++;
    else if (a === "--port") ORIGIN_PORT = Number(v), PROXY_PORT = ORIGIN_PORT + 1, i++;
    else {
      console.error(`idle_conns: unknown option ${a}
usage: deno run -A scripts/idle_conns.ts [--conns N] [--per-holder N] [--paths haproxy,bun,binary,deno] [--wrk-secs S] [--port P]`);
      Deno.exit(2);
    }
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS (or another field: RssAnon) of a process in KiB (0 once it is gone). */
function rssKiB(pid: number, field = "VmRSS"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      Deno.readTextFileSync(`/proc/${pid}/status`),
    );
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Is something listening on the port? Reads /proc, makes no connection. */
function listening(port: number): boolean {
  const hex = ":" + port.toString(16).toUpperCase().padStart(4, "0");
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(f).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(hex)) return true;
    }
  }
  return false;
}

interface Proc {
  child: Deno.ChildProcess;
  log: string;
}

/** Start argv pinned to a core (bash and taskset exec, so the pid is the program's) and wait for its port. */
async function startServer(argv: string[], port: number, log: string, cwd = ROOT): Promise<Proc> {
  if (listening(port)) {
    throw new Error(`port ${port} is already in use (a leftover from an earlier run?)`);
  }
  const child = new Deno.Command("bash", {
    args: ["-c", 'exec taskset -c "$CPU" "$@" >"$LOG" 2>&1', "idle", ...argv],
    env: { CPU: PROXY_CPU, LOG: log, NO_COLOR: "1" },
    cwd,
    stdin: "null",
  }).spawn();
  for (let t = 0; !listening(port); t += 50) {
    if (t > 20_000) {
      await stopProc({ child, log });
      throw new Error(`${argv[0]} did not listen on ${port} within 20 s:\n${tail(log)}`);
    }
    await sleep(50);
  }
  return { child, log };
}

async function stopProc(p: Proc): Promise<void> {
  try {
    p.child.kill("SIGTERM");
  } catch { /* gone */ }
  const t = setTimeout(() => {
    try {
      p.child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 5000);
  await p.child.status;
  clearTimeout(t);
}

function tail(file: string): string {
  try {
    return Deno.readTextFileSync(file).trimEnd().split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

/** One wrk run on the generator's core; returns req/s. */
async function wrk(secs: number): Promise<number> {
  const out = await new Deno.Command("taskset", {
    args: [
      "-c",
      GEN_CPU,
      "timeout",
      "60",
      "wrk",
      "-t1",
      "-c64",
      `-d${secs}s`,
      `http://127.0.0.1:${PROXY_PORT}/small`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const m = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  if (!m) {
    throw new Error(`wrk: unexpected output:\n${text}${new TextDecoder().decode(out.stderr)}`);
  }
  if (/Socket errors|Non-2xx/.test(text)) console.error(`wrk warnings:\n${text}`);
  return Number(m[1]);
}

/** Holder processes: each opens its share of connections from its own 127.0.0.x and holds them. */
async function openHeld(total: number, perHolder: number): Promise<Deno.ChildProcess[]> {
  const holders: Deno.ChildProcess[] = [];
  for (let i = 0, left = total; left > 0; i++, left -= perHolder) {
    const n = Math.min(perHolder, left);
    const local = `127.0.0.${10 + i}`;
    holders.push(
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--hold", String(PROXY_PORT), String(n), local],
        stdin: "null",
        stdout: "piped",
        stderr: "inherit",
      }).spawn(),
    );
  }
  // each holder prints "ready" once all its connections were answered, and keeps them open
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(holders.map(firstLine)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("holders not ready after 180 s")), 180_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return holders;
}

async function firstLine(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const text = new TextDecoder().decode(value ?? new Uint8Array());
  if (!text.startsWith("ready")) throw new Error(`holder: ${text.trim() || "exited before ready"}`);
}

async function closeHeld(holders: Deno.ChildProcess[]): Promise<void> {
  for (const h of holders) {
    try {
      h.kill("SIGTERM");
    } catch { /* gone */ }
    await h.status;
  }
}

/** The holder: N connections to the proxy, one request each, answered, then held until killed. */
async function hold(args: string[]): Promise<void> {
  const [port, count, local] = [Number(args[0]), Number(args[1]), String(args[2])];
  const sockets: net.Socket[] = [];
  let answered = 0, failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port, localAddress: local });
      sockets.push(s);
      let got = "";
      const done = (ok: boolean) => {
        if (ok) answered++;
        else failed++;
        resolve();
      };
      s.on("connect", () => s.write(REQUEST));
      s.on("data", (d: Uint8Array) => {
        got += new TextDecoder().decode(d);
        if (got.includes("\r\n\r\n") && got.endsWith("hello world\n")) done(true);
      });
      s.on("error", () => done(false));
    });
  // a few hundred at a time, so the listen backlog never overflows
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, one));
  }
  if (failed > 0) {
    console.log(`failed: ${failed} of ${count} connections got no answer`);
    Deno.exit(1);
  }
  console.log(`ready ${answered}`);
  await new Promise(() => {}); // held until killed
}

interface Row {
  path: string;
  start: number;
  before: number;
  with: number;
  perConn: number;
  /** The same from RssAnon: the connections' data without code pages faulted in or given back. */
  perConnAnon: number;
  fds: number;
  rpsAlone: number;
  rpsBeside: number;
}

async function main(args: string[]): Promise<void> {
  const o = parse(args);
  const tmp = Deno.makeTempDirSync({ prefix: "tsproxy-idle." });
  const origin = await startOrigin(tmp);
  const rows: Row[] = [];
  try {
    for (const path of o.paths) rows.push(await measure(path, o, tmp));
  } finally {
    await stopProc(origin);
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `\n${o.conns} idle keep-alive connections (one request each), RSS in MiB, wrk -c64 -d${o.wrkSecs}s\n`,
  );
  console.log(
    `| ${
      pad("proxy", 14)
    } | after start | before | with conns | KiB/conn | anon KiB/conn |   fds | wrk alone req/s | wrk beside req/s | ratio |`,
  );
  console.log(
    `| ${
      "-".repeat(14)
    } | ----------- | ------ | ---------- | -------- | ------------- | ----- | --------------- | ---------------- | ----- |`,
  );
  for (const r of rows) {
    const mib = (k: number) => (k / 1024).toFixed(1);
    console.log(
      `| ${pad(r.path, 14)} | ${mib(r.start).padStart(11)} | ${mib(r.before).padStart(6)} | ${
        mib(r.with).padStart(10)
      } | ${r.perConn.toFixed(2).padStart(8)} | ${r.perConnAnon.toFixed(2).padStart(13)} | ${
        String(r.fds).padStart(5)
      } | ${r.rpsAlone.toFixed(0).padStart(15)} | ${r.rpsBeside.toFixed(0).padStart(16)} | ${
        (r.rpsBeside / r.rpsAlone).toFixed(2).padStart(5)
      } |`,
    );
  }
  console.log(`\nlogs in ${tmp}`);
}

async function measure(path: string, o: Options, tmp: string): Promise<Row> {
  const proxy = await startProxy(path, tmp, o.conns);
  const pid = proxy.child.pid;
  try {
    await sleep(3000); // tsproxy gives back its start-up pages a second after it serves
    const start = rssKiB(pid);
    await warm(200);
    await sleep(1000);
    const before = rssKiB(pid);
    const anonBefore = rssKiB(pid, "RssAnon");
    const holders = await openHeld(o.conns, o.perHolder);
    let withConns: number, anonWith: number, fds: number, rpsBeside: number;
    try {
      await sleep(2000);
      withConns = rssKiB(pid);
      anonWith = rssKiB(pid, "RssAnon");
      fds = fdCount(pid);
      rpsBeside = await wrk(o.wrkSecs);
    } finally {
      await closeHeld(holders);
    }
    await sleep(1000);
    const rpsAlone = await wrk(o.wrkSecs);
    console.error(`${path}: start ${start} KiB, before ${before}, with ${withConns}, ${fds} fds`);
    const perConn = (withConns - before) / o.conns;
    const perConnAnon = (anonWith - anonBefore) / o.conns;
    return { path, start, before, with: withConns, perConn, perConnAnon, fds, rpsAlone, rpsBeside };
  } finally {
    await stopProc(proxy);
  }
}

/** A few requests through the proxy so code paths are compiled before "before" is sampled. */
async function warm(requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const r = await fetch(`http://127.0.0.1:${PROXY_PORT}/small`);
    await r.arrayBuffer();
  }
}

/** Open file descriptors of a process. */
function fdCount(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

async function startOrigin(tmp: string): Promise<Proc> {
  Deno.mkdirSync(`${tmp}/nginx`, { recursive: true });
  const user = Deno.uid() === 0 ? "user root root;\n" : "";
  const conf = `${tmp}/origin.conf`;
  Deno.writeTextFileSync(
    conf,
    `${user}daemon off;
worker_processes 1;
error_log stderr warn;
pid ${tmp}/nginx/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  default_type text/plain;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${ORIGIN_PORT} backlog=4096;
    location = /small { return 200 "hello world\\n"; }
  }
}
`,
  );
  const p = await startServer(
    ["nginx", "-e", "stderr", "-p", `${tmp}/nginx`, "-c", conf],
    ORIGIN_PORT,
    `${tmp}/origin.log`,
  );
  return p;
}

/** The proxy under test: the bench's config, with maxconn and keep-alive timeouts that hold N. */
function startProxy(path: string, tmp: string, conns: number): Promise<Proc> {
  const maxconn = conns + 1000;
  if (path === "haproxy") {
    const cfg = `${tmp}/haproxy.cfg`;
    Deno.writeTextFileSync(
      cfg,
      `global
  nbthread 1
  maxconn ${maxconn}
  no strict-limits
  log stdout format raw local0
defaults
  mode http
  log global
  option httplog
  http-reuse safe
  maxconn ${maxconn}
  timeout connect 5s
  timeout client 120s
  timeout server 30s
  timeout http-keep-alive 120s
frontend web
  bind 127.0.0.1:${PROXY_PORT} backlog 4096
  default_backend origin
backend origin
  server o1 127.0.0.1:${ORIGIN_PORT}
`,
    );
    return startServer(["haproxy", "-db", "-f", cfg], PROXY_PORT, `${tmp}/haproxy.log`);
  }
  const cfg = `${tmp}/tsproxy.yaml`;
  Deno.writeTextFileSync(
    cfg,
    `global: { log: ${tmp}/access-${path}.log, maxconn: ${maxconn} }
defaults:
  mode: http
  maxconn: ${maxconn}
  timeout: { connect: 5s, client: 120s, server: 30s, httpKeepAlive: 120s }
frontends:
  web: { bind: ["127.0.0.1:${PROXY_PORT}"], defaultBackend: origin }
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${ORIGIN_PORT}" }
`,
  );
  const argv = path === "bun" ? ["bun", "cli.ts", "run", "-c", cfg] : path === "deno"
    ? [
      "deno",
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "cli.ts",
      "run",
      "-c",
      cfg,
    ]
    : path === "binary"
    ? ["dist/tsproxy", "run", "-c", cfg]
    : [];
  if (argv.length === 0) throw new Error(`unknown path "${path}" (haproxy, bun, deno, binary)`);
  return startServer(argv, PROXY_PORT, `${tmp}/${path}.log`);
}

if (Deno.args[0] === "--hold") await hold(Deno.args.slice(1));
else await main(Deno.args);
