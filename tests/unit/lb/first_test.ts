/** first: servers filled in id order up to their maxconn; weights ignored. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { first } from "../../../src/lb/first.ts";
import { FakeServer } from "./fake.ts";

test("first() fills servers in id order up to their maxconn", () => {
  const servers = ["a", "b", "c"].map((n, i) => new FakeServer(n, { id: i + 1, maxconn: 2 }));
  const b = first.create(servers);
  const seq: string[] = [];
  for (let i = 0; i < 6; i++) {
    const s = b.pick()!;
    seq.push(s.name);
    s.cur++;
  }
  assert.deepEqual(seq, ["a", "a", "b", "b", "c", "c"]);
  assert.equal(b.pick(), null, "every server is full");
  servers[0]!.cur--;
  assert.equal(b.pick()?.name, "a", "a slot freed on a goes back to a");
});

test("first() goes by id, not by position, and ignores weights", () => {
  const servers = [
    new FakeServer("a", { id: 3, weight: 100 }),
    new FakeServer("b", { id: 1, weight: 1, maxconn: 1 }),
    new FakeServer("c", { id: 2 }),
  ];
  const b = first.create(servers);
  assert.equal(b.pick()?.name, "b");
  servers[1]!.cur = 1;
  assert.equal(b.pick()?.name, "c");
});

test("first() with equal ids goes by position; a server without maxconn takes everything", () => {
  const servers = [new FakeServer("a"), new FakeServer("b")];
  const b = first.create(servers);
  servers[0]!.cur = 1000;
  assert.equal(b.pick()?.name, "a");
});
