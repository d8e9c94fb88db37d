/** Master: starts N workers and waits for their ready; restarts a dead one (at once, then with backoff when it keeps dying young); fans requests out; reloads one by one; a worker dying at start fails it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Master, WORKER_ENV } from "../../../src/master/master.ts";
import type { ToWorker } from "../../../src/master/messages.ts";
import type { HandedSocket, Runtime, WorkerProcess } from "../../../src/runtime/types.ts";

const SOCKETS: HandedSocket[] = [{ host: "127.0.0.1", port: 0, fd: 7 }];

interface Fake extends WorkerProcess {
  index: number;
  sent: ToWorker[];
  die(code: number | string): void;
}

/** A runtime whose workers say ready at once (unless `silent`) and answer requests as `answer` says. */
function fakeRuntime(o: { silent?: boolean; answer?: (m: ToWorker, w: Fake) => unknown } = {}) {
  const started: Fake[] = [];
  let pid = 100;
  const rt = {
    name: "bun",
    startWorker(
      sockets: readonly HandedSocket[],
      env: Readonly<Record<string, string>>,
      onMessage: (m: unknown) => void,
    ): WorkerProcess {
      assert.deepEqual(sockets, SOCKETS);
      let die: (c: number | string) => void = () => {};
      const w: Fake = {
        pid: pid++,
        index: Number(env[WORKER_ENV]),
        sent: [],
        exited: new Promise((r) => (die = r)),
        die: (c) => die(c),
        send(m) {
          const msg = m as ToWorker;
          w.sent.push(msg);
          if (o.answer && "id" in msg) {
            const value = o.answer(msg, w);
            queueMicrotask(() => onMessage({ tsproxy: "answer", id: msg.id, value }));
          }
        },
        kill: (sig) => w.die(sig),
      };
      started.push(w);
      if (!o.silent) queueMicrotask(() => onMessage({ tsproxy: "tsproxy-ready" }));
      return w;
    },
  } as unknown as Runtime;
  return { rt, started };
}

const noForward = () => Promise.resolve("");

test("Master.start() starts N workers numbered 0..N-1 and resolves once all are ready", async () => {
  const { rt, started } = fakeRuntime();
  const m = new Master(rt, { workers: 3, sockets: SOCKETS, onForward: noForward });
  await m.start();
  assert.deepEqual(started.map((w) => w.index), [0, 1, 2]);
  assert.deepEqual(m.workers.map((w) => [w.index, w.pid, w.ready]), [
    [0, 100, true],
    [1, 101, true],
    [2, 102, true],
  ]);
  await m.stop();
});

test("Master.start() fails, naming the worker, when one exits before it is ready", async () => {
  const { rt, started } = fakeRuntime({ silent: true });
  const m = new Master(rt, { workers: 2, sockets: SOCKETS, onForward: noForward });
  const p = m.start();
  await Promise.resolve();
  started[1]!.die(1);
  await assert.rejects(p, /worker 1 \(pid 101\) exited with 1 before serving/);
  assert.equal(started.length, 2, "no restart at start");
});

test("Master restarts a dead worker at once, then later each time it dies young", async () => {
  const { rt, started } = fakeRuntime();
  const m = new Master(rt, {
    workers: 2,
    sockets: SOCKETS,
    onForward: noForward,
    firstDelayMs: 0,
    maxDelayMs: 400,
  });
  await m.start();
  started[0]!.die("SIGKILL");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(started.length, 3, "restarted at once");
  assert.equal(started[2]!.index, 0);
  assert.equal(m.workers[0]!.restarts, 1);
  // dies young again: the second restart waits 200 ms (100 × 2), not 0
  started[2]!.die(1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(started.length, 3, "waits before the second quick restart");
  assert.equal(m.workers[0]!.pid, null);
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(started.length, 4);
  assert.equal(m.workers[0]!.ready, true);
  await m.stop();
  started[1]!.die(0);
  assert.equal(started.length, 4, "no restart once stopping");
});

test("Master.askAll() gathers every ready worker's answer; reload() goes one by one", async () => {
  const order: string[] = [];
  const { rt } = fakeRuntime({
    answer(m, w) {
      order.push(`${m.tsproxy} ${w.index}`);
      return m.tsproxy === "command" ? `answer of ${w.index} to ${m.line}` : { ok: true };
    },
  });
  const m = new Master(rt, { workers: 2, sockets: SOCKETS, onForward: noForward });
  await m.start();
  const all = await m.askAll((id) => ({
    tsproxy: "command",
    id,
    line: "show stat",
    who: "t",
    level: "user",
  }));
  assert.deepEqual(all, [
    { index: 0, value: "answer of 0 to show stat" },
    { index: 1, value: "answer of 1 to show stat" },
  ]);
  order.length = 0;
  const r = await m.reload();
  assert.deepEqual(r.map((x) => x.index), [0, 1]);
  assert.deepEqual(order, ["reload 0", "reload 1"]);
  await m.stop();
});

test("Master sends a worker's forwarded command to onForward and answers it", async () => {
  let onMessage: (m: unknown) => void = () => {};
  const sent: unknown[] = [];
  const rt = {
    name: "bun",
    startWorker(_s: unknown, _e: unknown, on: (m: unknown) => void): WorkerProcess {
      onMessage = on;
      queueMicrotask(() => on({ tsproxy: "tsproxy-ready" }));
      return { pid: 1, exited: new Promise(() => {}), send: (m) => sent.push(m), kill() {} };
    },
  } as unknown as Runtime;
  const m = new Master(rt, {
    workers: 1,
    sockets: SOCKETS,
    onForward: (line, who, level) => Promise.resolve(`${line} by ${who} at ${level}`),
  });
  await m.start();
  onMessage({ tsproxy: "forward", id: 9, line: "show info", who: "api", level: "admin" });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(sent, [{ tsproxy: "answer", id: 9, value: "show info by api at admin" }]);
});
