/** Tests for the metrics table: every row is complete, and every counter the data path increments has a row. */
import { SERVER_STATE } from "../_fixtures/views.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  BackendCounters,
  CompressionCounters,
  FrontendCounters,
  ProcessCounters,
  ServerCounters,
} from "../../../src/stats/counters.ts";
import { METRICS, prometheusName, rowsFor, scopesOf } from "../../../src/stats/table.ts";
import { readRows } from "../../../src/stats/snapshot.ts";
import type { Scope, ScopeViews } from "../../../src/stats/views.ts";

const PROMETHEUS = /^haproxy_(process|frontend|backend|server|listener|sticktable)_[a-z0-9_]+$/;

test("METRICS: every row has a HAProxy field or says why not, a Prometheus name, a kind, a description", () => {
  assert.ok(METRICS.length > 30);
  for (const row of METRICS) {
    const id = row.haproxyField ?? row.prometheus;
    if (row.haproxyField === null) assert.ok((row.why ?? "").trim().length > 0, `${id}: why`);
    else assert.match(row.haproxyField, /^[A-Za-z][A-Za-z0-9_]*$/, id);
    assert.ok(row.kind === "counter" || row.kind === "gauge", `${id}: kind`);
    assert.ok(row.description.trim().length > 0, `${id}: description`);
    assert.ok(!row.description.includes("\n"), `${id}: one line`);
    const scopes = scopesOf(row);
    assert.ok(scopes.length > 0, `${id}: a scope`);
    for (const scope of scopes) {
      const name = prometheusName(row, scope);
      assert.match(name, PROMETHEUS, id);
      // HAProxy's exporter: counters end in _total, gauges never do
      assert.equal(name.endsWith("_total"), row.kind === "counter", `${name}: kind and suffix`);
    }
  }
});

test("METRICS: a HAProxy field and a Prometheus series appear once per scope", () => {
  for (const scope of ["process", "frontend", "backend", "server", "sticktable"] as const) {
    const fields = new Set<string>(), series = new Set<string>();
    for (const row of rowsFor(scope)) {
      const s = prometheusName(row, scope) + JSON.stringify(row.labels ?? {});
      assert.ok(!series.has(s), `${scope}: ${s} twice`);
      series.add(s);
      if (row.haproxyField === null) continue;
      assert.ok(!fields.has(row.haproxyField), `${scope}: ${row.haproxyField} twice`);
      fields.add(row.haproxyField);
    }
  }
});

/** Views of every scope whose counters are `c` (other values 0). */
function views(c: {
  server?: ServerCounters;
  backend?: BackendCounters;
  frontend?: FrontendCounters;
  compression?: CompressionCounters;
  process?: ProcessCounters;
}): ScopeViews {
  const gauges = { cur: 0, max: 0, maxconn: 0 };
  const server = {
    name: "s",
    counters: c.server ?? new ServerCounters(),
    ...gauges,
    maxqueue: 0,
    lastChange: 0,
    ...SERVER_STATE,
    weight: 0, // every row reads 0 from fresh views
    effectiveWeight: 0,
  };
  return {
    process: { counters: c.process ?? new ProcessCounters(), cur: 0, maxconn: 0 },
    frontend: {
      name: "f",
      counters: c.frontend ?? new FrontendCounters(),
      ...gauges,
      waiting: 0,
      mode: "http" as const,
      http: { compression: { counters: c.compression ?? new CompressionCounters() } },
    },
    backend: {
      name: "b",
      counters: c.backend ?? new BackendCounters(),
      compression: c.compression ?? new CompressionCounters(),
      cur: 0,
      max: 0,
      queue: { length: 0, max: 0 },
      lastChange: 0,
      servers: [server],
      mode: "http" as const,
      algo: "roundrobin",
    },
    server,
    sticktable: { spec: { name: "t", type: "ip", size: 0 }, entries: 0 },
  };
}

/** Each counters class, the scopes holding it, and how to build views around one instance. */
const CLASSES = [
  { name: "ServerCounters", make: () => new ServerCounters(), scopes: ["server"], key: "server" },
  {
    name: "BackendCounters",
    make: () => new BackendCounters(),
    scopes: ["backend"],
    key: "backend",
  },
  {
    name: "FrontendCounters",
    make: () => new FrontendCounters(),
    scopes: ["frontend"],
    key: "frontend",
  },
  {
    name: "CompressionCounters",
    make: () => new CompressionCounters(),
    scopes: ["frontend", "backend"],
    key: "compression",
  },
  {
    name: "ProcessCounters",
    make: () => new ProcessCounters(),
    scopes: ["process"],
    key: "process",
  },
] as const;

test("METRICS: every field of every counters class is read by a row of each scope holding it", () => {
  for (const cls of CLASSES) {
    const fields = Object.keys(cls.make());
    assert.ok(fields.length > 0, cls.name);
    for (const [i, f] of fields.entries()) {
      const counters = cls.make() as unknown as Record<string, number>;
      assert.equal(typeof counters[f], "number", `${cls.name}.${f} is a plain number`);
      const marker = 1000 + i;
      counters[f] = marker;
      const v = views({ [cls.key]: counters });
      for (const scope of cls.scopes) {
        const values = readRows(scope, v[scope] as never, 0).map((s) => s.value);
        assert.ok(values.includes(marker), `${cls.name}.${f}: no ${scope} row reads it`);
      }
    }
  }
});

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("src/: counter increments (`counters.X++`, `counters.X += n`) name only fields of the counters classes", () => {
  const known = new Set(CLASSES.flatMap((c) => Object.keys(c.make())));
  const increment = /counters\.([A-Za-z0-9_]+)\s*(?:\+\+|\+=)/g;
  const found = new Set<string>();
  for (const file of sources(new URL("../../../src", import.meta.url).pathname)) {
    for (const m of readFileSync(file, "utf8").matchAll(increment)) {
      assert.ok(known.has(m[1]!), `${file}: counters.${m[1]} is no counters field`);
      found.add(m[1]!);
    }
  }
  // the scan sees the data path: the ones incremented today
  for (
    const f of ["stot", "bin", "econ", "eresp", "wretr", "wredis", "chkfail", "dcon", "compIn"]
  ) {
    assert.ok(found.has(f), `no increment of counters.${f} found`);
  }
});

test("rowsFor(): each scope's rows, in table order, all readable from that scope", () => {
  const v = views({});
  for (const scope of ["process", "frontend", "backend", "server", "sticktable"] as Scope[]) {
    const rows = rowsFor(scope);
    assert.deepEqual(rows, METRICS.filter((r) => r.read[scope] !== undefined));
    for (const s of readRows(scope, v[scope] as never, 0)) {
      assert.equal(s.value, 0, s.row.prometheus);
    }
  }
});
