/** A server's TLS: `sni` sorted (fixed name or expression), compiled with the rules engine, evaluated per connection. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  clientTls,
  serverName,
  type ServerTls,
  sniVaries,
} from "../../../src/backend/server_tls.ts";
import { compileServerSni } from "../../../src/config/server_sni.ts";
import { parseSni } from "../../../src/config/server_tls.ts";
import type { SampleContext } from "../../../src/rules/mod.ts";
import { l4Context, requestContext } from "../rules/context.ts";

function tls(sni: string | null, extra: Partial<ServerTls> = {}): ServerTls {
  if (sni === null) return { verify: "required", sni: null, ...extra };
  const r = compileServerSni(parseSni(sni), "http");
  if (!r.ok) throw new Error(r.error);
  return { verify: "required", sni: r.sni, ...extra };
}

const withHost = (host: string) => () => requestContext(`GET / HTTP/1.1\nHost: ${host}\n`);

test("parseSni() keeps host names and str(NAME) as fixed names; fetches are expressions", () => {
  assert.deepEqual(parseSni("api.internal"), { kind: "literal", name: "api.internal" });
  assert.deepEqual(parseSni(" str(api.internal) "), { kind: "literal", name: "api.internal" });
  assert.deepEqual(parseSni("localhost"), { kind: "literal", name: "localhost" });
  // a bare word that names a fetch is the fetch, as in HAProxy
  assert.deepEqual(parseSni("ssl_fc_sni"), { kind: "expr", text: "ssl_fc_sni" });
  assert.deepEqual(parseSni("req.hdr(host),lower"), { kind: "expr", text: "req.hdr(host),lower" });
  assert.deepEqual(parseSni("str(a.example),upper"), {
    kind: "expr",
    text: "str(a.example),upper",
  });
  assert.deepEqual(parseSni("var(txn.sni)"), { kind: "expr", text: "var(txn.sni)" });
});

test("compileServerSni() refuses unknown fetches and converters with the rules engine's message", () => {
  const fetch = compileServerSni(parseSni("req.hdrr(host)"), "http");
  assert.deepEqual(fetch, {
    ok: false,
    error: 'unknown fetch "req.hdrr" at column 1 (did you mean "req.hdr"?)',
  });
  const conv = compileServerSni(parseSni("req.hdr(host),lowr"), "http");
  assert.ok(!conv.ok);
  assert.match(conv.error, /^unknown converter "lowr" at column 15 \(did you mean "lower"\?\)$/);
});

test("compileServerSni() refuses response fetches, and HTTP fetches in a tcp backend", () => {
  const res = compileServerSni(parseSni("res.hdr(x)"), "http");
  assert.ok(!res.ok);
  assert.match(res.error, /"res\.hdr" needs a response; not allowed in sni/);
  const tcp = compileServerSni(parseSni("req.hdr(host)"), "tcp");
  assert.ok(!tcp.ok);
  assert.match(tcp.error, /"req\.hdr" is an HTTP fetch; not allowed in the sni of a tcp-mode/);
  assert.ok(compileServerSni(parseSni("ssl_fc_sni"), "tcp").ok);
  assert.ok(compileServerSni(parseSni("req.ssl_sni"), "tcp").ok);
});

test("serverName(): a fixed name, or the expression's value without a port", () => {
  assert.equal(serverName(tls("origin.example")), "origin.example");
  assert.equal(serverName(tls("req.hdr(host)"), withHost("api.example:8443")), "api.example");
  assert.equal(serverName(tls("req.hdr(host),lower"), withHost("API.Example")), "api.example");
  assert.equal(serverName(tls("req.hdr(host)"), withHost("[2001:db8::1]:443")), "2001:db8::1");
  assert.equal(serverName(tls("req.hdr(host),field(1,.)"), withHost("www.a.example")), "www");
  assert.equal(serverName(tls("str(b.example),upper"), withHost("x")), "B.EXAMPLE");
  assert.equal(serverName(tls(null)), undefined);
});

test("serverName(): ssl_fc_sni and var() read the connection's context", () => {
  const tlsCtx = (): SampleContext =>
    l4Context({ tls: { sni: "front.example", protocol: "TLSv1.3", cipher: "X" } });
  assert.equal(serverName(tls("ssl_fc_sni"), tlsCtx), "front.example");
  assert.equal(serverName(tls("ssl_fc_sni"), () => l4Context()), undefined); // not TLS: none
  const vars = () => l4Context({ vars: new Map([["txn.sni", "from.var"]]) });
  assert.equal(serverName(tls("var(txn.sni)"), vars), "from.var");
  assert.equal(serverName(tls("var(txn.other)"), vars), undefined);
});

test("serverName(): an empty result, or no context (a health check), sends no SNI", () => {
  assert.equal(serverName(tls("req.hdr(x-sni)"), withHost("a.example")), undefined);
  assert.equal(serverName(tls("req.hdr(host),field(2,:)"), withHost("a.example")), undefined);
  assert.equal(serverName(tls("req.hdr(host)")), undefined);
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
  const byHost = clientTls(tls("req.hdr(host)"), sessions, withHost("b.example"));
  assert.deepEqual(byHost, { verify: "required", servername: "b.example" });
  assert.equal(sniVaries(tls("a.example")), false);
  assert.equal(sniVaries(tls("str(a.example)")), false);
  assert.equal(sniVaries(tls("ssl_fc_sni")), true);
});
