// Benchmark runner shared by both modes: interleaved best-of-N rounds, then the Markdown table and JSON.
import { GEN_CPU, type Mode, type Options, OUT, PROXY_CPU, ROOT, treeInfo } from "./options.ts";
import { countLines, cpuSeconds, peakRss, type Proc, startServer, stop, tail } from "./proc.ts";

export type Unit =
  | "bit/s"
  | "req/s"
  | "MiB/s"
  | "ratio"
  | "s/GiB"
  | "µs/req"
  | "µs"
  | "bytes"
  | "lines/req";
/** Units where the best run is the lowest; "lines/req" is a check, so its worst (lowest) run counts. */
const LOWEST_WINS: Unit[] = ["s/GiB", "µs/req", "µs", "bytes", "lines/req"];
export const LOWER_IS_BETTER: Unit[] = ["s/GiB", "µs/req", "µs", "bytes"];

export interface Path {
  id: string;
  label: string;
  port: number;
  /** argv of the proxy (started pinned to PROXY_CPU); absent for the direct path. */
  argv?: string[];
  /** CPUs the proxy runs on (taskset list; default PROXY_CPU). */
  cpus?: string;
  /** A line of the proxy's log that says it serves (default: its port listening is enough). */
  ready?: RegExp;
  /** Why the path cannot run, if it cannot. */
  missing?: string;
  /** Working directory of the proxy (default: the repository). */
  cwd?: string;
  /** File the proxy's standard output goes to, apart from its log (HAProxy's access log). */
  stdout?: string;
  /** Access log the proxy writes: removed before each run, its lines counted per request after. */
  accessLog?: string;
  /** Something the harness does against the proxy while each measured run goes (a scraper). */
  during?: (port: number) => During;
  /** A server the proxy needs (redis-server), started before it on GEN_CPU and stopped after it. */
  sidecar?: Sidecar;
}

/** A server started before a path's proxy and stopped after it, each run. */
export interface Sidecar {
  name: string;
  argv: string[];
  /** Where it listens: the harness waits for it. */
  port: number;
}

/** A side activity started just before a measurement and stopped right after it. */
export interface During {
  /** Ends it (`result`: the run's, when it succeeded); its warnings mark the run's cells, its note is listed under the table. */
  stop(result?: Result): Promise<{ warnings: string[]; note?: string }>;
}

export interface Sample {
  row: string;
  unit: Unit;
  value: number;
}

export interface Result {
  samples: Sample[];
  /** Units of work done (GiB, requests): CPU time is divided by it, and log lines. */
  work: number;
  /** Things the load generator reported that make the figures suspect (socket errors, non-2xx). */
  warnings: string[];
}

export interface Workload {
  id: string;
  origin: string[];
  /** Set when the origin's stdout must not go to its log. */
  originStdout?: string;
  /** One measured run against `port`; `seconds` overrides its usual length (paired slices). */
  measure(port: number, seconds?: number): Promise<Result>;
  /**
   * Load run before each measurement and outside it (its CPU time and requests are not counted),
   * so that every path is measured in its steady state: JIT-compiled code on Deno and Bun.
   */
  warmup?(port: number): Promise<void>;
  /** Row for the proxy's CPU time over one measurement, times `cpuScale`, per unit of work. */
  cpuRow: string;
  cpuUnit: Unit;
  cpuScale: number;
  /** The paths it runs on (default: all); its rows show "—" for the others. */
  runsOn?: (pathId: string) => boolean;
}

export interface Suite {
  mode: Mode;
  title: string;
  originPort: number;
  paths: Path[];
  workloads: Workload[];
  /** Tool versions for the header: label, argv, regexp capturing the version. */
  tools: [string, string[], RegExp][];
  /** One peak-RSS row per workload, or one row with the highest over all of them. */
  rssRows: "per-workload" | "max";
  /** Row for access log lines per request (paths with `accessLog`). */
  logRow?: string;
  /**
   * Extra lines under the table, from the best value of each row, the peak RSS per path id, and
   * every run's value per row and path (in round order: index i of two paths is the same round).
   */
  summary?: (
    best: Map<string, Map<string, number>>,
    rss: Map<string, number>,
    runs: Map<string, Map<string, number[]>>,
  ) => string[];
}

