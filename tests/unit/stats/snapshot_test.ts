/** Tests for snapshot() and readRows(): what the data path counts reads back through the table. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Backend } from "../../../src/backend/backend.ts";
import type { Frontend } from "../../../src/proxy/accept/frontend.ts";
import type { ProxyHandle } from "../../../src/proxy/proxy.ts";
import {
  CompressionCounters,
  countStatus,
  FrontendCounters,
  ProcessCounters,
} from "../../../src/stats/counters.ts";
import { readRows, type Sample, snapshot } from "../../../src/stats/snapshot.ts";
import { prometheusName } from "../../../src/stats/table.ts";
import type { FrontendView, ProxyView } from "../../../src/stats/views.ts";
import { testBackend } from "../_fixtures/backend.ts";

// The running objects are views of themselves: no adapter between them and the table.
const _proxy = (h: ProxyHandle): ProxyView => h;
const _frontend = (f: Frontend): FrontendView => f;
void _proxy, _frontend;

function backend(): Backend {
  return testBackend({
    retries: 2,
    servers: [{ port: 9001, maxconn: 10, maxqueue: 4 }, { port: 9002 }],
  });
}

/** Samples keyed by HAProxy field, or by Prometheus name for rows without one. */
function values(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { row, value } of samples) out[row.haproxyField ?? row.prometheus] = value;
  return out;
}

function frontend(comp = new CompressionCounters()) {
  return {
    name: "web",
    counters: new FrontendCounters(),
    cur: 0,
    max: 0,
    maxconn: 100,
    waiting: 2,
    mode: "http" as const,
    http: { compression: { counters: comp } },
  } satisfies FrontendView;
}

test("readRows() reads back what the data path counted on servers and backends", () => {
  const be = backend();
  const s1 = be.servers[0]!;
  s1.cur++;
  be.opened(s1);
  be.countBytes(s1, 100, 2000);
  s1.counters.eresp++;
  be.counters.eresp++;
  s1.counters.cliAbrt++;
  countStatus(s1.counters, 204);
  countStatus(s1.counters, 503);
  countStatus(s1.counters, 999);
  be.compression.compRsp++;
  s1.lastChange = 1_000;
  const s = values(readRows("server", s1, 4_000));
  assert.deepEqual(
    [s.scur, s.smax, s.stot, s.bin, s.bout, s.eresp, s.cli_abrt, s.slim, s.qlimit, s.lastchg],
    [1, 1, 1, 100, 2000, 1, 1, 10, 4, 3],
  );
  assert.deepEqual([s.hrsp_1xx, s.hrsp_2xx, s.hrsp_5xx, s.hrsp_other], [0, 1, 1, 1]);
  const b = values(readRows("backend", be));
  assert.deepEqual([b.scur, b.stot, b.bin, b.bout, b.eresp, b.comp_rsp], [1, 1, 100, 2000, 1, 1]);
  be.closed(s1);
  assert.equal(values(readRows("backend", be)).scur, 0);
});

test("readRows() reads a frontend's counters, its compression's and its gauges", () => {
  const comp = new CompressionCounters();
  const f = frontend(comp);
  f.counters.dcon += 2;
  f.counters.connTot += 5;
  f.counters.proxyHeaderErrors++;
  comp.compIn += 300;
  comp.bypassed++;
  f.cur = 3;
  const v = values(readRows("frontend", f));
  assert.deepEqual([v.dcon, v.conn_tot, v.scur, v.slim, v.comp_in], [2, 5, 3, 100, 300]);
  assert.equal(v.proxy_header_errors_total, 1);
  assert.equal(v.http_comp_bypassed_responses_total, 1);
  assert.equal(v.waiting_connections, 2);
  const tcp = values(readRows("frontend", { ...f, http: null }));
  assert.equal(tcp.comp_in, 0, "a TCP frontend compresses nothing");
});

test("snapshot(): the process, each frontend, then each backend's servers and the backend", () => {
  const be = backend();
  const counters = new ProcessCounters();
  counters.connTot = 7;
  counters.droppedLogs = 1;
  const proxy: ProxyView = {
    process: { counters, cur: 2, maxconn: 50 },
    frontends: [frontend()],
    backends: new Map([["app", be]]),
  };
  const lines = snapshot(proxy, 0);
  assert.deepEqual(lines.map((l) => `${l.scope} ${l.proxy}/${l.name}`), [
    "process /",
    "frontend web/FRONTEND",
    "server app/s1",
    "server app/s2",
    "backend app/BACKEND",
  ]);
  const p = values(lines[0]!.samples);
  assert.deepEqual([p.CurrConns, p.Maxconn, p.CumConns, p.DroppedLogs], [2, 50, 7, 1]);
  const names = lines[4]!.samples.map((s) => prometheusName(s.row, "backend"));
  assert.ok(names.includes("haproxy_backend_current_queue"));
  assert.ok(names.includes("haproxy_backend_http_responses_total"));
});
