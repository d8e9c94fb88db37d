/** Backup servers: only the first one up takes traffic, unless allbackups; standby follows state changes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Backend } from "../../../src/backend/backend.ts";
import { testBackend } from "../_fixtures/backend.ts";

function backend(allBackups: boolean): Backend {
  const servers = ["a", "bk1", "bk2", "bk3"].map((name) => ({
    name,
    backup: name.startsWith("bk"),
  }));
  return testBackend({ name: "be", allBackups, servers });
}

function picks(be: Backend, n: number): string[] {
  return Array.from({ length: n }, () => be.balancer.pick()?.name ?? "-");
}

test("without allbackups the first backup up takes all, the next one when it goes down", () => {
  const be = backend(false);
  assert.deepEqual(new Set(picks(be, 4)), new Set(["a"]));
  be.servers[0]!.state = "DOWN";
  be.refreshBackups();
  assert.deepEqual(new Set(picks(be, 6)), new Set(["bk1"]));
  be.servers[1]!.state = "DOWN";
  be.refreshBackups();
  assert.deepEqual(new Set(picks(be, 6)), new Set(["bk2"]));
  be.servers[1]!.state = "UP";
  be.refreshBackups();
  assert.deepEqual(new Set(picks(be, 6)), new Set(["bk1"]), "the first backup back first");
});

test("with allbackups every backup up shares the traffic", () => {
  const be = backend(true);
  be.servers[0]!.state = "DOWN";
  be.refreshBackups();
  assert.deepEqual(new Set(picks(be, 6)), new Set(["bk1", "bk2", "bk3"]));
});
