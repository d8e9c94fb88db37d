/** listeningFd(): the descriptor of this process's listening socket on a port, found in /proc. */
import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { test } from "node:test";
import { getRuntime } from "../../../src/runtime/mod.ts";
import { addedSocketFd, listeningFd, socketFds } from "../../../src/runtime/proc_fd.ts";

test("listeningFd() finds the socket a listener bound, and nothing once it is closed", async () => {
  const rt = await getRuntime();
  const l = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => s.close());
  const fd = listeningFd(l.port);
  assert.ok(fd !== undefined && fd > 2, `an fd for port ${l.port}: ${fd}`);
  assert.match(readlinkSync(`/proc/self/fd/${fd}`), /^socket:\[\d+\]$/);
  assert.equal(l.fd, fd, "the listener reports the same descriptor");
  l.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(listeningFd(l.port), undefined);
});

test("listeningFd() is undefined for a port nobody in this process listens on", () => {
  assert.equal(listeningFd(1), undefined);
});

test("addedSocketFd() names the one socket a bind added", async () => {
  const rt = await getRuntime();
  const before = socketFds();
  const l = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => s.close());
  try {
    assert.equal(addedSocketFd(before), listeningFd(l.port));
    assert.equal(addedSocketFd(socketFds()), undefined, "nothing added since");
  } finally {
    l.close();
  }
});
