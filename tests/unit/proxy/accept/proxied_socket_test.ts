/** ProxiedSocket: an accept-proxy connection seen with its header's addresses, the bytes after the header first. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ProxyHeader } from "../../../../src/proxy_protocol/mod.ts";
import { ProxiedSocket } from "../../../../src/proxy/accept/proxied_socket.ts";
import { FakeSocket, recorder, tick } from "../_fake_socket.ts";

const enc = new TextEncoder();
const tcp4: ProxyHeader = {
  version: 2,
  command: "PROXY",
  family: "tcp4",
  src: "198.51.100.7",
  srcPort: 1234,
  dst: "203.0.113.1",
  dstPort: 443,
  tlvs: [],
  alpn: "h2",
  authority: "shop.example",
};

function addresses(s: ProxiedSocket): string {
  return `${s.remoteAddress}:${s.remotePort} -> ${s.localAddress}:${s.localPort}`;
}

test("ProxiedSocket is the real connection until the header is read, then the header's", () => {
  const inner = new FakeSocket();
  const s = new ProxiedSocket(inner);
  assert.equal(addresses(s), "10.0.0.2:40000 -> 10.0.0.1:80");
  s.headerRead(tcp4, new Uint8Array(0));
  assert.equal(addresses(s), "198.51.100.7:1234 -> 203.0.113.1:443");
  assert.deepEqual([s.alpn, s.authority], ["h2", "shop.example"]);
});

test("ProxiedSocket keeps the real addresses for LOCAL and UNKNOWN headers", () => {
  for (
    const h of [
      { ...tcp4, command: "LOCAL" as const },
      { version: 1 as const, command: "PROXY" as const, family: "unknown" as const, tlvs: [] },
    ]
  ) {
    const s = new ProxiedSocket(new FakeSocket());
    s.headerRead(h, new Uint8Array(0));
    assert.equal(addresses(s), "10.0.0.2:40000 -> 10.0.0.1:80");
  }
});

test("ProxiedSocket passes events through to the header reader before the header", async () => {
  const inner = new FakeSocket();
  const s = new ProxiedSocket(inner);
  const r = recorder();
  s.setHandlers(r.handlers);
  inner.send("PRO");
  inner.handlers!.end();
  await tick();
  assert.deepEqual(r.events, ["data:PRO", "end"]);
});

test("ProxiedSocket delivers the bytes after the header on a later turn, before newer ones, then resumes", async () => {
  const inner = new FakeSocket();
  const s = new ProxiedSocket(inner);
  s.setHandlers(recorder().handlers); // the header reader
  s.headerRead(tcp4, enc.encode("GET / "));
  assert.equal(inner.paused, true);
  inner.send("late read"); // a read already under way when the socket was paused
  const r = recorder();
  s.setHandlers(r.handlers); // the session
  assert.equal(inner.setHandlersCalls, 1);
  assert.deepEqual(r.events, [], "nothing delivered inside setHandlers");
  await tick();
  assert.deepEqual(r.events, ["data:GET / ", "data:late read"]);
  assert.equal(inner.paused, false);
  inner.send("HTTP/1.1");
  assert.deepEqual(r.events.at(-1), "data:HTTP/1.1");
});

test("ProxiedSocket holds the bytes while the session is paused and delivers them on resume", async () => {
  const inner = new FakeSocket();
  const s = new ProxiedSocket(inner);
  s.setHandlers(recorder().handlers);
  s.headerRead(tcp4, enc.encode("early"));
  inner.handlers!.end();
  const r = recorder();
  s.setHandlers(r.handlers);
  s.pause();
  await tick();
  assert.deepEqual(r.events, []);
  s.resume();
  assert.deepEqual(r.events, [], "not inside resume()");
  await tick();
  assert.deepEqual(r.events, ["data:early", "end"], "an end that came meanwhile follows the bytes");
});

test("ProxiedSocket with nothing after the header resumes the socket once the session took it", async () => {
  const inner = new FakeSocket();
  const s = new ProxiedSocket(inner);
  s.setHandlers(recorder().handlers);
  s.headerRead(tcp4, new Uint8Array(0));
  const r = recorder();
  s.setHandlers(r.handlers);
  await tick();
  assert.equal(inner.paused, false);
  s.write(enc.encode("out"));
  assert.equal(inner.written.length, 1);
  s.close();
  assert.deepEqual(r.events, ["close"]);
  assert.equal(s.closed, true);
});
