// Benchmark processes: pinned start/stop, listen wait via /proc, load generators, CPU time and peak RSS.
import { GEN_CPU, OUT, ROOT, TMP } from "./options.ts";

export interface Proc {
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

/**
 * Start argv pinned to `cpu`, stdout and stderr to `log` (or stdout alone to `stdout`); the pid is
 * the program's own (bash and taskset exec).
 */
export function start(
  name: string,
  argv: string[],
  cpu: string,
  log: string,
  stdout?: string,
  cwd = ROOT,
) {
  if (stopping) throw new Error("interrupted");
  const child = new Deno.Command("bash", {
    args: ["-c", 'exec taskset -c "$CPU" "$@" >"$OUT" 2>"$LOG"', "bench", ...argv],
    env: { CPU: cpu, LOG: log, OUT: stdout ?? log, NO_COLOR: "1" },
    cwd,
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
export async function stop(proc: Proc) {
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
export function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(file).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hex}`)) return true;
    }
  }
  return false;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tail(file: string, lines = 15): string {
  try {
    return Deno.readTextFileSync(file).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Start a server and wait until its port listens; throws with its log if it dies or times out.
 * `stdout`, if given, receives the server's standard output apart from its log.
 */
export async function startServer(
  name: string,
  argv: string[],
  cpu: string,
  port: number,
  stdout?: string,
  cwd?: string,
) {
  for (let t = 0; listening(port); t += 100) {
    if (t > 10_000) throw new Error(`port ${port} is already in use`);
    await sleep(100);
  }
  const proc = start(name, argv, cpu, `${OUT}/logs/${name}.log`, stdout, cwd);
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
/**
 * One wrk run of `seconds` on the load generator's core: `args` are its connections, headers and
 * URL; `latency` asks for the percentiles. The warm-up and the measured run of a workload share it.
 */
export function wrk(args: string[], seconds: number, latency = false): Promise<string> {
  return load(
    ["wrk", "-t1", `-d${seconds}s`, ...(latency ? ["--latency"] : []), ...args],
    seconds + 60,
  );
}

export async function load(argv: string[], timeoutSec: number): Promise<string> {
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

/** Fields 3.. of /proc/PID/stat (f[0] is field 3, "state"), or undefined if the process is gone. */
function stat(pid: number): string[] | undefined {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (nginx: master and worker), from the ppid in /proc. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of Deno.readDirSync("/proc")) {
    const pid = Number(e.name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(stat(pid)?.[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** CPU time (user + system, all threads, the whole process tree) the process has used, in s. */
export function cpuSeconds(proc: Proc): number | undefined {
  let sum: number | undefined;
  for (const pid of tree(proc.child.pid)) {
    const f = stat(pid);
    if (f) sum = (sum ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime
  }
  return sum;
}

/** Peak resident set size in bytes (VmHWM, summed over the process tree), or undefined if gone. */
export function peakRss(proc: Proc): number | undefined {
  let sum: number | undefined;
  for (const pid of tree(proc.child.pid)) {
    try {
      const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmHWM:\s+(\d+) kB/);
      if (m) sum = (sum ?? 0) + Number(m[1]) * 1024;
    } catch { /* gone */ }
  }
  return sum;
}

/** Number of lines in a file (0 if it does not exist). */
export function countLines(file: string): number {
  let data: Uint8Array;
  try {
    data = Deno.readFileSync(file);
  } catch {
    return 0;
  }
  let n = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) n++;
  return n;
}
