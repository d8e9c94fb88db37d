/** tcp-request rules: compile errors, stages, inspect-delay, misses on growing payloads; log-format variables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chooseBackend,
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  compileTcpRules,
  evaluateTcpRules,
} from "../../../src/rules/mod.ts";
import { l4Context, requestContext } from "./context.ts";

const acls = compileAcls(["local src 127.0.0.0/8", "hello req.len ge 4"]).acls;

test("tcpRequest lines compile by stage; inspect-delay in HAProxy time units", () => {
  const { rules, errors } = compileTcpRules([
    "inspect-delay 2s",
    "tcp-request connection reject if { src 10.0.0.0/8 }",
    "connection accept",
    "content set-var(sess.n) req.len",
    "content accept if hello",
    "content reject",
  ], acls);
  assert.deepEqual(errors, []);
  assert.equal(rules.inspectDelay, 2000);
  assert.deepEqual(rules.connection.map((r) => r.action), ["reject", "accept"]);
  assert.deepEqual(rules.content.map((r) => r.action), ["set-var", "accept", "reject"]);
  assert.equal(compileTcpRules(["inspect-delay 250"], acls).rules.inspectDelay, 250);
});

test("bad tcpRequest lines are refused with the word and a hint", () => {
  const { errors } = compileTcpRules([
    "conection reject",
    "connection dny",
    "connection reject if { req.len gt 0 }",
    "content accept if { path /x }",
    "inspect-delay soon",
    "content accept extra",
  ], acls);
  assert.deepEqual(errors.map((e) => [e.line, e.word]), [
    [0, "conection"],
    [1, "dny"],
    [2, "req.len"],
    [3, "path"],
    [4, "soon"],
    [5, "extra"],
  ]);
  assert.match(errors[0]!.hint ?? "", /connection/);
  assert.match(errors[2]!.message, /before any byte arrives/);
  assert.match(errors[3]!.message, /HTTP fetch/);
  // in an HTTP frontend a content rule may read the request
  const http = compileTcpRules(["content reject if { path /x }"], acls, { mode: "http" });
  assert.deepEqual(http.errors, []);
});

test("a payload test that fails on bytes that may grow waits; the final evaluation decides", () => {
  const { rules } = compileTcpRules(["content accept if hello", "content reject"], acls);
  const ctx = l4Context({ payload: new Uint8Array([1, 2]), final: false });
  assert.deepEqual(evaluateTcpRules(rules.content, ctx), { verdict: "wait", at: 0 });
  ctx.payload = new Uint8Array([1, 2, 3, 4]);
  assert.deepEqual(evaluateTcpRules(rules.content, ctx), { verdict: "accept", at: 0 });
  const short = l4Context({ payload: new Uint8Array([1]), final: true });
  assert.deepEqual(evaluateTcpRules(rules.content, short), { verdict: "reject", at: 1 });
});

test("set-var runs once per pass and rules resume at the rule that missed", () => {
  const { rules } = compileTcpRules([
    "content set-var(sess.seen) int(1)",
    "content accept if hello",
  ], acls);
  const ctx = l4Context({ payload: new Uint8Array(1), final: false });
  const first = evaluateTcpRules(rules.content, ctx);
  assert.equal(first.verdict, "wait");
  assert.equal(ctx.vars.get("sess.seen"), 1);
  ctx.vars.delete("sess.seen");
  ctx.final = true;
  const second = evaluateTcpRules(rules.content, ctx, first.at);
  assert.equal(second.verdict, undefined);
  assert.equal(
    ctx.vars.has("sess.seen"),
    false,
    "the set-var before the missed rule did not run again",
  );
});

test("a connection rule sees only the connection", () => {
  const { rules } = compileTcpRules(["connection reject if local"], acls);
  assert.equal(
    evaluateTcpRules(rules.connection, l4Context({ src: "127.0.0.5" })).verdict,
    "reject",
  );
  assert.equal(evaluateTcpRules(rules.connection, l4Context()).verdict, undefined);
});

test("dynamic useBackend names render per request; constants must name a backend", () => {
  const { rules, errors } = compileBackendRules(
    ["be_%[req.hdr(x-tenant),lower] if { req.hdr(x-tenant) -m found }", "static"],
    compileAcls([]).acls,
    ["static", "be_a"],
  );
  assert.deepEqual(errors, []);
  assert.equal(
    chooseBackend(rules, requestContext("GET / HTTP/1.1\nHost: h\nX-Tenant: A\n")),
    "be_a",
  );
  assert.equal(chooseBackend(rules, requestContext("GET / HTTP/1.1\nHost: h\n")), "static");
  const bad = compileBackendRules(["nope"], compileAcls([]).acls, ["static"]);
  assert.equal(bad.errors[0]?.word, "nope");
});

test("log-format variables %ci %cp %fi %fp %f %b in rule values; unknown ones refused", () => {
  const { rules, errors } = compileHttpRules(
    ["set-header X-Client %ci:%cp", "set-header X-Front %f/%b@%fi:%fp", "set-header X-Pct 100%"],
    "request",
    compileAcls([]).acls,
  );
  assert.deepEqual(errors, []);
  const ctx = requestContext("GET / HTTP/1.1\nHost: h\n", { beName: "app" });
  const req = { headers: [] as { name: string; lname: string; value: string }[] };
  for (const r of rules) r.run({ ctx, req } as never);
  const got = Object.fromEntries(req.headers.map((h) => [h.name, h.value]));
  assert.deepEqual(got, {
    "X-Client": "192.0.2.10:40000",
    "X-Front": "fe/app@198.51.100.1:80",
    "X-Pct": "100%",
  });
  const bad = compileHttpRules(["set-header X %cx"], "request", compileAcls([]).acls);
  assert.match(bad.errors[0]?.message ?? "", /unknown log-format variable "%cx"/);
});

test("silent-drop is a deciding tcp-request action at both stages, with no argument", () => {
  const { rules, errors } = compileTcpRules([
    "connection silent-drop if { src 10.0.0.0/8 }",
    "content silent-drop if local",
    "content accept",
  ], acls);
  assert.deepEqual(errors, []);
  assert.deepEqual(rules.connection.map((r) => r.action), ["silent-drop"]);
  const local = l4Context({ src: "127.0.0.1", final: true });
  assert.deepEqual(evaluateTcpRules(rules.content, local), { verdict: "silent-drop", at: 0 });
  const other = l4Context({ final: true });
  assert.deepEqual(evaluateTcpRules(rules.content, other), { verdict: "accept", at: 1 });
  assert.equal(compileTcpRules(["content silent-drop now"], acls).errors.length, 1);
});
