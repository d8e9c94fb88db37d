/** SniTable: the certificate for a server name — exact, then a wildcard over one label, else the default. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SniTable } from "../../../src/runtime/sni.ts";
import type { TlsCertificate } from "../../../src/runtime/types.ts";

function cert(source: string, names: string[]): TlsCertificate {
  return { cert: "", key: "", names, source };
}

const table = new SniTable(
  [
    cert("default", ["default.example"]),
    cert("a", ["a.example", "www.a.example"]),
    cert("wild", ["*.b.example"]),
    cert("b", ["x.b.example"]),
    cert("late", ["a.example"]),
  ],
  (c) => c.source,
);

test("SniTable.match() prefers an exact name to a wildcard", () => {
  assert.equal(table.match("a.example"), "a");
  assert.equal(table.match("www.a.example"), "a");
  assert.equal(table.match("x.b.example"), "b");
  assert.equal(table.match("y.b.example"), "wild");
});

test("SniTable.match() ignores case and a trailing dot; a wildcard covers one label only", () => {
  assert.equal(table.match("Y.B.Example."), "wild");
  assert.equal(table.match("z.y.b.example"), undefined);
  assert.equal(table.match("b.example"), undefined);
  assert.equal(table.match("c.example"), undefined);
});

test("SniTable: the first certificate claiming a name keeps it", () => {
  assert.equal(table.match("a.example"), "a");
});

test("SniTable.pick() falls back to the first certificate unless strict", () => {
  assert.equal(table.pick("c.example", false), "default");
  assert.equal(table.pick("", false), "default");
  assert.equal(table.pick("c.example", true), undefined);
  assert.equal(table.pick("", true), undefined);
  assert.equal(table.pick("a.example", true), "a");
});

test("SniTable refuses an empty certificate list", () => {
  assert.throws(() => new SniTable([], () => 0), RangeError);
});
