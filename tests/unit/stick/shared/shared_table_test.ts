/** Two instances' shared tables synced through an in-memory Redis on a fake clock: cluster sums, lost replies, a wiped Redis, a dead instance, the last writer. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored, typeId } from "../../../../src/stick/data_types.ts";
import type { Command, RespValue } from "../../../../src/redis/resp.ts";
import {
  batchDone,
  batchFailed,
  cutBatch,
  keyText,
  type SyncSettings,
} from "../../../../src/stick/shared/batch.ts";
import { SharedStickTable } from "../../../../src/stick/shared/shared_table.ts";
import { Tracker } from "../../../../src/stick/tracker.ts";

/** The commands a sync sends, on maps: HSET, HDEL, PEXPIRE (recorded), HGETALL. */
class FakeRedis {
  readonly hashes = new Map<string, Map<string, string>>();
  readonly ttl = new Map<string, number>();
  exec(commands: readonly Command[]): RespValue[] {
    return commands.map(([name, key, ...args]) => {
      const k = String(key);
      const h = this.hashes.get(k) ?? new Map<string, string>();
      this.hashes.set(k, h);
      switch (name) {
        case "HSET":
          for (let i = 0; i < args.length; i += 2) h.set(String(args[i]), String(args[i + 1]));
          return args.length / 2;
        case "HDEL":
          return args.filter((f) => h.delete(String(f))).length;
        case "PEXPIRE":
          this.ttl.set(k, Number(args[0]));
          return 1;
        case "HGETALL":
          return [...h].flat();
      }
      throw new Error(`fake redis: ${name}`);
    });
  }
}

const SETTINGS: SyncSettings = { prefix: "t:", gaugeTtl: 10_000, readWindow: 1000, maxKeys: 100 };
const REQ_CNT = typeId("http_req_cnt"), REQ_RATE = typeId("http_req_rate");
const CUR = typeId("conn_cur"), GPT0 = typeId("gpt0");

function cluster() {
  let now = 1_000_000_003_000;
  const spec = {
    name: "per_ip",
    type: "ip" as const,
    len: 32,
    size: 100,
    expire: 30_000,
    store: ["http_req_cnt", "http_req_rate(10s)", "conn_cur", "gpt0"].map(parseStored),
    shared: true,
  };
  const redis = new FakeRedis();
  const node = () => {
    const t = new SharedStickTable(spec, () => now);
    const stale = new Map<string, string[]>();
    return {
      t,
      /** One sync; `lose`: Redis applies it but the reply never comes. */
      sync(lose = false) {
        const b = cutBatch(t, SETTINGS, now, stale);
        if (b === null) return;
        const replies = redis.exec(b.commands);
        if (lose) batchFailed(b);
        else batchDone(b, replies, now, SETTINGS.prefix, stale);
      },
      /** `n` requests from `ip`, each tracked and ended as an HTTP transaction. */
      requests(ip: string, n: number) {
        for (let i = 0; i < n; i++) {
          const tr = new Tracker();
          tr.track(0, t, t.get(t.key(ip)!), true);
          tr.end(200, false, 0, 0);
        }
      },
      read(ip: string, id: number) {
        return t.read(t.lookup(t.key(ip)!), id);
      },
    };
  };
  return { redis, node, advance: (ms: number) => void (now += ms) };
}

test("two instances see the sum of their requests once both synced, plus their own since", () => {
  const { node, redis } = cluster();
  const a = node(), b = node();
  a.requests("192.0.2.7", 5);
  b.requests("192.0.2.7", 3);
  assert.equal(a.read("192.0.2.7", REQ_RATE), 5, "local until a sync");
  a.sync();
  b.sync();
  a.sync();
  for (const n of [a, b]) {
    assert.equal(n.read("192.0.2.7", REQ_CNT), 8);
    assert.equal(n.read("192.0.2.7", REQ_RATE), 8);
  }
  a.requests("192.0.2.7", 1);
  assert.equal(a.read("192.0.2.7", REQ_RATE), 9, "own changes count at once");
  assert.equal(b.read("192.0.2.7", REQ_RATE), 8);
  assert.equal(redis.ttl.get("t:per_ip:192.0.2.7"), 30_000, "entry expiry is the key's TTL");
  // its http_req_cnt, http_req_rate, conn_cur up and down wait to be pushed
  assert.equal(a.t.unsynced, 4);
});

test("a rate's periods are shared by start date: the previous period is prorated as HAProxy's", () => {
  const { node, advance } = cluster();
  const a = node(), b = node();
  a.requests("192.0.2.7", 10);
  b.requests("192.0.2.7", 10);
  a.sync(), b.sync(), a.sync(), b.sync();
  assert.equal(a.read("192.0.2.7", REQ_RATE), 20);
  advance(9_000); // 2 s into the next period: 80% of the previous one still counts
  a.requests("192.0.2.7", 1);
  b.requests("192.0.2.7", 1);
  a.sync(), b.sync(), a.sync();
  assert.equal(b.read("192.0.2.7", REQ_RATE), 2 + 16);
  assert.equal(a.read("192.0.2.7", REQ_RATE), 2 + 16);
});

test("a batch applied whose reply was lost is written again whole: nothing counted twice", () => {
  const { node } = cluster();
  const a = node(), b = node();
  a.requests("192.0.2.7", 4);
  a.sync(true);
  assert.equal(a.t.dirty.size, 1, "queued again");
  a.sync(true);
  a.requests("192.0.2.7", 1);
  a.sync();
  b.requests("192.0.2.7", 2);
  b.sync();
  assert.equal(b.read("192.0.2.7", REQ_CNT), 7);
  assert.equal(a.t.unsynced, 0);
});

