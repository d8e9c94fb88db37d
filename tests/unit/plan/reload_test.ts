/** Tests for RunningProxy.reload(): what a new generation keeps of the old one (listeners, server state, counters, stick tables, keep-alive clients). */
import assert from "node:assert/strict";
import { test } from "node:test";
import http from "node:http";
import net from "node:net";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, parseConfigText } from "../../../src/config/mod.ts";
import { type RunningProxy, startProxy } from "../../../src/plan/mod.ts";
import { getRuntime } from "../../../src/runtime/mod.ts";
import { ADMIN } from "../control/_proxy.ts";

function config(yaml: string): Config {
  const r = parseConfigText(yaml, "test.yaml");
  if (!r.ok) throw new Error(`test config: ${JSON.stringify(r.errors)}`);
  return r.config;
}

const A = `
global: { log: none }
defaults:
  mode: http
  timeout: { connect: 1s, client: 5s, server: 5s }
stickTables:
  per_ip: { type: ip, size: 1k, expire: 30s, store: ["http_req_rate(10s)"] }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    httpRequest: ["track-sc0 src table per_ip"]
backends:
  app:
    servers:
      - { name: s1, address: "127.0.0.1:1", check: true, inter: 60s }
      - { name: s2, address: "127.0.0.1:2", weight: 10 }
`;

/** A: s2's weight changed in the config, s3 added, a frontend added. */
const B = A.replace("weight: 10", "weight: 20")
  .replace(
    `weight: 20 }`,
    `weight: 20 }\n      - { name: s3, address: "127.0.0.1:3" }`,
  )
  .replace("backends:", `  more:\n    bind: ["127.0.0.1:0"]\n    defaultBackend: app\nbackends:`);

async function withProxy(yaml: string, body: (p: RunningProxy) => Promise<void>): Promise<void> {
  const p = await startProxy(config(yaml), await getRuntime());
  try {
    await body(p);
  } finally {
    await p.shutdown();
  }
}

test("reload() keeps a listener whose bind is unchanged and binds the new ones", async () => {
  await withProxy(A, async (p) => {
    const port = p.binds[0]!.port;
    const r = await p.reload(config(B));
    assert.equal(r.ok, true);
    assert.deepEqual(p.binds.map((b) => b.frontend), ["fe", "more"]);
    assert.equal(p.binds[0]!.port, port);
    assert.notEqual(p.binds[1]!.port, port);
    assert.deepEqual(r.changes, [
      "frontend more: added",
      "backend app: server s3 added, s2 weight 10 → 20",
      `frontend more: listening on 127.0.0.1:${p.binds[1]!.port}`,
    ]);
    const more = p.binds[1]!.port;
    const back = await p.reload(config(A));
    assert.deepEqual(back.changes, [
      "frontend more: removed",
      "backend app: server s3 removed, s2 weight 20 → 10",
      `more 127.0.0.1:${more}: listener closed`,
    ]);
    assert.equal(p.binds[0]!.port, port);
  });
});

test("reload() keeps a server's run-time MAINT, DOWN, counters and weight the config left alone", async () => {
  await withProxy(A, async (p) => {
    const run = (line: string) => p.control.runner.run(line, ADMIN);
    await run("set server app/s2 state maint");
    await run("set weight app/s1 5");
    const s1 = p.backends.get("app")!.servers[0]!;
    s1.running = false;
    s1.moveTo("DOWN");
    s1.checkHealth = 0;
    s1.counters.stot = 7;
    const r = await p.reload(config(B));
    assert.equal(r.ok, true, r.errors.join("; "));
    const [n1, n2, n3] = p.backends.get("app")!.servers;
    assert.notEqual(n1, s1, "a new generation has new Server objects");
    assert.equal(n1!.state, "DOWN");
    assert.equal(n1!.running, false);
    assert.equal(n1!.counters.stot, 7);
    assert.equal(n1!.weight, 5, "weight set at run time, config unchanged: kept");
    assert.equal(n2!.state, "MAINT");
    assert.equal(n2!.weight, 20, "weight changed in the config: the config's");
    assert.equal(n3!.state, "UP");
  });
});

