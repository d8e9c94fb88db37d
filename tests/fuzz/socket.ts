/**
 * The socket fuzz loop: the same generated cases sent over real connections to tsproxy (Bun) in
 * front of a recording origin. A finding: the proxy exits or logs an exception, a connection stays
 * open past its timeouts, a request the origin reads is not one the client sent (untagged, more
 * than the client's bytes hold, a different method or body length), or the origin cannot read it.
 */
import { writeFileSync } from "node:fs";
import net from "node:net";
import process from "node:process";
import { type RunningProxy, startProxy } from "../e2e/helpers/proxy.ts";
import { procKb } from "../e2e/helpers/rss.ts";
import { drive } from "../unit/http1/drive.ts";
import type { RequestHead } from "../../src/http1/types.ts";
import type { CaseKind, Finding, FuzzCase } from "./finding.ts";
import { h1Bytes } from "./h1_gen.ts";
import { h2Case, headersFramesIn } from "./h2_gen.ts";
import { chunkRandomly, concat } from "./mutate.ts";
import { type OriginRequest, recordingOrigin } from "./origin.ts";
import { caseSeed, Rng } from "./rng.ts";
import type { RunStats } from "./inproc.ts";

/** The proxy's timeouts: a connection must be closed by them within CLOSE_DEADLINE_MS of our last byte. */
const TIMEOUTS = "{ connect: 1s, client: 2s, server: 2s, httpRequest: 1s, httpKeepAlive: 300ms }";
const CLOSE_DEADLINE_MS = 8000;
const PARALLEL = 6;
/** Growth of the proxy's resident memory over its first sample that is a finding (a leak per connection). */
const RSS_SLACK = 256 * 1024 * 1024;
const CRASH = /\b(TypeError|RangeError|ReferenceError|SyntaxError|Uncaught|panic|unhandled)\b/i;

function config(originPort: number): string {
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  timeout: ${TIMEOUTS}
frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    httpRequest: ["set-header x-fuzz-conn %[src_port]"]
backends:
  app:
    servers: [{ name: o, address: "127.0.0.1:${originPort}" }]
`;
}

/** The case `index` of run `runSeed` as sent over a socket. */
export function socketCase(runSeed: number, index: number): FuzzCase {
  const seed = caseSeed(runSeed ^ 0x50c3e7, index);
  const kind: CaseKind = index % 2 === 0 ? "h1" : "h2";
  const rng = new Rng(seed ^ 0x1b873593);
  const chunks = kind === "h2" ? h2Case(seed) : chunkRandomly(rng, h1Bytes(seed));
  return { kind, mode: "socket", runSeed, index, seed, chunks, halfClose: rng.chance(0.5) };
}

/** Sends a case on a new connection; resolves with its source port and whether the proxy closed it in time. */
function send(port: number, c: FuzzCase): Promise<{ localPort: number; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let localPort = 0, timer: ReturnType<typeof setTimeout> | null = null;
    sock.on("error", () => {});
    sock.on("data", () => {});
    // the proxy's FIN (or a reset) is its close: our side may still be open
    const closed = () => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      resolve({ localPort, closed: true });
    };
    sock.on("end", closed);
    sock.on("close", closed);
    sock.on("connect", async () => {
      localPort = sock.localPort ?? 0;
      // the first chunks with a pause between them, so they arrive as separate reads
      for (let i = 0; i < c.chunks.length && !sock.destroyed; i++) {
        if (i < 16) {
          sock.write(c.chunks[i]!);
          await new Promise((r) => setTimeout(r, 1));
        } else {
          sock.write(concat(c.chunks.slice(i)));
          break;
        }
      }
      if (c.halfClose && !sock.destroyed) sock.end();
      timer = setTimeout(() => {
        sock.destroy();
        resolve({ localPort, closed: false });
      }, CLOSE_DEADLINE_MS);
    });
  });
}

/** What the origin got for one client connection, against what the client's bytes can account for. */
export function account(c: FuzzCase, got: OriginRequest[]): string[] {
  const bytes = concat(c.chunks);
  if (c.kind === "h2") {
    const bound = headersFramesIn(bytes);
    return got.length > bound
      ? [`${got.length} requests reached the origin for ${bound} HEADERS frames sent`]
      : [];
  }
  const ref = drive("request", [bytes]);
  if (got.length > ref.messages.length) {
    return [
      `${got.length} requests reached the origin; the client's bytes hold ${ref.messages.length} (${ref.verdict})`,
    ];
  }
  const problems: string[] = [];
  got.forEach((r, i) => {
    const m = ref.messages[i]!;
    const method = (m.head as RequestHead).method;
    if (r.method !== method) {
      problems.push(`request ${i} reached the origin as ${r.method}, sent as ${method}`);
    }
    if (m.complete && r.bodyLength !== m.dataLength) {
      problems.push(
        `request ${i} reached the origin with a body of ${r.bodyLength} bytes, sent with ${m.dataLength}`,
      );
    }
  });
  return problems;
}

