/** Server admin states and weights shared through an in-memory Redis: published here, applied there, a new instance adopting them, two changes at once converging, a lost reply written again. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { adminStateOf, setAdminState, setWeight } from "../../../src/backend/admin.ts";
import type { Backend } from "../../../src/backend/backend.ts";
import { ServerStateShare } from "../../../src/backend/state_share.ts";
import { testBackend } from "../_fixtures/backend.ts";

/** HSET and HGETALL on one map, as a pipeline runs them. */
class FakeRedis {
  readonly hashes = new Map<string, Map<string, string>>();
  exec(commands: readonly (string | number)[][]): unknown[] {
    return commands.map(([name, key, ...args]) => {
      const h = this.hashes.get(String(key)) ?? new Map<string, string>();
      this.hashes.set(String(key), h);
      if (name === "HSET") {
        for (let i = 0; i < args.length; i += 2) h.set(String(args[i]), String(args[i + 1]));
        return args.length / 2;
      }
      if (name === "HGETALL") return [...h].flat();
      throw new Error(`unexpected ${name}`);
    });
  }
}

interface Instance {
  be: Backend;
  share: ServerStateShare;
}

function instance(name: string): Instance {
  const be = testBackend({ servers: [{}, {}] });
  return { be, share: new ServerStateShare("t:", () => new Map([["app", be]]), name) };
}

/** One sync of `i`: its pipeline run on `redis`, its replies applied. */
function sync(redis: FakeRedis, i: Instance, now = 1000): unknown[][] {
  const commands = i.share.commands(now);
  i.share.done(redis.exec(commands), now);
  return commands;
}

const state = (i: Instance, n = 0) => adminStateOf(i.be.servers[n]!);

test("ServerStateShare: the config's states are not published; a change made on one instance reaches the other", () => {
  const redis = new FakeRedis(), a = instance("a"), b = instance("b");
  assert.deepEqual(sync(redis, a), [["HGETALL", "t:servers"]], "nothing changed yet");
  sync(redis, b);
  setAdminState(a.be, a.be.servers[0]!, "maint");
  setWeight(a.be, a.be.servers[1]!, 7);
  const sent = sync(redis, a, 2000);
  assert.deepEqual(sent[0], [
    "HSET",
    "t:servers",
    "app/s1",
    "maint:1:2000:a",
    "app/s2",
    "ready:7:2000:a",
  ]);
  assert.equal(state(b), "ready");
  sync(redis, b);
  assert.equal(state(b), "maint");
  assert.equal(b.be.servers[1]!.weight, 7);
  assert.equal(b.be.balancer.pick()?.name, "s2", "the balancer sees it");
  // applying it is not a change of b's own: b publishes nothing back
  assert.deepEqual(sync(redis, b), [["HGETALL", "t:servers"]]);
  setAdminState(a.be, a.be.servers[0]!, "ready");
  sync(redis, a);
  sync(redis, b);
  assert.equal(state(b), "ready");
});

test("ServerStateShare: a new instance takes the states published before it started", () => {
  const redis = new FakeRedis(), a = instance("a");
  sync(redis, a);
  setAdminState(a.be, a.be.servers[1]!, "drain");
  sync(redis, a);
  const c = instance("c");
  sync(redis, c);
  assert.deepEqual([state(c, 0), state(c, 1)], ["ready", "drain"]);
});

test("ServerStateShare: two instances changing one server at once both end on what Redis holds", () => {
  const redis = new FakeRedis(), a = instance("a"), b = instance("b");
  sync(redis, a);
  sync(redis, b);
  setAdminState(a.be, a.be.servers[0]!, "maint");
  setAdminState(b.be, b.be.servers[0]!, "drain");
  sync(redis, a);
  sync(redis, b); // written last: Redis holds drain
  sync(redis, a);
  sync(redis, b);
  assert.deepEqual([state(a), state(b)], ["drain", "drain"]);
});

test("ServerStateShare: a change whose pipeline failed is written again at the next sync", () => {
  const redis = new FakeRedis(), a = instance("a"), b = instance("b");
  sync(redis, a);
  setAdminState(a.be, a.be.servers[0]!, "maint");
  a.share.commands(2000);
  a.share.failed();
  sync(redis, a, 3000);
  sync(redis, b);
  assert.equal(state(b), "maint");
  // Redis restarted empty: what a published is written again
  redis.hashes.clear();
  a.share.resync();
  assert.equal(sync(redis, a, 4000)[0]![0], "HSET");
  const c = instance("c");
  sync(redis, c);
  assert.equal(state(c), "maint");
});
