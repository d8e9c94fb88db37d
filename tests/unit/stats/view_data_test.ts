/** viewData() and mergeViews(): workers' views as plain data, merged as one process's (counters summed, maxima the largest, states the first's). */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BackendCounters,
  CompressionCounters,
  FrontendCounters,
  ProcessCounters,
  ServerCounters,
} from "../../../src/stats/counters.ts";
import { mergeViews, viewData } from "../../../src/stats/view_data.ts";
import type { ProxyView, ServerView } from "../../../src/stats/views.ts";
import { snapshot } from "../../../src/stats/snapshot.ts";

function worker(stot: number, cur: number, max: number, state: ServerView["state"]): ProxyView {
  const sc = new ServerCounters();
  sc.stot = stot;
  sc.hrsp2xx = stot;
  const s: ServerView = {
    name: "s1",
    counters: sc,
    cur,
    max,
    maxconn: 10,
    maxqueue: 0,
    lastChange: 1000 + stot,
    id: 1,
    address: "127.0.0.1:80",
    backup: false,
    standby: false,
    weight: 1,
    effectiveWeight: 1,
    state,
    running: state === "UP",
    checked: false,
    checkHealth: 0,
    checkRise: 2,
    checkFall: 3,
    lastCheck: null,
  };
  const bc = new BackendCounters();
  bc.stot = stot;
  const fc = new FrontendCounters();
  fc.reqTot = stot;
  const pc = new ProcessCounters();
  pc.reqTot = stot;
  return {
    process: { counters: pc, cur, maxconn: 100 },
    frontends: [{
      name: "web",
      counters: fc,
      cur,
      max,
      maxconn: 0,
      waiting: 0,
      mode: "http",
      http: { compression: null },
    }],
    backends: new Map([["app", {
      name: "app",
      counters: bc,
      compression: new CompressionCounters(),
      cur,
      max,
      queue: { length: 1, max: 2 },
      lastChange: 5,
      servers: [s],
      mode: "http" as const,
      algo: "roundrobin",
    }]]),
  };
}

test("viewData() survives JSON (the IPC channel) with every value the rows read", () => {
  const w = worker(7, 1, 3, "UP");
  const back = mergeViews([JSON.parse(JSON.stringify(viewData(w)))]);
  const now = 10_000;
  const values = (v: ProxyView) => snapshot(v, now).map((l) => l.samples.map((s) => s.value));
  assert.deepEqual(values(back), values(w));
});

test("mergeViews() sums counters and current counts, takes the largest maximum and the first's state", () => {
  const m = mergeViews([viewData(worker(7, 1, 3, "UP")), viewData(worker(5, 2, 9, "DOWN"))]);
  const be = m.backends.get("app")!, s = be.servers[0]!;
  assert.equal(s.counters.stot, 12);
  assert.equal(s.counters.hrsp2xx, 12);
  assert.equal(s.cur, 3);
  assert.equal(s.max, 9);
  assert.equal(s.state, "UP");
  assert.equal(s.lastChange, 1007, "the latest change");
  assert.equal(be.counters.stot, 12);
  assert.deepEqual(be.queue, { length: 2, max: 2 });
  assert.equal(m.frontends[0]!.counters.reqTot, 12);
  assert.equal(m.process.counters.reqTot, 12);
  assert.equal(m.process.cur, 3);
  assert.equal(m.process.maxconn, 100);
});

test("mergeViews() of nothing throws", () => {
  assert.throws(() => mergeViews([]), RangeError);
});
