/** Payload fetches through the rules engine: raw bytes, TLS ClientHello fields, HTTP detection, misses. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileAcls,
  compileCondition,
  compileSample,
  formatRuleError,
  type SampleContext,
  type Value,
} from "../../../src/rules/mod.ts";
import { captureHello, hello, sniExt } from "../tls/hello.ts";
import { OPENSSL_TLS12_NO_SNI, OPENSSL_TLS13, unhex } from "../tls/openssl_hellos.ts";
import { l4Context } from "./context.ts";

const text = (s: string) => new TextEncoder().encode(s);
const TLS13 = unhex(OPENSSL_TLS13);
const TLS12 = unhex(OPENSSL_TLS12_NO_SNI);

/** A TCP-mode context holding `payload`; `final` when no more bytes will come. */
function buffered(payload: Uint8Array, final = false): SampleContext {
  return l4Context({ payload, final });
}

/** Runs a condition as a tcp-request content rule would: its result and whether it missed. */
function run(condition: string, ctx: SampleContext, acls: string[] = []) {
  const table = compileAcls(acls);
  assert.deepEqual(table.errors, []);
  const r = compileCondition(condition, table.acls);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  Object.assign(ctx, { miss: false }); // (not `ctx.miss = false`: TS would narrow it below)
  const ok = r.condition.test(ctx);
  return { ok, miss: ctx.miss === true };
}

/** A sample's value and whether the fetch said more bytes could change it. */
function sample(expr: string, ctx: SampleContext): { v: Value | undefined; mayChange: boolean } {
  const r = compileSample(expr);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  Object.assign(ctx, { mayChange: false });
  const v = r.sample.value(ctx);
  return { v, mayChange: ctx.mayChange === true };
}

function error(expr: string): string {
  const r = compileSample(expr);
  assert.ok(!r.ok, `"${expr}" should not compile`);
  return formatRuleError(r.error);
}

test("TLS fetches match a genuine ClientHello from node:tls", async () => {
  const ctx = buffered(
    await captureHello({ servername: "a.example", ALPNProtocols: ["h2", "http/1.1"] }),
  );
  const yes = (cond: string) => assert.deepEqual(run(cond, ctx), { ok: true, miss: false }, cond);
  yes("if { req.ssl_hello_type 1 }");
  yes("if { req_ssl_hello_type 1 }");
  yes("if { req.ssl_sni -i A.example }");
  yes("if { req.ssl_sni -m end .example }");
  yes("if { req_ssl_sni a.example }");
  yes("if { req.ssl_alpn h2 }");
  yes("if { req.ssl_alpn http/1.1 }");
  yes("if { req.ssl_alpn -m beg http/ }");
  yes("if { req.ssl_ver 196611 }");
  yes("if { req.ssl_ec_ext }");
  yes("if !{ req.proto_http }");
  assert.deepEqual(run("if { req.ssl_alpn h3 }", ctx), { ok: false, miss: false });
  assert.deepEqual(run("if { req.ssl_sni b.example }", ctx), { ok: false, miss: false });
  assert.deepEqual(sample("req.ssl_alpn", ctx), { v: "h2", mayChange: false });
});

test("TLS fetch values on the OpenSSL hellos: SNI lowercased, HAProxy's version encoding", () => {
  const h13 = buffered(TLS13);
  assert.equal(sample("req.ssl_sni", h13).v, "mixed.example.com");
  assert.equal(sample("req_ssl_sni,upper", h13).v, "MIXED.EXAMPLE.COM");
  // major << 16 | minor of the hello's legacy_version, TLS 1.3 clients included: 3.3.
  assert.equal(sample("req.ssl_ver", h13).v, 0x00030003);
  assert.equal(sample("req_ssl_ver", buffered(TLS12)).v, 196611);
  assert.equal(sample("req.ssl_ver", buffered(hello({ helloVersion: 0x0301 }))).v, 196609);
  assert.equal(sample("req.ssl_hello_type", h13).v, 1);
  assert.equal(sample("req.ssl_st_ext", h13).v, 1);
  assert.equal(sample("req.ssl_ec_ext", buffered(hello())).v, false);
  assert.deepEqual(run("if { req.ssl_sni -m found }", buffered(TLS12)), { ok: false, miss: false });
  assert.deepEqual(run("if { req.ssl_alpn -m found }", buffered(TLS12)), {
    ok: false,
    miss: false,
  });
});

