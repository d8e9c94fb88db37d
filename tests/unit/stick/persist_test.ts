/** Persistence: stick match before balancing, store-request after it, store-response, one key per table, 8 stores at most. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored, typeId } from "../../../src/stick/data_types.ts";
import {
  MAX_STORES,
  Persistence,
  type PersistRule,
  StickStores,
} from "../../../src/stick/persist.ts";
import { StickTable } from "../../../src/stick/table.ts";

interface Ctx {
  src: string;
  sid?: string;
}

const SERVER_ID = typeId("server_id");

function table(name = "t", type: "ip" | "string" = "ip"): StickTable {
  return new StickTable({
    name,
    type,
    len: 32,
    size: 100,
    expire: 0,
    store: [parseStored("server_id")],
  });
}

function rule(o: Partial<PersistRule<Ctx>> & { table: StickTable }): PersistRule<Ctx> {
  return { match: false, store: null, key: (c) => c.src, test: null, ...o };
}

test("Persistence: stick on stores the server after balancing, and the next request matches it", () => {
  const t = table();
  const p = new Persistence([rule({ table: t, match: true, store: "request" })]);
  const up = new Set([1, 2, 3]);
  let stores = new StickStores();
  assert.equal(p.onRequest({ src: "127.0.0.2" }, (id) => up.has(id), false, stores), 0);
  p.store(stores, 2); // the balancer chose server 2
  stores = new StickStores();
  assert.equal(p.onRequest({ src: "127.0.0.2" }, (id) => up.has(id), false, stores), 2);
  assert.equal(p.onRequest({ src: "127.0.0.3" }, (id) => up.has(id), false, new StickStores()), 0);
  // server 2 goes DOWN: not accepted, the request is balanced and the new server stored
  up.delete(2);
  stores = new StickStores();
  assert.equal(p.onRequest({ src: "127.0.0.2" }, (id) => up.has(id), false, stores), 0);
  p.store(stores, 3);
  assert.equal(t.read(t.lookup(t.key("127.0.0.2")!), SERVER_ID), 3);
  assert.equal(p.onRequest({ src: "127.0.0.2" }, (id) => up.has(id), false, new StickStores()), 3);
  // a cookie that assigned the server first: the match only renews its entry
  assert.equal(p.onRequest({ src: "127.0.0.2" }, () => true, true, new StickStores()), 0);
});

test("Persistence: the first match that finds a usable server wins; conditions and missing keys skip", () => {
  const bySid = table("sid", "string"), byIp = table("ip");
  const p = new Persistence<Ctx>([
    rule({ table: bySid, match: true, key: (c) => c.sid }),
    rule({ table: byIp, match: true, test: (c) => c.src !== "10.0.0.1" }),
  ]);
  const s = new StickStores();
  s.add(bySid, "abc");
  s.add(byIp, byIp.key("127.0.0.9")!);
  p.store(s, 4);
  const ip = new StickStores();
  ip.add(byIp, byIp.key("10.0.0.1")!);
  p.store(ip, 5);
  const accepts = (id: number) => id !== 9;
  assert.equal(p.onRequest({ src: "127.0.0.9", sid: "abc" }, accepts, false, new StickStores()), 4);
  assert.equal(p.onRequest({ src: "127.0.0.9" }, accepts, false, new StickStores()), 4);
  assert.equal(p.onRequest({ src: "10.0.0.1" }, accepts, false, new StickStores()), 0); // unless
  // a stored server that is not usable: the next rule may still find one
  const s2 = new StickStores();
  s2.add(bySid, "down");
  p.store(s2, 9);
  assert.equal(
    p.onRequest({ src: "127.0.0.9", sid: "down" }, accepts, false, new StickStores()),
    4,
  );
});

test("Persistence: store rules keep one key per table (the first), at most 8 per request", () => {
  const a = table("a"), b = table("b");
  const p = new Persistence<Ctx>([
    rule({ table: a, store: "request", key: () => undefined }), // no key: the next rule's counts
    rule({ table: a, store: "request", key: () => "192.0.2.1" }),
    rule({ table: a, store: "request", key: () => "192.0.2.2" }), // a has one already: skipped
    rule({ table: b, store: "request" }),
  ]);
  const s = new StickStores();
  p.onRequest({ src: "192.0.2.9" }, () => true, false, s);
  assert.equal(s.n, 2);
  p.store(s, 7);
  assert.equal(a.entries, 1);
  assert.equal(a.read(a.lookup(a.key("192.0.2.1")!), SERVER_ID), 7);
  assert.equal(b.read(b.lookup(b.key("192.0.2.9")!), SERVER_ID), 7);
  const many = Array.from({ length: 10 }, (_, i) => table(`m${i}`));
  const q = new Persistence<Ctx>(many.map((t) => rule({ table: t, store: "request" })));
  const s2 = new StickStores();
  q.onRequest({ src: "192.0.2.1" }, () => true, false, s2);
  assert.equal(s2.n, MAX_STORES);
});

test("Persistence.onResponse() stores the response's key with the server at once", () => {
  const t = table("sid", "string");
  const p = new Persistence<Ctx>([
    rule({ table: t, store: "response", key: (c) => c.sid }),
    rule({ table: t, match: true, key: (c) => c.sid }),
  ]);
  assert.equal(p.storesResponse, true);
  p.onResponse({ src: "x", sid: "S1" }, 2);
  p.onResponse({ src: "x" }, 3); // no cookie in that response: nothing stored
  assert.equal(t.entries, 1);
  assert.equal(p.onRequest({ src: "y", sid: "S1" }, () => true, false, new StickStores()), 2);
});
