// Paired cost runs (--paired A:B): two tsproxy paths side by side on their own ports, measured in alternating short slices.
//
// A cost aim ("the stats page loses under 2% of req/s") is a ratio of two figures that, measured a
// minute apart in separate runs, wander 10-25% on a shared 2-core VM. Here both proxies run for the
// whole workload (pinned to the same core, the idle one costing nothing), warmed up once, and wrk
// alternates between them in slices of a few seconds, A B, then B A, and so on: what drifts hits
// both halves of a pair alike. The figure is the median over pairs of B's req/s over A's (and CPU
// per request, A's over B's), with the lowest and highest pair beside it.
import { GEN_CPU, type Options, OUT, PROXY_CPU, treeInfo } from "./options.ts";
import { cpuSeconds, type Proc, startServer, stop, tail } from "./proc.ts";
import type { Path, Suite, Workload } from "./suite.ts";

/** The aim of each cost path (B's req/s over A's, median over pairs), from the issues. */
const AIMS: Record<string, number> = {
  "bun-stats": 0.98,
  "bun-stick": 0.95,
  "bun-shared": 0.95,
  "bun-rules": 0.9,
};

interface Side {
  path: Path;
  port: number;
  proxy?: Proc;
  sidecar?: Proc;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The path's argv with its config copied to one that listens on `port` instead. */
function onPort(path: Path, port: number): string[] {
  const argv = [...path.argv!];
  const cfg = argv.at(-1)!;
  const text = Deno.readTextFileSync(cfg);
  const from = `127.0.0.1:${path.port}`;
  if (!text.includes(from)) throw new Error(`${cfg}: no ${from} to move to port ${port}`);
  const copy = cfg.replace(/(\.\w+)$/, `-paired-${port}$1`);
  Deno.writeTextFileSync(copy, text.replaceAll(from, `127.0.0.1:${port}`));
  argv[argv.length - 1] = copy;
  return argv;
}

async function startSide(s: Suite, side: Side, w: Workload): Promise<void> {
  const { path, port } = side;
  if (path.sidecar) {
    const { name, argv, port: p } = path.sidecar;
    side.sidecar = await startServer(`paired-${path.id}-${name}-${w.id}`, argv, GEN_CPU, p);
  }
  const name = `${s.mode}-paired-${path.id}-${w.id}`;
  const proxy = await startServer(name, onPort(path, port), PROXY_CPU, port, undefined, path.cwd);
  side.proxy = proxy;
  for (let t = 0; path.ready && !path.ready.test(tail(proxy.log, 50)); t += 50) {
    if (proxy.exited || t > 20_000) throw new Error(`${name} not ready:\n${tail(proxy.log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a workload's slices reported: warnings (all shown) and side-activity notes. */
interface Said {
  warnings: string[];
  notes: string[];
}

/** One slice through `side`: req/s and CPU µs per request, and anything suspect. */
async function slice(side: Side, w: Workload, secs: number, out: Said) {
  const during = side.path.during?.(side.port);
  const before = cpuSeconds(side.proxy!)!;
  let r;
  try {
    r = await w.measure(side.port, secs);
  } finally {
    const d = await during?.stop(r);
    if (d?.warnings.length) out.warnings.push(...d.warnings);
    if (d?.note) out.notes.push(d.note);
  }
  const cpu = (cpuSeconds(side.proxy!)! - before) * 1e6 / r.work;
  const rps = r.samples.find((x) => x.unit === "req/s")!.value;
  out.warnings.push(...r.warnings);
  return { rps, cpu };
}

export interface PairedOptions {
  pairs: [string, string][];
  slices: number;
  sliceSecs: number;
}

/** Runs every pair on every keep-alive and close workload of `s`; prints and writes .bench/paired.md. */
export async function runPaired(s: Suite, opts: Options, p: PairedOptions): Promise<number> {
  const byId = new Map(s.paths.map((x) => [x.id, x]));
  const lines: string[] = [];
  let errors = 0;
  const loadBefore = Deno.loadavg()[0]!.toFixed(2);
  for (const [a, b] of p.pairs) {
    const [pa, pb] = [byId.get(a), byId.get(b)];
    if (!pa?.argv || !pb?.argv) throw new Error(`--paired ${a}:${b}: both must be tsproxy paths`);
    const aim = AIMS[b];
    lines.push("", `### ${pb.label} over ${pa.label}${aim ? ` (aim: req/s ≥ ${aim}×)` : ""}`, "");
    lines.push(
      "| workload | req/s B/A, median of pairs | lowest – highest | CPU/req A/B, median | A req/s, CPU/req (median) | aim |",
      "|:---|---:|---:|---:|---:|:---|",
    );
    for (const w of s.workloads) {
      if (w.runsOn && (!w.runsOn(a) || !w.runsOn(b))) continue;
      console.error(`bench: paired ${a}:${b}, ${w.id}, ${p.slices} pairs of ${p.sliceSecs} s ...`);
      const sides: Side[] = [{ path: pa, port: pa.port + 200 }, { path: pb, port: pb.port + 201 }];
      let origin: Proc | undefined;
      const said: Said = { warnings: [], notes: [] };
      try {
        origin = await startServer(`paired-origin-${w.id}`, w.origin, GEN_CPU, s.originPort);
        for (const side of sides) await startSide(s, side, w);
        for (const side of sides) await w.warmup?.(side.port);
        const rps: number[] = [], cpu: number[] = [], aRps: number[] = [], aCpu: number[] = [];
        for (let i = 0; i < p.slices; i++) {
          const order = i % 2 ? [1, 0] : [0, 1];
          const got: { rps: number; cpu: number }[] = [];
          for (const k of order) got[k] = await slice(sides[k]!, w, p.sliceSecs, said);
          rps.push(got[1]!.rps / got[0]!.rps);
          cpu.push(got[0]!.cpu / got[1]!.cpu);
          aRps.push(got[0]!.rps), aCpu.push(got[0]!.cpu);
        }
        const m = median(rps);
        const verdict = aim === undefined ? "" : m >= aim ? "met" : "**not met**";
        lines.push(
          `| ${w.id} | ${m.toFixed(3)}× | ${Math.min(...rps).toFixed(3)} – ${
            Math.max(...rps).toFixed(3)
          } | ${median(cpu).toFixed(3)}× | ${Math.round(median(aRps))}, ${
            median(aCpu).toFixed(1)
          } µs | ${verdict} |`,
        );
        // every warning; of the side activity's notes (scrapes, Redis commands), the first and last
        const { warnings, notes } = said;
        const shown = [...warnings, ...(notes.length > 2 ? [notes[0]!, notes.at(-1)!] : notes)];
        if (shown.length) lines.push(`| ${w.id}: ${[...new Set(shown)].join("; ")} | | | | | |`);
      } catch (e) {
        errors++;
        lines.push(`| ${w.id} | error: ${(e as Error).message.split("\n")[0]} | | | | |`);
        console.error(e);
      } finally {
        for (const side of sides) {
          if (side.proxy) await stop(side.proxy);
          if (side.sidecar) await stop(side.sidecar);
        }
        if (origin) await stop(origin);
      }
    }
  }
  const report = [
    `# Paired cost runs (${s.mode})`,
    "",
    ...(treeInfo ? [`Code: ${treeInfo}.`, ""] : []),
    `${new Date().toISOString()}; both proxies of a pair pinned to CPU ${PROXY_CPU}, wrk and the ` +
    `origin to CPU ${GEN_CPU}; ${p.slices} pairs of ${p.sliceSecs} s slices per workload, A B then ` +
    `B A alternately; 1-min load average ${loadBefore} at start, ${
      Deno.loadavg()[0]!.toFixed(2)
    } at end.${opts.quick ? " (--quick)" : ""}`,
    ...lines,
    "",
  ].join("\n");
  console.log(report);
  Deno.writeTextFileSync(`${OUT}/paired.md`, report);
  return errors;
}
