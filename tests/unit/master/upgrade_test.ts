/** BinaryUpgrade: ready → ok and released; exit before ready, a start that throws, no answer in time, no runtime support → a reason, the successor stopped where it lives. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BinaryUpgrade, upgradeThenDrain } from "../../../src/master/upgrade.ts";
import type { HandedSocket, Runtime, Successor } from "../../../src/runtime/types.ts";

const SOCKETS: HandedSocket[] = [{ host: "127.0.0.1", port: 0, fd: 7 }];

/** A runtime whose successor settles as `started` says; what was asked of it is recorded. */
function runtimeWith(started: Successor["started"] | Error) {
  const seen = { handed: [] as HandedSocket[][], stopped: 0, released: 0 };
  const rt = {
    name: "bun",
    startSuccessor(sockets: readonly HandedSocket[]): Successor {
      if (started instanceof Error) throw started;
      seen.handed.push([...sockets]);
      return {
        pid: 4242,
        started,
        stop: () => void seen.stopped++,
        release: () => void seen.released++,
      };
    },
  } as unknown as Runtime;
  return { rt, seen };
}

test("BinaryUpgrade.run() hands the sockets over and is ok once the successor is ready", async () => {
  const { rt, seen } = runtimeWith(Promise.resolve("ready"));
  const r = await new BinaryUpgrade(rt, () => SOCKETS).run();
  assert.deepEqual(r, { ok: true, pid: 4242 });
  assert.deepEqual(seen.handed, [SOCKETS]);
  assert.equal(seen.released, 1);
  assert.equal(seen.stopped, 0);
});

test("BinaryUpgrade.run() reports a successor that exited before it was ready", async () => {
  const { rt } = runtimeWith(Promise.resolve({ exited: 1 }));
  const r = await new BinaryUpgrade(rt, () => SOCKETS).run();
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : "", /process 4242 exited with 1 before it was ready/);
});

test("BinaryUpgrade.run() stops a successor that does not answer in time", async () => {
  const { rt, seen } = runtimeWith(new Promise(() => {}));
  const r = await new BinaryUpgrade(rt, () => SOCKETS, 20).run();
  assert.match(!r.ok ? r.reason : "", /did not report ready within 20ms/);
  assert.equal(seen.stopped, 1);
});

test("BinaryUpgrade.run() reports a start that failed, and one already under way", async () => {
  const failed = runtimeWith(new Error("cannot start /bin/x: ENOENT"));
  const r = await new BinaryUpgrade(failed.rt, () => SOCKETS).run();
  assert.match(!r.ok ? r.reason : "", /cannot start \/bin\/x: ENOENT/);

  let ready: (v: "ready") => void = () => {};
  const slow = runtimeWith(new Promise((res) => (ready = res)));
  const up = new BinaryUpgrade(slow.rt, () => SOCKETS);
  const first = up.run();
  const second = await up.run();
  assert.match(!second.ok ? second.reason : "", /already under way/);
  ready("ready");
  assert.equal((await first).ok, true);
  assert.equal(slow.seen.handed.length, 1);
});

test("BinaryUpgrade.run() on a runtime that cannot hand sockets over says so", async () => {
  const rt = { name: "deno" } as unknown as Runtime;
  const r = await new BinaryUpgrade(rt, () => SOCKETS).run();
  assert.match(
    !r.ok ? r.reason : "",
    /not available on deno: it cannot hand its listening sockets.*SIGHUP/,
  );
});

test("upgradeThenDrain() drains only once the successor serves, and starts nothing while stopping", async () => {
  const drained: string[] = [];
  const drain = (why: string) => void drained.push(why);
  const ok = runtimeWith(Promise.resolve("ready"));
  assert.deepEqual(
    await upgradeThenDrain(new BinaryUpgrade(ok.rt, () => SOCKETS), drain, () => false),
    { ok: true, pid: 4242 },
  );
  assert.deepEqual(drained, ["upgrade to process 4242"]);

  const bad = runtimeWith(Promise.resolve({ exited: "SIGSEGV" }));
  const r = await upgradeThenDrain(new BinaryUpgrade(bad.rt, () => SOCKETS), drain, () => false);
  assert.match(!r.ok ? r.reason : "", /exited with SIGSEGV/);
  assert.equal(drained.length, 1, "a failed upgrade does not drain");

  const idle = runtimeWith(Promise.resolve("ready"));
  const s = await upgradeThenDrain(new BinaryUpgrade(idle.rt, () => SOCKETS), drain, () => true);
  assert.match(!s.ok ? s.reason : "", /stopping/);
  assert.equal(idle.seen.handed.length, 0, "no successor started while stopping");
});
