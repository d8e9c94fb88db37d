/** The admin API's stick table resources: JSON from `show table`, set and clear as command lines, levels. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiApp } from "../../../../src/control/api/app.ts";
import type { ApiAccounts } from "../../../../src/control/api/api_auth.ts";
import { entryJson } from "../../../../src/control/api/tables.ts";
import { FakeRunner, linked } from "./_fixtures.ts";

const ACCOUNTS: ApiAccounts = {
  tokens: [
    { name: "ops", token: "0123456789abcdef-ops", level: "operator" },
    { name: "root", token: "0123456789abcdef-root", level: "admin" },
  ],
  users: [],
};
const DUMP = "# table: per_ip, type: ip, size:1048576, used:1\n" +
  "0x7f3a10000000: key=10.0.0.1 use=1 exp=29000 conn_cur=1 http_req_rate(10000)=7\n";

function call(runner: FakeRunner, path: string, init: RequestInit = {}, who = "ops") {
  const link = linked(runner);
  link.proxy = {
    ...link.proxy!,
    tables: new Map([["per_ip", {
      spec: { name: "per_ip", type: "ip", size: 1048576 },
      entries: 3,
    }]]),
  };
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer 0123456789abcdef-${who}`);
  return apiApp(ACCOUNTS, link).fetch(
    new Request(`http://api${path}`, { ...init, headers }),
    { client: "127.0.0.9" },
  );
}

test("entryJson() reads a show table line; null for anything else", () => {
  assert.deepEqual(entryJson(DUMP.split("\n")[1]!), {
    key: "10.0.0.1",
    use: 1,
    exp: 29000,
    data: { conn_cur: 1, "http_req_rate(10000)": 7 },
  });
  assert.equal(entryJson("# table: x"), null);
});

test("GET /api/tables lists size and used; GET /api/tables/:t dumps entries as JSON", async () => {
  const r = new FakeRunner((l) => l.startsWith("show table per_ip") ? DUMP : "No such table\n");
  assert.deepEqual(await (await call(r, "/api/tables")).json(), [
    { name: "per_ip", type: "ip", size: 1048576, used: 3 },
  ]);
  const res = await call(r, "/api/tables/per_ip?filter=data.conn_cur%20gt%200");
  assert.equal(res.status, 200);
  assert.equal((await res.json()).entries[0].data.conn_cur, 1);
  assert.equal(r.got.at(-1)!.line, "show table per_ip data.conn_cur gt 0");
  await call(r, "/api/tables/per_ip?key=10.0.0.1");
  assert.equal(r.got.at(-1)!.line, "show table per_ip key 10.0.0.1");
  assert.equal((await call(r, "/api/tables/nope")).status, 404);
  assert.equal((await call(r, "/api/tables/per_ip?filter=rm%20-rf")).status, 400);
  assert.equal((await call(r, "/api/tables/per_ip?key=a;b")).status, 400);
});

test("PUT and DELETE become set table / clear table lines, at the levels HAProxy asks", async () => {
  const r = new FakeRunner();
  const put = (who: string) =>
    call(r, "/api/tables/per_ip/entries/10.0.0.1", {
      method: "PUT",
      body: JSON.stringify({ data: { gpc0: 3, server_id: 1 } }),
    }, who);
  assert.equal((await put("ops")).status, 403, "set table needs admin");
  assert.equal(r.got.length, 0);
  assert.equal((await put("root")).status, 200);
  assert.equal(r.got.at(-1)!.line, "set table per_ip key 10.0.0.1 data.gpc0 3 data.server_id 1");
  assert.equal(r.got.at(-1)!.actor.who, "api token root@127.0.0.9");
  const del = await call(r, "/api/tables/per_ip/entries/10.0.0.1", { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal(r.got.at(-1)!.line, "clear table per_ip key 10.0.0.1");
  assert.equal((await call(r, "/api/tables/per_ip", { method: "DELETE" })).status, 204);
  assert.equal(r.got.at(-1)!.line, "clear table per_ip");
  const busy = new FakeRunner(() => "Entry currently in use, cannot remove\n");
  const res = await call(busy, "/api/tables/per_ip/entries/10.0.0.1", { method: "DELETE" });
  assert.equal(res.status, 409);
});
