/** Tests for the stats page service: Basic auth, the exports, the admin form through the CommandRunner. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StatsPage, type StatsSettings } from "../../../../src/control/api/stats_page.ts";
import { compileCondition } from "../../../../src/rules/mod.ts";
import { FakeRunner, linked, serviceRequest } from "./_fixtures.ts";

const LOCALHOST = compileCondition("if LOCALHOST", new Map());
if (!LOCALHOST.ok) throw new Error("LOCALHOST does not compile");

function page(over: Partial<StatsSettings> = {}, runner = new FakeRunner()): StatsPage {
  return new StatsPage({
    uri: "/stats",
    refresh: 10,
    auth: ["admin:pw"],
    realm: "My Stats",
    admin: LOCALHOST.ok ? LOCALHOST.condition : null,
    hideVersion: false,
    ...over,
  }, linked(runner));
}

const AUTH = `Authorization: Basic ${btoa("admin:pw")}`;
const text = (b: Uint8Array | string) => typeof b === "string" ? b : new TextDecoder().decode(b);

test("StatsPage.takes() matches paths that start with the uri", () => {
  const p = page();
  assert.equal(p.takes("/stats"), true);
  assert.equal(p.takes("/stats;csv"), true);
  assert.equal(p.takes("/other"), false);
});

test("StatsPage answers 401 with WWW-Authenticate without or with wrong credentials", async () => {
  for (
    const extra of ["", "\nAuthorization: Basic " + btoa("admin:nope"), "\nAuthorization: Bearer x"]
  ) {
    const a = await page().serve(serviceRequest(`GET /stats HTTP/1.1\nHost: a${extra}`));
    assert.equal(a.status, 401);
    assert.deepEqual(a.headers.find(([n]) => n === "www-authenticate"), [
      "www-authenticate",
      'Basic realm="My Stats"',
    ]);
  }
});

test("StatsPage serves HTML, ;csv and ;json to a known user; no auth configured: open", async () => {
  const html = await page().serve(serviceRequest(`GET /stats HTTP/1.1\n${AUTH}`));
  assert.equal(html.status, 200);
  assert.match(text(html.body), /http-equiv="refresh" content="10"/);
  const csv = await page().serve(serviceRequest(`GET /stats;csv HTTP/1.1\n${AUTH}`));
  assert.match(text(csv.body), /^# pxname,svname,/);
  assert.match(text(csv.body), /\napp,s1,/);
  const json = await page().serve(serviceRequest(`GET /stats;json;norefresh HTTP/1.1\n${AUTH}`));
  assert.ok(Array.isArray(JSON.parse(text(json.body))));
  const open = await page({ auth: [] }).serve(serviceRequest("GET /stats;norefresh HTTP/1.1"));
  assert.equal(open.status, 200);
  assert.doesNotMatch(text(open.body), /refresh/);
});

test("StatsPage admin POST runs one command per server and redirects 303 with ;st=DONE", async () => {
  const runner = new FakeRunner();
  const a = await page({}, runner).serve(
    serviceRequest(`POST /stats HTTP/1.1\n${AUTH}`, "s=s1&s=s2&action=maint&b=app"),
  );
  assert.equal(a.status, 303);
  assert.deepEqual(a.headers, [["location", "/stats;st=DONE"]]);
  assert.deepEqual(runner.got.map((g) => g.line), [
    "set server app/s1 state maint",
    "set server app/s2 state maint",
  ]);
  assert.equal(runner.got[0]!.actor.who, "stats admin@127.0.0.1");
});

test("StatsPage admin POST is refused (DENY) when the admin condition does not match", async () => {
  const runner = new FakeRunner();
  const a = await page({}, runner).serve(
    serviceRequest(`POST /stats HTTP/1.1\n${AUTH}`, "s=s1&action=drain&b=app", "192.0.2.9"),
  );
  assert.deepEqual(a.headers, [["location", "/stats;st=DENY"]]);
  assert.equal(runner.got.length, 0);
});

test("StatsPage admin POST reports PART when some commands fail", async () => {
  const runner = new FakeRunner((l) => l.includes("/bad") ? "No such server.\n" : "");
  const a = await page({}, runner).serve(
    serviceRequest(`POST /stats HTTP/1.1\n${AUTH}`, "s=s1&s=bad&action=ready&b=app"),
  );
  assert.deepEqual(a.headers, [["location", "/stats;st=PART"]]);
});
