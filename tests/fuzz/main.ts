/**
 * scripts/fuzz: fuzzes both codecs in process, then through a running tsproxy over sockets.
 *   scripts/fuzz [--minutes M | --seconds N] [--seed S] [--mode both|inproc|socket]
 *   scripts/fuzz --replay .fuzz/FILE.json
 * Prints the seed, cases and findings; each finding is saved under .fuzz/ (replayable); exits 1 on any.
 */
import process from "node:process";
import { type Finding, loadCase, saveFinding } from "./finding.ts";
import { checkInproc, runInproc, type RunStats } from "./inproc.ts";
import { runSocket } from "./socket.ts";
import { dateSeed } from "./rng.ts";

export interface FuzzOptions {
  seed: number;
  inprocSeconds: number;
  socketSeconds: number;
  log?: (line: string) => void;
}

/** The whole run: in-process, then over sockets. Findings are saved as they come. */
export async function fuzz(
  o: FuzzOptions,
): Promise<{ inproc: RunStats; socket: RunStats; findings: Finding[] }> {
  const log = o.log ?? console.log;
  log(
    `fuzz: seed ${o.seed} (replay the run with --seed ${o.seed}); in-process ${o.inprocSeconds} s, socket ${o.socketSeconds} s`,
  );
  const report = (f: Finding) => {
    f.file = saveFinding(f);
    log(
      `FINDING ${f.fuzzCase.mode} ${f.fuzzCase.kind} case ${f.fuzzCase.index} (seed ${f.fuzzCase.seed}) → ${f.file}\n  ${
        f.problems.join("\n  ")
      }`,
    );
  };
  const empty: RunStats = { cases: 0, h1: 0, h2: 0, findings: [] };
  const inproc = o.inprocSeconds > 0 ? runInproc(o.seed, o.inprocSeconds, report) : empty;
  if (o.inprocSeconds > 0) {
    log(
      `fuzz: in-process ${inproc.cases} cases (h1 ${inproc.h1}, h2 ${inproc.h2}), heap max ${inproc.heapMaxMiB} MiB, ${inproc.findings.length} findings`,
    );
  }
  const socket = o.socketSeconds > 0 ? await runSocket(o.seed, o.socketSeconds, report) : empty;
  if (o.socketSeconds > 0) {
    log(
      `fuzz: socket ${socket.cases} cases (h1 ${socket.h1}, h2 ${socket.h2}), ` +
        `${socket.originRequests ?? 0} requests reached the origin, ` +
        `proxy RSS max ${socket.proxyRssMiB ?? 0} MiB, ${socket.findings.length} findings`,
    );
  }
  return { inproc, socket, findings: [...inproc.findings, ...socket.findings] };
}

/** Replays a saved finding; returns the problems it shows now. */
export async function replay(file: string): Promise<string[]> {
  const c = loadCase(file);
  if (c.mode === "inproc") return checkInproc(c);
  const s = await runSocket(c.runSeed, 0, () => {}, { cases: [c] });
  return s.findings.flatMap((f) => f.problems);
}

function usage(msg: string): never {
  console.error(
    `scripts/fuzz: ${msg}\nusage: scripts/fuzz [--minutes M | --seconds N] [--seed S] [--mode both|inproc|socket] | --replay FILE`,
  );
  process.exit(2);
}

async function main(args: string[]): Promise<number> {
  let seconds = 60, seed = dateSeed(), mode = "both", replayFile: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!, v = args[i + 1];
    const num = () => {
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n < 0) usage(`${a} needs a number, not ${v}`);
      i++;
      return n;
    };
    if (a === "--minutes") seconds = num() * 60;
    else if (a === "--seconds") seconds = num();
    else if (a === "--seed") seed = Math.trunc(num());
    else if (a === "--mode" && (v === "both" || v === "inproc" || v === "socket")) {
      mode = args[++i]!;
    } else if (a === "--replay" && v) replayFile = args[++i]!;
    else usage(`unknown argument ${a}`);
  }
  if (replayFile) {
    const problems = await replay(replayFile);
    console.log(problems.length ? `still failing:\n  ${problems.join("\n  ")}` : "passes now");
    return problems.length ? 1 : 0;
  }
  const inprocSeconds = mode === "socket" ? 0 : mode === "inproc" ? seconds : seconds * 2 / 3;
  const socketSeconds = mode === "inproc" ? 0 : seconds - inprocSeconds;
  const r = await fuzz({ seed, inprocSeconds, socketSeconds });
  console.log(`fuzz: ${r.inproc.cases + r.socket.cases} cases, ${r.findings.length} findings`);
  return r.findings.length ? 1 : 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