/** Sends cases for `seconds`; a crash, hang, smuggled or unaccounted request is a finding. */
export async function runSocket(
  runSeed: number,
  seconds: number,
  onFinding: (f: Finding) => void,
  opts: { maxFindings?: number; cases?: FuzzCase[] } = {},
): Promise<RunStats> {
  const stats: RunStats = { cases: 0, h1: 0, h2: 0, findings: [] };
  const origin = await recordingOrigin();
  const proxy: RunningProxy = await startProxy("bun", config(origin.port));
  let crashed = false;
  proxy.exited.then(() => (crashed = true));
  const found = (fuzzCase: FuzzCase, problems: string[]) => {
    const f = { fuzzCase, problems };
    stats.findings.push(f);
    onFinding(f);
  };
  const end = performance.now() + seconds * 1000;
  const maxFindings = opts.maxFindings ?? 10;
  let next = 0, seenOut = 0, rssBase = 0;
  const inFlight = new Set<FuzzCase>();
  const more = () =>
    !crashed && stats.findings.length < maxFindings &&
    (opts.cases ? next < opts.cases.length : performance.now() < end);
  const worker = async () => {
    while (more()) {
      const c = opts.cases ? opts.cases[next++]! : socketCase(runSeed, next++);
      inFlight.add(c);
      const r = await send(proxy.ports[0]!, c);
      await new Promise((res) => setTimeout(res, 30)); // what the proxy forwarded has landed
      inFlight.delete(c);
      stats.cases++;
      stats[c.kind]++;
      const problems: string[] = [];
      if (!r.closed) {
        problems.push(
          `connection still open ${CLOSE_DEADLINE_MS} ms after the last byte (timeouts ${TIMEOUTS})`,
        );
      }
      const got = origin.requests.filter((q) => q.tag === String(r.localPort));
      problems.push(...account(c, got));
      const untagged = origin.requests.filter((q) => q.tag === null);
      if (untagged.length > 0) {
        problems.push(
          `${untagged.length} request(s) without x-fuzz-conn reached the origin (smuggled): ${
            JSON.stringify(untagged)
          }`,
        );
        for (const q of untagged) origin.requests.splice(origin.requests.indexOf(q), 1);
      }
      // what the origin could not read goes to the case whose connection it names (or the first to look)
      for (let i = origin.problems.length - 1; i >= 0; i--) {
        const p = origin.problems[i]!;
        if (p.tag !== null && p.tag !== String(r.localPort)) continue;
        problems.push(`origin: ${p.text}`);
        origin.problems.splice(i, 1);
      }
      const out = proxy.output();
      const fresh = out.slice(seenOut);
      seenOut = out.length;
      const bad = fresh.split("\n").filter((l) => CRASH.test(l));
      if (bad.length > 0) {
        problems.push(...bad.slice(0, 5).map((l) => `proxy logged: ${l.slice(0, 400)}`));
      }
      if (problems.length > 0) found(c, problems);
      if (stats.cases % 100 === 1) {
        const rss = procKb(proxy.proc.pid ?? 0, "VmRSS");
        rssBase ||= rss;
        stats.proxyRssMiB = Math.max(stats.proxyRssMiB ?? 0, rss >> 20);
        if (rss - rssBase > RSS_SLACK) {
          problems.push(
            `proxy RSS grew from ${rssBase >> 20} MiB to ${rss >> 20} MiB by case ${stats.cases}`,
          );
        }
      }
      stats.originRequests = (stats.originRequests ?? 0) + got.length;
      // forget what was accounted for (bounded memory in long runs)
      for (let i = origin.requests.length - 1; i >= 0; i--) {
        if (origin.requests[i]!.tag === String(r.localPort)) origin.requests.splice(i, 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    if (crashed) {
      for (const c of inFlight) found(c, [`the proxy exited: ${proxy.output().slice(-2000)}`]);
      if (inFlight.size === 0) {
        found(socketCase(runSeed, next - 1), [`the proxy exited: ${proxy.output().slice(-2000)}`]);
      }
    }
  } finally {
    if (!crashed) await proxy.stop();
    if (process.env.FUZZ_PROXY_LOG) writeFileSync(process.env.FUZZ_PROXY_LOG, proxy.output());
    await origin.close();
  }
  return stats;
}
