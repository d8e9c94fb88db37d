/** Backend.stickServer(): the server a stick match finds, by its id, only while it may take persistent traffic. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored } from "../../../src/stick/data_types.ts";
import { Persistence, StickStores } from "../../../src/stick/persist.ts";
import { StickTable } from "../../../src/stick/table.ts";
import type { SampleContext } from "../../../src/rules/mod.ts";
import { testBackend } from "../_fixtures/backend.ts";

function setup() {
  const table = new StickTable({
    name: "app",
    type: "ip",
    len: 32,
    size: 10,
    expire: 0,
    store: [parseStored("server_id")],
  });
  const stick = new Persistence<SampleContext>([
    { match: true, store: "request", table, key: (c) => c.src, test: null },
  ]);
  // ids 10, 20, 30 (HAProxy's `id`): what the table stores, not the position
  const be = testBackend({ stick, servers: [{ id: 10 }, { id: 20 }, { id: 30 }] });
  const ctx = { src: "127.0.0.2" } as SampleContext;
  const choose = () => {
    const stores = new StickStores();
    const s = be.stickServer(ctx, false, stores);
    return { server: s?.name ?? null, stores };
  };
  return { be, choose };
}

test("Backend.stickServer() sends a stored key to its server by id", () => {
  const { be, choose } = setup();
  const first = choose();
  assert.equal(first.server, null); // unknown key: balance
  be.stick!.store(first.stores, 20);
  assert.equal(choose().server, "s2");
  assert.equal(be.serverById(30)?.name, "s3");
  assert.equal(be.serverById(3), null);
});

test("Backend.stickServer() skips a DOWN or MAINT server, keeps a DRAIN one that checks say is up", () => {
  const { be, choose } = setup();
  be.stick!.store(choose().stores, 20);
  const s2 = be.servers[1]!;
  s2.moveTo("DOWN");
  s2.running = false;
  assert.equal(choose().server, null);
  s2.moveTo("MAINT");
  assert.equal(choose().server, null);
  s2.moveTo("DRAIN");
  assert.equal(choose().server, null); // DRAIN but its checks say DOWN
  s2.running = true;
  assert.equal(choose().server, "s2"); // DRAIN keeps its persistent users (HAProxy's)
  s2.moveTo("UP");
  s2.changeMaxconn(1);
  s2.cur = 1;
  assert.equal(choose().server, null); // full: balanced (we have no per-server queue)
});
