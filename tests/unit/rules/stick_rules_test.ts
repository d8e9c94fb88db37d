/** compileStickRules(): `stick on|match|store-request|store-response` lines, their table and what they may read. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileAcls,
  type CompileOptions,
  compileStickRules,
  formatRuleError,
  stickTableNames,
} from "../../../src/rules/mod.ts";
import { parseStored } from "../../../src/stick/data_types.ts";
import type { StickTableSpec } from "../../../src/stick/table.ts";
import { requestContext, responseContext } from "./context.ts";

function spec(name: string, type: "ip" | "string"): StickTableSpec {
  return { name, type, len: 32, size: 10, expire: 0, store: [parseStored("server_id")] };
}

const TABLES = new Map([["app", spec("app", "ip")], ["sessions", spec("sessions", "string")]]);

function compile(lines: string[], mode: "tcp" | "http" = "http", own: string | null = "app") {
  const options: CompileOptions = { stickTables: TABLES, ...(own ? { stickTable: own } : {}) };
  const { acls } = compileAcls(["local src 127.0.0.0/8"], options);
  const r = compileStickRules(lines, acls, { mode }, options);
  return { rules: r.rules, errors: r.errors.map((e) => `[${e.line}] ${formatRuleError(e)}`) };
}

test("compileStickRules() reads each kind: on is match and store-request, table defaults to the backend's", () => {
  const { rules, errors } = compile([
    "on src",
    "stick match req.cook(SID) table sessions",
    "store-request src if !local",
    "store-response res.cook(SID) table sessions",
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    rules.map((r) => [r.kind, r.match, r.store, r.table, r.cond !== null, r.line]),
    [
      ["on", true, "request", "app", false, 0],
      ["match", true, null, "sessions", false, 1],
      ["store-request", false, "request", "app", true, 2],
      ["store-response", false, "response", "sessions", false, 3],
    ],
  );
  const ctx = requestContext("GET / HTTP/1.1\nHost: a\nCookie: SID=abc\n");
  assert.equal(rules[1]!.sample.value(ctx), "abc");
  assert.equal(rules[2]!.cond!.test(ctx), true); // 192.0.2.10 is not local
  const res = responseContext(
    "GET / HTTP/1.1\nHost: a\n",
    "HTTP/1.1 200 OK\nSet-Cookie: x=1; SID=no\nSet-Cookie: SID=xyz; Path=/\n",
  );
  assert.equal(rules[3]!.sample.value(res), "xyz");
});

test("compileStickRules() refuses a missing table, bad words, and what the direction or mode cannot read", () => {
  assert.deepEqual(compile(["on src"], "http", null).errors, [
    "[0] backend has no stickTable: declare one or name a table (stick on src table NAME) at column 1",
  ]);
  assert.deepEqual(
    compile([
      "stik src",
      "on",
      "on src table nope",
      "on src tabel app",
      "match res.cook(SID) table sessions",
      "on src if { res.hdr(x) -m found }",
    ]).errors.map((e) => e.replace(/ at column \d+.*/, "")),
    [
      '[0] unknown stick rule "stik"',
      '[1] "stick on" needs a sample expression (e.g. src)',
      '[2] unknown stick table "nope" (tables: app, sessions)',
      '[3] expected "table" or "if"/"unless" after the expression, got "tabel"',
      '[4] "res.cook" reads the response; "stick match" runs on the request',
      '[5] "res.hdr" reads the response; "stick on" runs on the request',
    ],
  );
  assert.deepEqual(
    compile(["on req.cook(SID) table sessions", "store-response src"], "tcp").errors.map((e) =>
      e.replace(/ at column \d+.*/, "")
    ),
    [
      '[0] "req.cook" is an HTTP fetch; not allowed in a tcp-mode backend',
      '[1] "stick store-response" is not implemented in tcp mode (no response inspection)',
    ],
  );
});

test("stickTableNames() lists the tables stick lines use, the backend's own when none is named", () => {
  assert.deepEqual(
    stickTableNames(["on src", "match req.cook(SID) table sessions if { path /table x }"], "app"),
    ["app", "sessions"],
  );
  assert.deepEqual(stickTableNames(["on src"], undefined), []);
});