test("a test on an incomplete hello misses while more bytes may come, and fails once final", () => {
  for (const n of [0, 1, 5, 100, TLS13.length - 1]) {
    const part = TLS13.subarray(0, n);
    for (
      const cond of [
        "if { req.ssl_sni a.example }",
        "if { req.ssl_hello_type 1 }",
        "if { req.ssl_alpn h2 }",
        "if { req.ssl_ver 196611 }",
        "if { req.ssl_sni -m found }",
      ]
    ) {
      assert.deepEqual(run(cond, buffered(part)), { ok: false, miss: true }, `${cond} on ${n}`);
      assert.deepEqual(run(cond, buffered(part, true)), { ok: false, miss: false }, cond);
    }
    assert.deepEqual(sample("req.ssl_sni", buffered(part)), { v: undefined, mayChange: true });
    assert.deepEqual(sample("req.ssl_sni", buffered(part, true)), {
      v: undefined,
      mayChange: false,
    });
  }
  // Bytes that cannot be a hello: a plain "no" at once, no waiting.
  const ssh = buffered(text("SSH-2.0-OpenSSH_9.6\r\n"));
  assert.deepEqual(run("if { req.ssl_hello_type 1 }", ssh), { ok: false, miss: false });
  assert.deepEqual(sample("req.ssl_sni", ssh), { v: undefined, mayChange: false });
  // A complete hello without SNI: no SNI, and nothing more to wait for.
  assert.deepEqual(sample("req.ssl_sni", buffered(TLS12)), { v: undefined, mayChange: false });
  // The same rule matches once the buffer (a new array) holds the whole record.
  const acls = ["is_a req.ssl_sni -m end .example.com"];
  assert.deepEqual(run("if is_a", buffered(TLS13.slice(0, 60)), acls), { ok: false, miss: true });
  assert.deepEqual(run("if is_a", buffered(TLS13.slice()), acls), { ok: true, miss: false });
});

test("the parse is shared by the fetches of one buffer and redone for a new buffer", () => {
  const payload = hello({ exts: sniExt("one.example") });
  const ctx = buffered(payload);
  assert.equal(sample("req.ssl_sni", ctx).v, "one.example");
  assert.equal(sample("req.ssl_ver", ctx).v, 196611);
  assert.equal(
    sample("req.ssl_sni", buffered(hello({ exts: sniExt("two.example") }))).v,
    "two.example",
  );
  assert.equal(sample("req.ssl_sni", buffered(payload)).v, "one.example");
});

test("req.payload(offset,length) gives bytes once they are all buffered", () => {
  const ssh = buffered(text("SSH-2.0-OpenSSH_9.6\r\n"));
  assert.deepEqual(run("if { req.payload(0,4) -m bin 5353482d }", ssh), { ok: true, miss: false });
  assert.deepEqual(run("if { payload(0,3) -m str SSH }", ssh), { ok: true, miss: false });
  assert.deepEqual(run("if { req.payload(0,4) -m bin 16030100 }", ssh), { ok: false, miss: false });
  assert.deepEqual(sample("req.payload(4,3)", ssh).v, text("2.0"));
  // Two bytes buffered of four: undefined, and a miss until final.
  assert.deepEqual(sample("req.payload(0,4)", buffered(text("SS"))), {
    v: undefined,
    mayChange: true,
  });
  assert.deepEqual(sample("req.payload(0,4)", buffered(text("SS"), true)), {
    v: undefined,
    mayChange: false,
  });
  assert.deepEqual(run("if { req.payload(0,4) -m bin 5353482d }", buffered(text("SS"))), {
    ok: false,
    miss: true,
  });
  // Length 0: to the end of what is there, which may still grow.
  assert.deepEqual(sample("req.payload(8,0)", ssh), {
    v: text("OpenSSH_9.6\r\n"),
    mayChange: true,
  });
  assert.deepEqual(sample("req.payload(8,0)", buffered(text("SSH-2.0-x"), true)), {
    v: text("x"),
    mayChange: false,
  });
  assert.deepEqual(sample("req.payload(30,0)", ssh), { v: undefined, mayChange: true });
  assert.deepEqual(sample("req.payload(0,1)", l4Context()), { v: undefined, mayChange: false });
});