interface State {
  rows: Map<string, { unit: Unit; samples: Map<string, number[]> }>;
  rss: Map<string, number>; // "workload/path" -> peak VmHWM over its runs
  errors: string[];
  warnings: Map<string, string[]>; // label -> "run N: message"
  flagged: Set<string>; // "row/path" cells with a warning in some run
  broken: Set<string>; // "path/workload" pairs that failed once: not retried
  rowWorkload: Map<string, Workload>; // row -> the workload that measures it
  notes: string[]; // what `during` activities reported, per run
}

function warn(st: State, label: string, msg: string) {
  st.warnings.set(label, [...(st.warnings.get(label) ?? []), msg]);
}

function record(st: State, path: Path, s: Sample, w?: Workload) {
  if (w) st.rowWorkload.set(s.row, w);
  if (!st.rows.has(s.row)) st.rows.set(s.row, { unit: s.unit, samples: new Map() });
  const samples = st.rows.get(s.row)!.samples;
  samples.set(path.id, [...(samples.get(path.id) ?? []), s.value]);
}

/** One measurement of workload `w` through `path`, with a fresh origin and proxy. */
async function measureOnce(
  st: State,
  s: Suite,
  path: Path,
  w: Workload,
  round: number,
  runs: number,
) {
  const label = `${path.label}, ${w.id}`;
  console.error(`bench: ${s.mode}: ${label}, run ${round}/${runs} ...`);
  let origin: Proc | undefined;
  let proxy: Proc | undefined;
  let sidecar: Proc | undefined;
  let result: Result | undefined;
  let warmupLines = 0;
  try {
    const oName = `${s.mode}-origin-${w.id}-${path.id}`;
    origin = await startServer(oName, w.origin, GEN_CPU, s.originPort, w.originStdout);
    if (path.accessLog) {
      try {
        Deno.removeSync(path.accessLog);
      } catch { /* not there yet */ }
    }
    if (path.sidecar) {
      const { name, argv, port } = path.sidecar;
      sidecar = await startServer(`${s.mode}-${path.id}-${name}-${w.id}`, argv, GEN_CPU, port);
    }
    if (path.argv) {
      const name = `${s.mode}-${path.id}-${w.id}`;
      const cpus = path.cpus ?? PROXY_CPU;
      proxy = await startServer(name, path.argv, cpus, path.port, path.stdout, path.cwd);
      for (let t = 0; path.ready && !path.ready.test(tail(proxy.log, 50)); t += 50) {
        if (proxy.exited || t > 20_000) throw new Error(`${name} not ready:\n${tail(proxy.log)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (w.warmup) {
      await w.warmup(path.port);
      // the warm-up's lines are not the measurement's: count them (once the sink has flushed) to subtract
      await new Promise((r) => setTimeout(r, 200));
      if (path.accessLog) warmupLines = countLines(path.accessLog);
    }
    const cpuBefore = proxy && cpuSeconds(proxy);
    const during = path.during?.(path.port);
    try {
      result = await w.measure(path.port);
    } finally {
      const side = await during?.stop(result);
      if (side?.note) st.notes.push(`**${label}**, run ${round}: ${side.note}`);
      if (side && result) result.warnings.push(...side.warnings);
    }
    if (proxy?.exited) throw new Error(`${path.label} exited:\n${tail(proxy.log)}`);
    const cpuAfter = proxy && cpuSeconds(proxy);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      const value = (cpuAfter - cpuBefore) * w.cpuScale / result.work;
      result.samples.push({ row: w.cpuRow, unit: w.cpuUnit, value });
    }
    for (const sample of result.samples) record(st, path, sample, w);
    for (const msg of result.warnings) warn(st, label, `run ${round}: ${msg}`);
    if (result.warnings.length) {
      for (const x of result.samples) st.flagged.add(`${x.row}/${path.id}`);
    }
  } catch (e) {
    result = undefined;
    st.broken.add(`${path.id}/${w.id}`);
    st.errors.push(`**${label}**: ${(e as Error).message}`);
    const log = proxy ? tail(proxy.log) : "";
    if (log && !(e as Error).message.includes(log)) st.errors.push(`${path.label} log:\n${log}`);
  } finally {
    if (proxy) {
      const hwm = peakRss(proxy);
      const key = `${w.id}/${path.id}`;
      if (hwm !== undefined) st.rss.set(key, Math.max(st.rss.get(key) ?? 0, hwm));
      await stop(proxy);
    }
    if (sidecar) await stop(sidecar);
    if (origin) await stop(origin);
  }
  // Count access log lines once the proxy has exited (and flushed what it buffered).
  if (result && path.accessLog && s.logRow) {
    const lines = countLines(path.accessLog) - warmupLines;
    record(st, path, { row: s.logRow, unit: "lines/req", value: lines / result.work });
    if (lines < 0.99 * result.work) {
      const missing = (100 * (1 - lines / result.work)).toFixed(1);
      warn(
        st,
        label,
        `run ${round}: access log ${lines} lines / ${result.work} requests (${missing} % missing)`,
      );
      st.flagged.add(`${s.logRow}/${path.id}`);
    }
  }
}

function binaryTime(): string {
  try {
    const t = Deno.statSync(`${ROOT}/dist/tsproxy`).mtime;
    return t ? t.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "?";
  } catch {
    return "n/a";
  }
}

async function version(argv: string[], re: RegExp): Promise<string> {
  try {
    const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.match(re)?.[1] ?? "?";
  } catch {
    return "?";
  }
}

export function fmt(v: number, unit: Unit): string {
  if (unit === "bit/s") return `${(v / 1e9).toFixed(2)} Gbit/s`;
  if (unit === "req/s") return `${Math.round(v).toLocaleString("en-US")} req/s`;
  if (unit === "MiB/s") return `${v.toFixed(1)} MiB/s`;
  if (unit === "ratio") return `${v.toFixed(2)}:1`;
  if (unit === "s/GiB") return `${v.toFixed(3)} s/GiB`;
  if (unit === "µs/req") return `${v.toFixed(1)} µs/req`;
  if (unit === "µs") return v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${Math.round(v)} µs`;
  if (unit === "lines/req") return v.toFixed(3);
  return `${(v / 2 ** 20).toFixed(1)} MiB`;
}

/** Runs the suite, prints and writes .bench/MODE.md and MODE.json; returns the number of failures. */
export async function runSuite(s: Suite, opts: Options): Promise<number> {
  const { runs } = opts;
  const st: State = {
    rows: new Map(),
    rss: new Map(),
    errors: [],
    warnings: new Map(),
    flagged: new Set(),
    broken: new Set(),
    rowWorkload: new Map(),
    notes: [],
  };
  for (const e of Deno.readDirSync(`${OUT}/logs`)) {
    if (e.name.startsWith(`${s.mode}-`)) Deno.removeSync(`${OUT}/logs/${e.name}`); // older runs'
  }
  const loadBefore = Deno.loadavg()[0]!.toFixed(2);
  const failed = new Map<string, string>(); // path id -> short reason for cells without a value
  for (const path of s.paths) if (path.missing) failed.set(path.id, `n/a (${path.missing})`);
  // Interleave the paths within each round, so background load hits them alike; every other round
  // runs them in reverse order, so that neither of two paths compared round by round (the rules
  // and --base pairs) always runs first (after the origin's TIME_WAIT sockets of the one before).
  for (const w of s.workloads) {
    for (let round = 1; round <= runs; round++) {
      for (const path of round % 2 ? s.paths : [...s.paths].reverse()) {
        if (path.missing || st.broken.has(`${path.id}/${w.id}`)) continue;
        if (w.runsOn && !w.runsOn(path.id)) continue;
        await measureOnce(st, s, path, w, round, runs);
      }
    }
  }

  const cpuModel = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1];
  const tools: [string, string[], RegExp][] = [
    ["Bun", ["bun", "--version"], /([\d.]+)/],
    ["Deno", ["deno", "--version"], /deno ([\d.]+)/],
    ["HAProxy", ["haproxy", "-v"], /version ([\w.+~-]+)/],
    ...s.tools,
  ];
  const machine = [
    `nproc ${navigator.hardwareConcurrency}`,
    (cpuModel ?? "?").trim(),
    `Linux ${Deno.osRelease()}`,
    ...await Promise.all(
      tools.map(async ([name, argv, re]) => `${name} ${await version(argv, re)}`),
    ),
  ].join(", ");

  const cell = (
    v: number | undefined,
    base: number | undefined,
    unit: Unit,
    id: string,
    n = runs,
  ) => {
    if (v === undefined) return failed.get(id) ?? "error";
    const notes = [base ? `${(v / base).toFixed(2)}×` : "", n < runs ? `${n} of ${runs} runs` : ""];
    const note = notes.filter(Boolean).join(", ");
    return note ? `${fmt(v, unit)} (${note})` : fmt(v, unit);
  };

  const header = ["workload", ...s.paths.map((p) => p.label)];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i ? "---:" : ":---")).join("|")}|`,
  ];
  const best = new Map<string, Map<string, number>>();
  const ordered = [...st.rows].sort(([a], [b]) => Number(a === s.logRow) - Number(b === s.logRow));
  for (const [row, { unit, samples }] of ordered) {
    const pick = LOWEST_WINS.includes(unit) ? Math.min : Math.max;
    const values = new Map([...samples].map(([id, xs]) => [id, pick(...xs)]));
    best.set(row, values);
    // HAProxy's figure, from the HAProxy path that runs this row's workload
    const base = row === s.logRow
      ? undefined
      : values.get("haproxy") ?? values.get("haproxy-comp") ?? values.get("haproxy-tls");
    const cpuRow = s.workloads.some((w) => w.cpuRow === row);
    const runsOn = row === s.logRow ? undefined : st.rowWorkload.get(row)?.runsOn;
    const cells = s.paths.map((p) => {
      if ((cpuRow && !p.argv) || (row === s.logRow && !p.accessLog)) return "—";
      if (runsOn && !runsOn(p.id)) return "—";
      const c = cell(values.get(p.id), base, unit, p.id, samples.get(p.id)?.length);
      return st.flagged.has(`${row}/${p.id}`) ? `${c} ⚠` : c;
    });
    lines.push(`| ${row} | ${cells.join(" | ")} |`);
  }
  const rssLine = (title: string, of: (id: string) => number | undefined) => {
    const base = of("haproxy");
    const cells = s.paths.map((p) => p.argv ? cell(of(p.id), base, "bytes", p.id) : "—");
    lines.push(`| ${title} | ${cells.join(" | ")} |`);
  };
  const peak = new Map<string, number>(); // path id -> highest VmHWM over all workloads
  for (const [key, v] of st.rss) {
    const id = key.slice(key.indexOf("/") + 1);
    peak.set(id, Math.max(peak.get(id) ?? 0, v));
  }
  if (s.rssRows === "per-workload") {
    for (const w of s.workloads) {
      rssLine(`peak RSS during ${w.id} (VmHWM)`, (id) => st.rss.get(`${w.id}/${id}`));
    }
  } else rssLine("peak RSS, highest over all workloads (VmHWM)", (id) => peak.get(id));

  const when = new Date().toISOString();
  const list = (title: string, xs: string[]) =>
    xs.length ? ["", title, "", ...xs.map((e) => `- ${e.replace(/\n/g, "\n  ")}`)] : [];
  const report = [
    `# ${s.title}${opts.quick ? " (--quick)" : ""}`,
    "",
    `Machine: ${machine}.`,
    "",
    ...(treeInfo ? [`Code: ${treeInfo}; dist/tsproxy built ${binaryTime()}.`, ""] : []),
    `${when}; proxy pinned to CPU ${PROXY_CPU}, load generator and origin to CPU ${GEN_CPU}; ` +
    `best of ${runs} run(s); 1-min load average ${loadBefore} at start, ${
      Deno.loadavg()[0]!.toFixed(2)
    } at end; ` +
    "ratios are against HAProxy (higher is better for req/s and Gbit/s, lower for the rest).",
    "",
    ...lines,
    ...(s.summary
      ? ["", ...s.summary(best, peak, new Map([...st.rows].map(([row, r]) => [row, r.samples])))]
      : []),
    ...list("During the measured runs:", st.notes),
    ...list(
      "Warnings (the run completed, but its figures are suspect; cells marked ⚠):",
      [...st.warnings].map(([label, xs]) => `**${label}**: ${xs.join("; ")}`),
    ),
    ...list("Errors:", st.errors),
    "",
  ].join("\n");

  console.log(report);
  Deno.writeTextFileSync(`${OUT}/${s.mode}.md`, report);
  const raw = Object.fromEntries(
    [...st.rows].map(([row, r]) => [row, Object.fromEntries(r.samples)]),
  );
  const json = {
    machine,
    when,
    runs,
    samples: raw,
    peakRssBytes: Object.fromEntries(st.rss),
    warnings: Object.fromEntries(st.warnings),
    errors: st.errors,
  };
  Deno.writeTextFileSync(`${OUT}/${s.mode}.json`, JSON.stringify(json, null, 2) + "\n");
  console.error(
    `bench: wrote ${OUT}/${s.mode}.md, all samples in ${s.mode}.json, process logs in logs/`,
  );
  return st.errors.length;
}
