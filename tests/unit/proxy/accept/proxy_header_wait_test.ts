/** ProxyHeaderWait: the PROXY header of an accept-proxy connection, read before its session starts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildProxyV2 } from "../../../../src/proxy_protocol/mod.ts";
import { ProxiedSocket } from "../../../../src/proxy/accept/proxied_socket.ts";
import {
  type ProxyHeaderOwner,
  ProxyHeaderWait,
} from "../../../../src/proxy/accept/proxy_header_wait.ts";
import { FakeSocket, recorder, tick } from "../_fake_socket.ts";

function setup(clientTimeout = 5000) {
  const inner = new FakeSocket();
  const sock = new ProxiedSocket(inner);
  const log: string[] = [];
  const owner: ProxyHeaderOwner = {
    name: "fe",
    clientTimeout,
    counters: { proxyHeaderErrors: 0 },
    proxyHeaderRead: (_w, s) => log.push(`read ${s.remoteAddress}:${s.remotePort}`),
    release: () => log.push("release"),
  };
  const wait = new ProxyHeaderWait(owner, sock);
  wait.start();
  return { inner, sock, owner, wait, log };
}

test("ProxyHeaderWait: a v1 line in pieces, the bytes after it kept for the session", async () => {
  const { inner, sock, owner, log } = setup();
  inner.send("PROXY TCP4 192.0.2.1 ");
  inner.send("192.0.2.2 5000 80\r\nGET");
  assert.deepEqual(log, ["read 192.0.2.1:5000"]);
  assert.equal(owner.counters.proxyHeaderErrors, 0);
  const r = recorder();
  sock.setHandlers(r.handlers);
  await tick();
  assert.deepEqual(r.events, ["data:GET"]);
});

test("ProxyHeaderWait: a v2 header byte by byte", () => {
  const { inner, log } = setup();
  const h = buildProxyV2({
    family: "tcp6",
    src: "2001:db8::1",
    srcPort: 1,
    dst: "::1",
    dstPort: 2,
  });
  for (const b of h) inner.send(Uint8Array.of(b));
  assert.deepEqual(log, ["read 2001:db8::1:1"]);
});

test("ProxyHeaderWait: bytes that are no header close the connection at once, counted", () => {
  for (
    const bad of [
      "GET / HTTP/1.1\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 99999 80\r\n",
      "PROXY TCP4 1.2.3.4\n",
    ]
  ) {
    const { inner, owner, log } = setup();
    inner.send(bad);
    assert.equal(inner.closed, true, bad);
    assert.deepEqual(log, ["release"]);
    assert.equal(owner.counters.proxyHeaderErrors, 1);
  }
});

test("ProxyHeaderWait: a close before the header is complete is counted once", () => {
  const { inner, owner, log } = setup();
  inner.send("PROXY TCP4 ");
  inner.handlers!.end();
  inner.handlers!.close();
  assert.deepEqual(log, ["release"]);
  assert.equal(owner.counters.proxyHeaderErrors, 1);
});

test("ProxyHeaderWait: a header still incomplete after timeout client closes the connection", async () => {
  const { inner, owner, log } = setup(20);
  inner.send("PROXY TCP4 1.2.3.4 ");
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(inner.closed, true);
  assert.deepEqual(log, ["release"]);
  assert.equal(owner.counters.proxyHeaderErrors, 1);
});

test("ProxyHeaderWait: kill (stop) closes without counting an error", () => {
  const { inner, owner, wait, log } = setup();
  wait.kill();
  wait.kill();
  assert.equal(inner.closed, true);
  assert.deepEqual(log, ["release"]);
  assert.equal(owner.counters.proxyHeaderErrors, 0);
});
