/** proxyHeaderFor(): the PROXY header (send-proxy, send-proxy-v2) a new server connection starts with. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseProxyHeader, type ProxyHeader } from "../../../../src/proxy_protocol/mod.ts";
import { type ClientConnection, proxyHeaderFor } from "../../../../src/proxy/session/proxy_out.ts";

const client: ClientConnection = {
  remoteAddress: "192.0.2.10",
  remotePort: 51000,
  localAddress: "192.0.2.1",
  localPort: 8080,
};

function text(b: Uint8Array | null): string {
  assert.ok(b);
  return new TextDecoder().decode(b);
}

function parsed(b: Uint8Array | null): ProxyHeader {
  assert.ok(b);
  const r = parseProxyHeader(b);
  assert.equal(r.kind, "ok");
  assert.equal((r as { length: number }).length, b.length);
  return (r as { header: ProxyHeader }).header;
}

test("proxyHeaderFor() sends nothing for version 0", () => {
  assert.equal(proxyHeaderFor(0, client), null);
});

test("proxyHeaderFor() v1: src is the client, dst the address it connected to", () => {
  assert.equal(text(proxyHeaderFor(1, client)), "PROXY TCP4 192.0.2.10 192.0.2.1 51000 8080\r\n");
});

test("proxyHeaderFor() v1: a dual-stack socket's v4-mapped addresses go as TCP4, mixed ones as TCP6", () => {
  const mapped = {
    ...client,
    remoteAddress: "::ffff:192.0.2.10",
    localAddress: "::ffff:192.0.2.1",
  };
  assert.equal(text(proxyHeaderFor(1, mapped)), "PROXY TCP4 192.0.2.10 192.0.2.1 51000 8080\r\n");
  const mixed = { ...client, localAddress: "2001:db8::1" };
  assert.equal(
    text(proxyHeaderFor(1, mixed)),
    "PROXY TCP6 ::ffff:192.0.2.10 2001:db8::1 51000 8080\r\n",
  );
});

test("proxyHeaderFor() v1 and v2: addresses that are not IP make an UNKNOWN / UNSPEC header", () => {
  const odd = { ...client, remoteAddress: "/run/sock", localAddress: "" };
  assert.equal(text(proxyHeaderFor(1, odd)), "PROXY UNKNOWN\r\n");
  const h = parsed(proxyHeaderFor(2, { ...odd, authority: "a.example" }));
  assert.deepEqual([h.family, h.src, h.authority], ["unknown", undefined, "a.example"]);
});

test("proxyHeaderFor() v2: addresses, and ALPN and AUTHORITY when the client connection knows them", () => {
  let h = parsed(proxyHeaderFor(2, client));
  assert.deepEqual(
    [h.version, h.command, h.family, h.src, h.srcPort, h.dst, h.dstPort, h.alpn, h.authority],
    [2, "PROXY", "tcp4", "192.0.2.10", 51000, "192.0.2.1", 8080, undefined, undefined],
  );
  h = parsed(proxyHeaderFor(2, { ...client, alpn: "h2", authority: "shop.example" }));
  assert.deepEqual([h.alpn, h.authority], ["h2", "shop.example"]);
  h = parsed(proxyHeaderFor(2, { ...client, tls: { sni: "tls.example", alpn: "http/1.1" } }));
  assert.deepEqual([h.alpn, h.authority], ["http/1.1", "tls.example"], "TLS: SNI and ALPN");
  h = parsed(
    proxyHeaderFor(2, { ...client, authority: "pp.example", tls: { sni: "tls.example" } }),
  );
  assert.equal(h.authority, "pp.example", "a received AUTHORITY wins over SNI (HAProxy's order)");
  h = parsed(proxyHeaderFor(2, { ...client, remoteAddress: "2001:db8::10" }));
  assert.deepEqual([h.family, h.src, h.dst], ["tcp6", "2001:db8::10", "::ffff:192.0.2.1"]);
});

test("proxyHeaderFor() v2: a TLV too long to send is left out, not the header", () => {
  let h = parsed(proxyHeaderFor(2, { ...client, authority: "a".repeat(256) }));
  assert.deepEqual([h.src, h.authority], ["192.0.2.10", undefined]);
  h = parsed(proxyHeaderFor(2, { ...client, alpn: "x".repeat(5000), authority: "ok.example" }));
  assert.deepEqual([h.src, h.alpn, h.authority], ["192.0.2.10", undefined, undefined]);
});
