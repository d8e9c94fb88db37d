/** A server's TLS: the SNI of each connection (fixed, or the request's Host) and the client options. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientTls, serverName, type ServerTls } from "../../../src/backend/server_tls.ts";
import { parseSni } from "../../../src/config/server_tls.ts";

function tls(sni: string | null, extra: Partial<ServerTls> = {}): ServerTls {
  const parsed = sni === null ? null : parseSni(sni);
  if (parsed && !parsed.ok) throw new Error(parsed.error);
  return { verify: "required", sni: parsed?.sni ?? null, ...extra };
}

const request = (host: string | undefined) => ({
  http: {
    method: "GET",
    path: "/",
    query: "",
    header: (n: string) => (n === "host" ? host : undefined),
  },
});

test("parseSni() takes a host name, str(NAME), or req.hdr(NAME)", () => {
  assert.deepEqual(parseSni("api.internal"), {
    ok: true,
    sni: { kind: "literal", name: "api.internal" },
  });
  assert.deepEqual(parseSni("str(api.internal)"), {
    ok: true,
    sni: { kind: "literal", name: "api.internal" },
  });
  assert.deepEqual(parseSni("req.hdr(Host)"), { ok: true, sni: { kind: "header", name: "host" } });
  assert.deepEqual(parseSni("hdr(x-sni)"), { ok: true, sni: { kind: "header", name: "x-sni" } });
  const bad = parseSni("req.cook(x)");
  assert.ok(!bad.ok);
  assert.match(bad.error, /expected a host name .* or req\.hdr\(NAME\), got "req\.cook\(x\)"/);
});

test("serverName(): a fixed name, or the request's Host without its port", () => {
  assert.equal(serverName(tls("origin.example")), "origin.example");
  assert.equal(serverName(tls("req.hdr(host)"), request("api.example:8443")), "api.example");
  assert.equal(serverName(tls("req.hdr(host)"), request("[2001:db8::1]:443")), "2001:db8::1");
  assert.equal(serverName(tls("req.hdr(host)"), request(undefined)), undefined);
  assert.equal(serverName(tls(null)), undefined);
});

test("clientTls() shares the session cache only when the name is fixed", () => {
  const sessions = {};
  const fixed = clientTls(tls("a.example", { ca: "PEM", alpn: ["http/1.1"] }), sessions);
  assert.deepEqual(fixed, {
    verify: "required",
    servername: "a.example",
    ca: "PEM",
    alpn: ["http/1.1"],
    sessions,
  });
  const byHost = clientTls(tls("req.hdr(host)"), sessions, request("b.example"));
  assert.deepEqual(byHost, { verify: "required", servername: "b.example" });
});
