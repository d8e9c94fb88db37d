/** Tests for the admin API app: authentication, the resources and how changes become command lines. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiApp } from "../../../../src/control/api/app.ts";
import type { ApiAccounts } from "../../../../src/control/api/api_auth.ts";
import { shaCrypt } from "../../../../src/auth/sha_crypt.ts";
import { FakeRunner, linked } from "./_fixtures.ts";

const TOKEN = "0123456789abcdef-ops";
const ACCOUNTS: ApiAccounts = {
  tokens: [{ name: "ops", token: TOKEN, level: "operator" }],
  users: [{ name: "admin", password: shaCrypt("pw", "$6$salt")!, insecure: false, level: "admin" }],
};
const ENV = { client: "127.0.0.9" };

function call(runner: FakeRunner, path: string, init: RequestInit = {}, auth = `Bearer ${TOKEN}`) {
  const app = apiApp(ACCOUNTS, linked(runner));
  const headers = new Headers(init.headers);
  if (auth !== "") headers.set("authorization", auth);
  return app.fetch(new Request(`http://api${path}`, { ...init, headers }), ENV);
}

test("apiApp refuses no token, a wrong token and a wrong password with 401", async () => {
  const r = new FakeRunner();
  for (const auth of ["", "Bearer nope", `Basic ${btoa("admin:nope")}`, "Digest x"]) {
    const res = await call(r, "/api/backends", {}, auth);
    assert.equal(res.status, 401, auth);
    assert.match(res.headers.get("www-authenticate") ?? "", /Bearer/);
  }
  assert.equal(r.got.length, 0);
});

test("apiApp lists backends and a server to a token and to a Basic user", async () => {
  const r = new FakeRunner();
  const list = await call(r, "/api/backends");
  assert.equal(list.status, 200);
  assert.deepEqual((await list.json())[0].servers, ["s1"]);
  const s = await call(r, "/api/backends/app/servers/s1", {}, `Basic ${btoa("admin:pw")}`);
  assert.equal(s.status, 200);
  assert.equal((await s.json()).cur, 2);
  assert.equal((await call(r, "/api/backends/app/servers/nope")).status, 404);
});

test("apiApp PATCH of a server runs its lines as the token, naming the client", async () => {
  const r = new FakeRunner();
  const res = await call(r, "/api/backends/app/servers/s1", {
    method: "PATCH",
    body: JSON.stringify({ state: "drain", weight: 10 }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(r.got.map((g) => g.line), [
    "set server app/s1 weight 10",
    "set server app/s1 state drain",
  ]);
  assert.deepEqual(r.got[0]!.actor, { who: "api token ops@127.0.0.9", level: "operator" });
});

test("apiApp PATCH refuses an unknown state (400) and reports a runner error (400)", async () => {
  const bad = await call(new FakeRunner(), "/api/backends/app/servers/s1", {
    method: "PATCH",
    body: JSON.stringify({ state: "gone" }),
  });
  assert.equal(bad.status, 400);
  const r = new FakeRunner(() => "No such server.");
  const res = await call(r, "/api/backends/app/servers/zz", {
    method: "PATCH",
    body: JSON.stringify({ state: "ready" }),
  });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /No such server/);
});

test("apiApp adds (then enables) and deletes servers through add/enable/del server", async () => {
  const r = new FakeRunner((l) =>
    l.startsWith("add") ? "New server registered." : l.startsWith("del") ? "Server deleted." : ""
  );
  const add = await call(r, "/api/backends/app/servers", {
    method: "POST",
    body: JSON.stringify({ name: "s9", address: "127.0.0.1:8089", weight: 5 }),
  });
  assert.equal(add.status, 201);
  const del = await call(r, "/api/backends/app/servers/s9", { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.deepEqual(r.got.map((g) => g.line), [
    "add server app/s9 127.0.0.1:8089 weight 5",
    "enable server app/s9",
    "del server app/s9",
  ]);
});

test("apiApp POST /api/commands answers the runner's text", async () => {
  const r = new FakeRunner(() => "Name: tsproxy\n");
  const res = await call(r, "/api/commands", {
    method: "POST",
    body: JSON.stringify({ command: "show info" }),
  }, `Basic ${btoa("admin:pw")}`);
  assert.equal(await res.text(), "Name: tsproxy\n");
  assert.deepEqual(r.got[0]!.actor, { who: "api user admin@127.0.0.9", level: "admin" });
});

test("apiApp serves the stats exports and /metrics", async () => {
  const r = new FakeRunner();
  assert.match(await (await call(r, "/stats.csv")).text(), /^# pxname/);
  assert.match(await (await call(r, "/metrics?scope=server")).text(), /haproxy_server_/);
  assert.doesNotMatch(await (await call(r, "/metrics?scope=server")).text(), /haproxy_backend_/);
  assert.equal(
    (await call(r, "/stats")).headers.get("content-type")?.startsWith("text/html"),
    true,
  );
});
