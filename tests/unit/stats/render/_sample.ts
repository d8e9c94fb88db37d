/** A sample proxy for the renderer tests: a frontend and a backend whose servers are in every state the page colours. */
import { testBackend } from "../../_fixtures/backend.ts";
import { FrontendCounters, ProcessCounters } from "../../../../src/stats/counters.ts";
import type { FrontendView, ProxyView } from "../../../../src/stats/views.ts";
import type { Backend } from "../../../../src/backend/backend.ts";

/** The sample's clock: 90 s after every last change. */
export const NOW = 1_700_000_090_000;
export const START = 1_700_000_000_000;

/**
 * Frontend "web" (3 sessions, 10 requests), backend "app": s1 UP checked (L7OK/200), s2 UP going
 * down (1 failure of fall 3), s3 DOWN going up, s4 MAINT, s5 DRAIN, s6 backup unchecked.
 */
export function sampleProxy(): ProxyView & { backend: Backend } {
  const be = testBackend({
    servers: [{}, {}, {}, { disabled: true }, { drain: true }, { backup: true, weight: 2 }],
  });
  const [s1, s2, s3, , , s6] = be.servers;
  for (const s of be.servers) s.lastChange = START;
  be.lastChange = START;
  for (const s of [s1!, s2!, s3!]) {
    s.checked = true;
    s.checkRise = 2;
    s.checkFall = 3;
    s.checkHealth = 4;
    s.lastCheck = { ok: true, status: "Layer7 check passed", code: 200, durationMs: 3, at: START };
  }
  s2!.checkHealth = 3;
  s2!.counters.chkfail = 1;
  s3!.state = "DOWN";
  s3!.running = false;
  s3!.checkHealth = 1;
  s3!.lastCheck = {
    ok: false,
    status: "Layer4 connection problem",
    info: "Connection refused",
    durationMs: 0,
    at: START,
  };
  s1!.counters.stot = 7;
  s1!.counters.lbtot = 7;
  s1!.counters.hrsp2xx = 6;
  s1!.counters.hrsp4xx = 1;
  s6!.counters.stot = 0;
  be.counters.stot = 7;
  be.counters.lbtot = 7;
  be.counters.hrsp2xx = 6;
  be.counters.hrsp4xx = 1;
  const fc = new FrontendCounters();
  fc.stot = 10;
  fc.reqTot = 10;
  fc.ereq = 1;
  fc.hrsp2xx = 6;
  fc.hrsp4xx = 4;
  const web: FrontendView = {
    name: "web",
    counters: fc,
    cur: 3,
    max: 5,
    maxconn: 1000,
    waiting: 0,
    mode: "http",
    http: { compression: null },
  };
  const pc = new ProcessCounters();
  pc.connTot = 12;
  pc.reqTot = 10;
  return {
    process: { counters: pc, cur: 3, maxconn: 4096 },
    frontends: [web],
    backends: new Map([["app", be]]),
    backend: be,
  };
}
