/** Backend.addServer/removeServer: balancers take servers added and removed at run time; the others keep their counters. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { testBackend } from "../_fixtures/backend.ts";

for (const name of ["roundrobin", "leastconn", "first", "random"] as const) {
  test(`${name}: an added server is picked, a removed one no more`, () => {
    const be = testBackend({ balance: { name } as never, servers: [{}] });
    be.servers[0]!.counters.stot = 7;
    const s2 = be.addServer({ name: "s2", host: "127.0.0.1", port: 9100, weight: 1 });
    assert.equal(s2.id, 2);
    be.servers[0]!.changeMaxconn(1);
    be.servers[0]!.cur = 1; // s1 full: only s2 may be picked
    assert.equal(be.balancer.pick()?.name, "s2");
    be.servers[0]!.cur = 0;
    be.removeServer(s2);
    assert.deepEqual(be.servers.map((s) => s.name), ["s1"]);
    for (let i = 0; i < 5; i++) assert.equal(be.balancer.pick()?.name, "s1");
    assert.equal(be.servers[0]!.counters.stot, 7, "counters of the others untouched");
  });
}

test("addServer() refuses a taken name or id; static algorithms are not dynamic", () => {
  const be = testBackend({ servers: [{}] });
  assert.equal(be.dynamic, true);
  assert.throws(() => be.addServer({ name: "s1", host: "h", port: 1, weight: 1 }), /s1/);
  assert.throws(() => be.addServer({ name: "x", id: 1, host: "h", port: 1, weight: 1 }), /id 1/);
  assert.equal(testBackend({ balance: { name: "static-rr" } }).dynamic, false);
  const hashed = testBackend({ balance: { name: "source" } as never });
  assert.equal(hashed.dynamic, false);
  assert.equal(
    testBackend({ balance: { name: "source" } as never, hashType: "consistent" }).dynamic,
    true,
  );
});
