/** The in-process fuzz loop: h1 and h2 cases fed to the pure codecs for a time budget, heap sampled, findings saved. */
import process from "node:process";
import type { CaseKind, Finding, FuzzCase } from "./finding.ts";
import { h1Case } from "./h1_gen.ts";
import { h2Case } from "./h2_gen.ts";
import { checkH1 } from "./inproc_h1.ts";
import { checkH2 } from "./inproc_h2.ts";
import { caseSeed } from "./rng.ts";

/** Heap growth over the first sample allowed before the run is a finding (the codecs keep nothing between cases). */
const HEAP_SLACK = 256 * 1024 * 1024;
/** One case taking longer than this is a finding (a hang in a pure codec). */
const SLOW_CASE_MS = 2000;

export interface RunStats {
  cases: number;
  h1: number;
  h2: number;
  findings: Finding[];
  heapMaxMiB?: number;
  /** Socket runs: requests the origin received and accounted for. */
  originRequests?: number;
  /** Socket runs: the proxy's largest resident memory sampled. */
  proxyRssMiB?: number;
}

/** The case `index` of run `runSeed`, as the in-process loop builds it. */
export function inprocCase(runSeed: number, index: number): FuzzCase {
  const seed = caseSeed(runSeed, index);
  const kind: CaseKind = index % 2 === 0 ? "h2" : "h1";
  const chunks = kind === "h2" ? h2Case(seed) : h1Case(seed);
  return { kind, mode: "inproc", runSeed, index, seed, chunks };
}

/** Problems of one case through its codec. */
export function checkInproc(c: FuzzCase): string[] {
  const t0 = performance.now();
  const problems = c.kind === "h2" ? checkH2(c.chunks) : checkH1(c.chunks);
  const ms = performance.now() - t0;
  if (ms > SLOW_CASE_MS) problems.push(`case took ${Math.round(ms)} ms`);
  return problems;
}

/** The heap in use after a full collection where the runtime offers one (Bun.gc, --expose-gc). */
function heapAfterGc(): number {
  const g = globalThis as { Bun?: { gc(sync: boolean): void }; gc?: () => void };
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Runs cases until `seconds` pass (or `maxCases`); stops at the first `maxFindings` findings. */
export function runInproc(
  runSeed: number,
  seconds: number,
  onFinding: (f: Finding) => void,
  opts: { maxCases?: number; maxFindings?: number } = {},
): RunStats {
  const stats: RunStats = { cases: 0, h1: 0, h2: 0, findings: [] };
  const end = performance.now() + seconds * 1000;
  const maxCases = opts.maxCases ?? Infinity, maxFindings = opts.maxFindings ?? 10;
  let heapBase = 0, heapMax = 0;
  for (let i = 0; i < maxCases && performance.now() < end; i++) {
    let c: FuzzCase, problems: string[];
    try {
      c = inprocCase(runSeed, i);
      problems = checkInproc(c);
    } catch (err) { // a bug of the fuzzer itself: reported with its seed, the run goes on
      c = { kind: "h2", mode: "inproc", runSeed, index: i, seed: caseSeed(runSeed, i), chunks: [] };
      problems = [`the fuzzer failed on this case: ${(err as Error).stack ?? err}`];
    }
    stats.cases++;
    stats[c.kind]++;
    if (problems.length > 0) {
      const f = { fuzzCase: c, problems };
      stats.findings.push(f);
      onFinding(f);
      if (stats.findings.length >= maxFindings) break;
    }
    if (i % 500 === 0) {
      let heap = process.memoryUsage().heapUsed;
      if (heapBase === 0) heapBase = heap;
      // garbage the collector has not reached yet is no leak (it lags on a busy machine: 142 →
      // 400 MiB once in CI where a quiet run peaks at 66): collect, then measure again
      if (heap - heapBase > HEAP_SLACK) heap = heapAfterGc();
      heapMax = Math.max(heapMax, heap);
      if (heap - heapBase > HEAP_SLACK) {
        const f = {
          fuzzCase: c,
          problems: [`heap grew from ${heapBase >> 20} MiB to ${heap >> 20} MiB by case ${i}`],
        };
        stats.findings.push(f);
        onFinding(f);
        break;
      }
    }
  }
  stats.heapMaxMiB = heapMax >> 20;
  return stats;
}