test("after Redis lost everything, resyncAll() writes every instance's totals again", () => {
  const { node, redis } = cluster();
  const a = node(), b = node();
  a.requests("192.0.2.7", 6);
  b.requests("192.0.2.7", 4);
  b.requests("192.0.2.8", 1);
  a.sync(), b.sync(), a.sync();
  redis.hashes.clear();
  a.t.resyncAll(), b.t.resyncAll();
  a.sync(), b.sync(), a.sync();
  assert.equal(a.read("192.0.2.7", REQ_CNT), 10);
  assert.equal(b.read("192.0.2.7", REQ_CNT), 10);
  assert.equal(b.read("192.0.2.8", REQ_CNT), 1);
});

test("conn_cur sums the instances' open connections; a dead instance's stop counting after instanceTtl", () => {
  const { node, advance } = cluster();
  const a = node(), b = node();
  const ea = a.t.get(a.t.key("192.0.2.7")!), eb = b.t.get(b.t.key("192.0.2.7")!);
  const held = [new Tracker(), new Tracker(), new Tracker()];
  held[0]!.track(0, a.t, ea, true);
  held[1]!.track(0, a.t, ea, true);
  held[2]!.track(0, b.t, eb, true);
  a.sync(), b.sync(), a.sync();
  assert.equal(a.read("192.0.2.7", CUR), 3);
  assert.equal(b.read("192.0.2.7", CUR), 3);
  held[2]!.end(200, false, 0, 0);
  b.sync(), a.sync();
  assert.equal(a.read("192.0.2.7", CUR), 2);
  // a dies with two connections open; b goes on
  advance(10_001);
  b.requests("192.0.2.7", 1);
  b.sync();
  assert.equal(b.read("192.0.2.7", CUR), 0);
});

test("gpt is the last writer's", () => {
  const { node } = cluster();
  const a = node(), b = node();
  const ea = a.t.get(a.t.key("192.0.2.7")!), eb = b.t.get(b.t.key("192.0.2.7")!);
  a.t.set(ea, GPT0, 0, 5);
  a.sync();
  b.t.set(eb, GPT0, 0, 9);
  b.sync();
  a.requests("192.0.2.7", 1);
  a.sync();
  assert.equal(a.read("192.0.2.7", GPT0), 9);
  assert.equal(b.read("192.0.2.7", GPT0), 9);
});

test("keyText() names keys readably: dotted IPv4, hex for IPv6 and binary", () => {
  assert.equal(keyText("ip", 0xc0000207), "192.0.2.7");
  assert.equal(keyText("integer", 42), "42");
  assert.equal(keyText("string", "abc"), "abc");
  assert.equal(keyText("binary", "\x01\xff"), "01ff");
});

test("cutBatch() pushes at most maxKeys keys per sync, the others wait their turn", () => {
  const { node } = cluster();
  const a = node();
  for (let i = 1; i <= 5; i++) a.requests(`192.0.2.${i}`, 1);
  const b = cutBatch(a.t, { ...SETTINGS, maxKeys: 2 }, a.t.now(), new Map())!;
  assert.equal(b.entries.length, 2);
  assert.equal(a.t.dirty.size, 3);
  assert.deepEqual(b.commands.map((c) => c[0]), [
    "HSET",
    "PEXPIRE",
    "HSET",
    "PEXPIRE",
    "HGETALL",
    "HGETALL",
  ]);
});

test("a change given the caller's date reads no clock, and the own part counts in the same period", () => {
  let reads = 0;
  const spec = {
    name: "per_ip",
    type: "ip" as const,
    len: 32,
    size: 10,
    expire: 30_000,
    store: ["http_req_cnt", "http_req_rate(10s)", "conn_cur", "gpc(2)"].map(parseStored),
    shared: true,
  };
  const t = new SharedStickTable(spec, () => (reads++, 1_000_000_003_000));
  const e = t.get(t.key("192.0.2.1")!, 1_000_000_003_000);
  reads = 0;
  const at = 1_000_000_009_999; // the clock would say 3 000: the date given wins
  assert.equal(t.add(e, REQ_RATE, 0, 1, at), true);
  assert.equal(t.add(e, REQ_CNT, 0, 1, at), true);
  assert.equal(t.add(e, typeId("gpc0"), 0, 2, at), true, "gpc0 through gpc(2)");
  assert.equal(t.add(e, typeId("gpc"), 1, 3, at), true);
  assert.equal(t.add(e, typeId("http_err_rate"), 0, 1, at), false, "not stored");
  assert.equal(reads, 0);
  assert.equal(t.read(e, REQ_RATE, 0, at), 1);
  assert.equal(t.read(e, typeId("gpc"), 1), 3);
  // the own part was written in the period holding the date given (1 000 000 000 000 + 10 s)
  const b = cutBatch(t, SETTINGS, at, new Map())!;
  const hset = b.commands.find((c) => c[0] === "HSET")!.map(String);
  assert.ok(hset.some((f) => f.startsWith("r:http_req_rate:1000000000000:")), hset.join(" "));
  assert.ok(hset.includes("c:gpc.0:" + t.syncOf(t.key("192.0.2.1")!)!.owner), hset.join(" "));
  // without a date: one read for the rate, shared by the local and the own update
  reads = 0;
  t.add(e, REQ_RATE, 0, 1);
  assert.equal(reads, 1);
});
