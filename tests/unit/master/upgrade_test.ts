/** BinaryUpgrade: ready → ok and released; exit before ready, a start that throws, no answer in time, no runtime support → a reason, the successor stopped where it lives. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BinaryUpgrade } from "../../../src/master/upgrade.ts";
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
  assert.match(!r.ok ? r.reason : "", /not available on deno.*denoland\/deno#14006.*SIGHUP/);
});
