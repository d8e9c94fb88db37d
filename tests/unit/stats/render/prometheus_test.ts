/** Tests for renderPrometheus(): families under one HELP/TYPE, HAProxy's labels, scopes, promtool's verdict. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { renderPrometheus, scopesFromQuery } from "../../../../src/stats/render/mod.ts";
import { NOW, sampleProxy } from "./_sample.ts";

const text = () => renderPrometheus(sampleProxy(), { now: NOW });

test("renderPrometheus(): each family once, its series together under HELP and TYPE", () => {
  const lines = text().trimEnd().split("\n");
  const types = lines.filter((l) => l.startsWith("# TYPE ")).map((l) => l.split(" ")[2]);
  assert.equal(new Set(types).size, types.length, "a family listed twice");
  let family = "";
  for (const l of lines) {
    if (l.startsWith("# TYPE ")) family = l.split(" ")[2]!;
    else if (!l.startsWith("#")) assert.equal(l.split(/[{ ]/)[0], family, l);
  }
});

const SERIES: string[] = [
  "haproxy_process_current_connections 3",
  'haproxy_frontend_sessions_total{proxy="web"} 10',
  'haproxy_frontend_http_responses_total{proxy="web",code="4xx"} 4',
  'haproxy_backend_status{proxy="app",state="UP"} 1',
  'haproxy_backend_active_servers{proxy="app"} 2',
  'haproxy_server_loadbalanced_total{proxy="app",server="s1"} 7',
  'haproxy_server_status{proxy="app",server="s4",state="MAINT"} 1',
  'haproxy_server_status{proxy="app",server="s6",state="UP"} 1',
  'haproxy_server_check_status{proxy="app",server="s3",state="L4CON"} 1',
  'haproxy_server_check_code{proxy="app",server="s1"} 200',
  'haproxy_server_check_duration_seconds{proxy="app",server="s1"} 0.003',
  'tsproxy_frontend_waiting_connections{proxy="web"} 0',
];
for (const s of SERIES) {
  test(`renderPrometheus(): has ${s}`, () => assert.ok(text().split("\n").includes(s)));
}

test("renderPrometheus(): a label value is escaped", () => {
  const p = sampleProxy();
  (p.frontends[0] as { name: string }).name = 'a"b\\c';
  assert.match(renderPrometheus(p, { now: NOW }), /proxy="a\\"b\\\\c"/);
});

const SCOPES: [string, string[]][] = [
  ["", ["process", "frontend", "backend", "server"]],
  ["scope=global", ["process"]],
  ["scope=frontend&scope=server", ["frontend", "server"]],
  ["scope=*", ["process", "frontend", "backend", "server"]],
  ["scope=", []],
];
for (const [q, want] of SCOPES) {
  test(`renderPrometheus(): ?${q} gives the ${want.join(", ") || "no"} scopes`, () => {
    const got = renderPrometheus(sampleProxy(), {
      now: NOW,
      scopes: scopesFromQuery(new URLSearchParams(q)),
    });
    const scopes = new Set(
      got.split("\n").filter((l) => l.startsWith("# TYPE")).map((l) =>
        l.split(" ")[2]!.split("_")[1]
      ),
    );
    assert.deepEqual([...scopes], want);
  });
}

test("scopesFromQuery(): an unknown scope is an error naming it", () => {
  assert.throws(() => scopesFromQuery(new URLSearchParams("scope=servers")), /"servers"/);
});

test("renderPrometheus(): promtool check metrics passes", { skip: !hasPromtool() }, () => {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

function hasPromtool(): boolean {
  return spawnSync("promtool", ["--version"]).status === 0;
}

test("renderPrometheus(): stick tables as HAProxy's exporter names them, under ?scope=sticktable", () => {
  const p = {
    ...sampleProxy(),
    tables: new Map([["per_ip", {
      spec: { name: "per_ip", type: "ip", size: 1048576 },
      entries: 42,
    }]]),
  };
  const all = renderPrometheus(p, { now: NOW }).split("\n");
  assert.ok(all.includes('haproxy_sticktable_size{name="per_ip",type="ip"} 1048576'));
  assert.ok(all.includes('haproxy_sticktable_used{name="per_ip",type="ip"} 42'));
  assert.ok(all.includes("# TYPE haproxy_sticktable_used gauge"));
  const only = renderPrometheus(p, {
    now: NOW,
    scopes: scopesFromQuery(new URLSearchParams("scope=sticktable")),
  });
  // size, used, and the five tsproxy_sticktable_shared_* series (a local table: 0 in each)
  assert.equal(only.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length, 7);
  assert.ok(all.includes('tsproxy_sticktable_shared{name="per_ip",type="ip"} 0'));
  assert.ok(
    all.includes('tsproxy_sticktable_shared_last_sync_age_seconds{name="per_ip",type="ip"} 0'),
  );
});

test("renderPrometheus(): a shared table's Redis state, sync age and pending changes", () => {
  const shared = { up: true, lastSync: NOW - 250, pendingChanges: 12, pendingKeys: 3 };
  const p = {
    ...sampleProxy(),
    tables: new Map([["per_ip", {
      spec: { name: "per_ip", type: "ip", size: 1024 },
      entries: 5,
      shared,
    }]]),
  };
  const lines = renderPrometheus(p, { now: NOW }).split("\n");
  const labels = '{name="per_ip",type="ip"}';
  for (
    const l of [
      `tsproxy_sticktable_shared${labels} 1`,
      `tsproxy_sticktable_shared_redis_up${labels} 1`,
      `tsproxy_sticktable_shared_last_sync_age_seconds${labels} 0.25`,
      `tsproxy_sticktable_shared_pending_changes${labels} 12`,
      `tsproxy_sticktable_shared_pending_keys${labels} 3`,
    ]
  ) assert.ok(lines.includes(l), l);
  const down = renderPrometheus({
    ...p,
    tables: new Map([["per_ip", { ...p.tables.get("per_ip")!, shared: { ...shared, up: false } }]]),
  }, { now: NOW });
  assert.ok(down.includes(`tsproxy_sticktable_shared_redis_up${labels} 0`));
});