test("req.payload_lv(offset1,length[,offset2]) reads a length field then that many bytes", () => {
  const ctx = buffered(Uint8Array.of(9, 0, 3, 0x61, 0x62, 0x63, 0x64, 0x65));
  assert.deepEqual(sample("req.payload_lv(1,2)", ctx).v, text("abc"));
  assert.deepEqual(sample("payload_lv(1,2,+2)", ctx).v, text("cde"));
  assert.deepEqual(sample("req.payload_lv(1,2,-1)", ctx).v, Uint8Array.of(3, 0x61, 0x62));
  assert.deepEqual(sample("req.payload_lv(1,2,4)", ctx).v, text("bcd"));
  assert.deepEqual(run("if { req.payload_lv(1,2) -m str abc }", ctx), { ok: true, miss: false });
  // The length says 3 but only 2 bytes follow: wait, then give up.
  const short = Uint8Array.of(0, 3, 0x61, 0x62);
  assert.deepEqual(sample("req.payload_lv(0,2)", buffered(short)), {
    v: undefined,
    mayChange: true,
  });
  assert.deepEqual(sample("req.payload_lv(0,2)", buffered(short, true)).mayChange, false);
  assert.deepEqual(sample("req.payload_lv(0,4)", buffered(short)), {
    v: undefined,
    mayChange: true,
  });
  // A zero length never matches, whatever comes next.
  assert.deepEqual(sample("req.payload_lv(0,1)", buffered(Uint8Array.of(0, 1))), {
    v: undefined,
    mayChange: false,
  });
});

test("payload fetch arguments are checked at config time", () => {
  assert.equal(
    error("req.payload(x,4)"),
    `fetch "req.payload": offset must be an integer of at least 0, got "x" at column 13`,
  );
  assert.equal(
    error("req.payload(0,-1)"),
    `fetch "req.payload": length must be an integer of at least 0, got "-1" at column 15`,
  );
  assert.match(error("req.payload(0)"), /^fetch "req.payload" takes 2 arguments/);
  assert.equal(
    error("req.payload_lv(0,0)"),
    `fetch "req.payload_lv": length (the size of the length field) must be an integer from 1 to 4, got "0" at column 18`,
  );
  assert.equal(
    error("req.payload_lv(1,2,-4)"),
    `fetch "req.payload_lv": offset2 "-4" points before the start of the payload at column 20`,
  );
  assert.match(error("payload_lv(0,1,x)"), /offset2 must be an integer, got "x"/);
});

test("req.proto_http: HTTP/1.x request lines from the bytes, or a parsed request", () => {
  const is = (bytes: string, final = false) =>
    run("if { req.proto_http }", buffered(text(bytes), final));
  assert.deepEqual(is("GET / HTTP/1.1\r\nHost: a\r\n"), { ok: true, miss: false });
  assert.deepEqual(is("\r\nOPTIONS * HTTP/1.0\n"), { ok: true, miss: false });
  assert.deepEqual(run("if HTTP", buffered(text("POST /x?y HTTP/1.1\r\n"))).ok, true);
  assert.deepEqual(is("SSH-2.0-OpenSSH_9.6\r\n"), { ok: false, miss: false });
  assert.deepEqual(is("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), { ok: false, miss: false });
  assert.deepEqual(is("GET  / HTTP/1.1\r\n"), { ok: false, miss: false });
  assert.deepEqual(is("GET / HTTP/1.12\r\n"), { ok: false, miss: false });
  assert.deepEqual(is("\x16\x03\x01"), { ok: false, miss: false });
  // A prefix of a request line: wait, unless nothing more will come.
  for (const part of ["", "GE", "GET /ind", "GET /index HTTP/1", "GET / HTTP/1.1"]) {
    assert.deepEqual(is(part), { ok: false, miss: true }, JSON.stringify(part));
    assert.deepEqual(is(part, true), { ok: false, miss: false }, JSON.stringify(part));
  }
  assert.equal(sample("req_proto_http", buffered(text("GET /"), true)).v, false);
  // In HTTP mode the session's parsed request decides.
  const req = { method: "GET", target: "/", minor: 1, headers: [] };
  assert.equal(sample("req.proto_http", l4Context({ req })).v, true);
  assert.equal(sample("req.proto_http", l4Context()).v, false);
});

test("req.len and wait_end say more bytes may change them until final", () => {
  assert.deepEqual(sample("req.len", buffered(text("abc"))), { v: 3, mayChange: true });
  assert.deepEqual(sample("req.len", buffered(text("abc"), true)), { v: 3, mayChange: false });
  assert.deepEqual(run("if REQ_CONTENT", buffered(new Uint8Array())), { ok: false, miss: true });
  assert.deepEqual(run("if { req.len ge 3 }", buffered(text("abc"))), { ok: true, miss: false });
  assert.deepEqual(run("if WAIT_END", buffered(text("abc"))), { ok: false, miss: true });
  assert.deepEqual(run("if WAIT_END", buffered(text("abc"), true)), { ok: true, miss: false });
});
