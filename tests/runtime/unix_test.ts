/** Conformance of runtime.listenUnix under whichever runtime runs it: echo, file mode, stale socket removed, file refused, file removed on close. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { getRuntime, type Socket } from "../../src/runtime/mod.ts";

const runtime = await getRuntime();

function echo(s: Socket): void {
  s.setHandlers({
    data: (c) => s.write(c),
    drain: () => {},
    end: () => s.shutdown(),
    close: () => {},
  });
}

/** Sends `text` over the unix socket at `path`, half-closes, returns what came back. */
function roundTrip(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ path });
    let got = "";
    c.on("data", (d) => (got += d.toString()));
    c.on("end", () => resolve(got));
    c.on("error", reject);
    c.end(text);
    setTimeout(() => reject(new Error("unix round trip timed out")), 5000).unref?.();
  });
}

test(`${runtime.name} listenUnix(): echoes, sets the mode, removes the file on close`, async () => {
  const path = join(mkdtempSync(join(tmpdir(), "tsproxy-unix-")), "s.sock");
  const l = await runtime.listenUnix({ path, mode: "0640" }, echo);
  assert.equal(statSync(path).mode & 0o777, 0o640);
  assert.equal(await roundTrip(path, "hello unix\n"), "hello unix\n");
  l.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(existsSync(path), false);
});

test(`${runtime.name} listenUnix(): a stale socket file is replaced, a regular file refused`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-unix-"));
  const path = join(dir, "s.sock");
  // a stale socket: bound by a process that exited without unlinking it
  execFileSync("python3", [
    "-c",
    "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
    path,
  ]);
  assert.equal(statSync(path).isSocket(), true);
  const l = await runtime.listenUnix({ path, mode: "0600" }, echo);
  assert.equal(await roundTrip(path, "again"), "again");
  l.close();
  const file = join(dir, "plain");
  writeFileSync(file, "not a socket");
  await assert.rejects(runtime.listenUnix({ path: file, mode: "0600" }, echo), /not a socket/);
});