test("reload() keeps a stick table with the same spec, entries included", async () => {
  await withProxy(A, async (p) => {
    const table = p.frontends[0]!.rules!.stick!.get("per_ip")!;
    const entry = table.get(table.key("192.0.2.1")!);
    assert.ok(entry !== undefined);
    await p.reload(config(B));
    assert.equal(p.frontends[0]!.rules!.stick!.get("per_ip"), table);
    assert.equal(table.entries, 1);
    const changed = A.replace("size: 1k", "size: 2k");
    await p.reload(config(changed));
    assert.notEqual(p.frontends[0]!.rules!.stick!.get("per_ip"), table);
  });
});

test("reload() of a file with errors changes nothing and returns every error", async () => {
  await withProxy(A, async (p) => {
    const file = join(tmpdir(), `tsproxy-reload-${process.pid}.yaml`);
    writeFileSync(
      file,
      A.replace("defaultBackend: app", "defaultBackend: nope").replace("inter: 60s", "inter: -1"),
    );
    const backends = p.backends;
    const r = await p.reload(file);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length >= 2, r.errors.join("\n"));
    assert.ok(r.errors.some((e) => e.includes("nope")), r.errors.join("\n"));
    assert.equal(p.backends, backends);
    const answer = await p.control.runner.run("reload", ADMIN);
    assert.match(answer, /^Success=0\n--\n/); // no file given to startProxy
  });
});

test("reload() moves a keep-alive client to the new generation at its next request", async () => {
  const origin = (name: string) =>
    http.createServer((_req, res) => res.end(name)).listen(0, "127.0.0.1");
  const oa = origin("a"), ob = origin("b");
  await Promise.all([oa, ob].map((s) => new Promise((r) => s.once("listening", r))));
  const port = (s: http.Server) => (s.address() as net.AddressInfo).port;
  const yaml = (to: number) => `
global: { log: none }
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [{ name: s1, address: "127.0.0.1:${to}" }] }
`;
  try {
    await withProxy(yaml(port(oa)), async (p) => {
      const sock = net.connect(p.binds[0]!.port, "127.0.0.1");
      let got = "";
      sock.on("data", (d) => got += d.toString());
      const ask = async (n: number) => {
        sock.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
        for (let i = 0; i < 200 && (got.match(/HTTP\/1.1 200/g) ?? []).length < n; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await ask(1);
      assert.equal(p.backends.get("app")!.pool.size, 1, "the server connection went idle");
      assert.equal((await p.reload(config(yaml(port(oa)) + "# same\n"))).ok, true);
      assert.equal(p.backends.get("app")!.pool.size, 1, "same server: its idle connection moved");
      assert.equal((await p.reload(config(yaml(port(ob))))).ok, true);
      assert.equal(p.backends.get("app")!.pool.size, 0, "address changed: dropped");
      await ask(2);
      sock.destroy();
      const bodies = [...got.matchAll(/\r\n\r\n([ab])/g)].map((m) => m[1]);
      assert.deepEqual(bodies, ["a", "b"]);
      assert.equal(p.frontends[0]!.counters.stot >= 1, true);
    });
  } finally {
    oa.close();
    ob.close();
  }
});

test("the reload command reads the file again and answers as HAProxy's master CLI", async () => {
  const file = join(tmpdir(), `tsproxy-reload-cmd-${process.pid}.yaml`);
  writeFileSync(file, A);
  const p = await startProxy(config(A), await getRuntime(), undefined, undefined, undefined, file);
  try {
    writeFileSync(file, B);
    const answer = await p.control.runner.run("reload", ADMIN);
    assert.equal(
      answer,
      "Success=1\n--\nfrontend more: added\nbackend app: server s3 added, s2 weight 10 → 20\n" +
        `frontend more: listening on 127.0.0.1:${p.binds[1]!.port}\n`,
    );
    assert.equal(
      await p.control.runner.run("reload", { who: "t", level: "operator" }),
      "Permission denied\n",
    );
    writeFileSync(file, "frontends: { web: { bind: 1 } }\n");
    assert.match(await p.control.runner.run("reload", ADMIN), /^Success=0\n--\n.*bind/s);
    assert.equal(p.frontends.length, 2, "the failed reload changed nothing");
  } finally {
    await p.shutdown();
  }
});
