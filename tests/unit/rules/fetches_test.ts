/** Fetches: layer 4 and internal ones, HTTP request and response ones, payload ones. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BackendSample,
  compileAcls,
  compileSample,
  FETCHES,
  formatRuleError,
  type SampleContext,
  type Value,
} from "../../../src/rules/mod.ts";
import { l4Context, requestContext, responseContext } from "./context.ts";

function value(text: string, ctx: SampleContext): Value | undefined {
  const r = compileSample(text);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.sample.value(ctx);
}

/** Every value a multi-valued fetch gives, as an ACL would try them. */
function values(text: string, ctx: SampleContext): Value[] {
  const r = compileSample(text);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  const out: Value[] = [];
  r.sample.test((v) => (out.push(v), false))(ctx);
  return out;
}

function error(text: string): string {
  const r = compileSample(text);
  assert.ok(!r.ok);
  return formatRuleError(r.error);
}

test("L4 fetches read the connection, the proxy names and constants", () => {
  const ctx = l4Context({ beName: "api" });
  assert.equal(value("src", ctx), "192.0.2.10");
  assert.equal(value("src_port", ctx), 40000);
  assert.equal(value("dst", ctx), "198.51.100.1");
  assert.equal(value("dst_port", ctx), 80);
  assert.equal(value("fe_name", ctx), "fe");
  assert.equal(value("be_name", ctx), "api");
  assert.equal(value("be_name", l4Context()), undefined, "no backend chosen yet");
  assert.equal(value("always_true", ctx), true);
  assert.equal(value("always_false", ctx), false);
  assert.equal(value("str(a b)", ctx), "a b");
  assert.equal(value("int(-7)", ctx), -7);
  assert.equal(value("bool(true)", ctx), true);
  assert.equal(value("ipv6(::1)", ctx), "::1");
  assert.deepEqual(value("bin(0aff)", ctx), Uint8Array.of(10, 255));
  assert.equal(error("ipv4(1.2.3)"), `fetch "ipv4": "1.2.3" is not a valid ipv4 at column 6`);
});

test("rand() stays within its range; env() and var() read the context", () => {
  const ctx = l4Context();
  for (let i = 0; i < 50; i++) {
    const n = value("rand(3)", ctx) as number;
    assert.ok(Number.isInteger(n) && n >= 0 && n < 3);
  }
  assert.equal(
    error("rand(0)"),
    `fetch "rand": range must be an integer from 1 to 4294967296, got "0" at column 6`,
  );
  assert.equal(value("env(ZONE)", ctx), "eu");
  assert.equal(value("env(NOPE)", ctx), undefined);
  ctx.vars.set("txn.user", "ann");
  ctx.vars.set("sess.n", 12);
  ctx.vars.set("req.ok", true);
  assert.equal(value("var(txn.user)", ctx), "ann");
  assert.equal(value("var(sess.n)", ctx), "12");
  assert.equal(value("var(req.ok)", ctx), "1");
  assert.equal(value("var(txn.none)", ctx), undefined);
  assert.match(
    error("var(user)"),
    /^fetch "var": variable "user" must be scope.name with scope proc/,
  );
});

test("method, url, path, pathq and query read the request line (origin and absolute forms)", () => {
  const o = requestContext("POST /a/b.php?x=1&y HTTP/1.1\nHost: h");
  assert.equal(value("method", o), "POST");
  assert.equal(value("url", o), "/a/b.php?x=1&y");
  assert.equal(value("path", o), "/a/b.php");
  assert.equal(value("pathq", o), "/a/b.php?x=1&y");
  assert.equal(value("query", o), "x=1&y");
  const a = requestContext("GET http://h:81/p?q HTTP/1.1\nHost: h:81");
  assert.equal(value("path", a), "/p");
  assert.equal(value("pathq", a), "/p?q");
  assert.equal(value("url", a), "http://h:81/p?q");
  const bare = requestContext("GET /x? HTTP/1.1\nHost: h");
  assert.equal(value("query", bare), "");
  assert.equal(value("query", requestContext("GET / HTTP/1.1\nHost: h")), undefined);
  const star = requestContext("OPTIONS * HTTP/1.1\nHost: h");
  assert.equal(value("path", star), undefined);
  assert.equal(value("url", star), "*");
  const connect = requestContext("CONNECT h:443 HTTP/1.1\nHost: h:443");
  assert.equal(value("path", connect), undefined);
  assert.equal(value("pathq", connect), undefined);
});

test("url_param() finds a query parameter: first one, any one in ACLs, delimiters, -i", () => {
  const ctx = requestContext("GET /?a=1&b=2;a=3&c&B=4 HTTP/1.1\nHost: h");
  assert.equal(value("url_param(a)", ctx), "1");
  assert.deepEqual(values("url_param(a)", ctx), ["1", "3"]);
  assert.equal(value("urlp(c)", ctx), undefined); // no "=": no value, as in HAProxy
  assert.equal(value("url_param(d)", ctx), undefined);
  assert.equal(value("url_param(a,&)", ctx), "3"); // the list starts after the first "&"
  assert.deepEqual(values("url_param(b,,i)", ctx), ["2", "4"]);
  assert.equal(value("url_param(a)", requestContext("GET / HTTP/1.1\nHost: h")), undefined);
});

test("base is the Host header then the path; without Host only the path", () => {
  assert.equal(value("base", requestContext("GET /p?q HTTP/1.1\nHost: ex.com")), "ex.com/p");
  assert.equal(value("base", requestContext("GET /p HTTP/1.0")), "/p");
});

test("hdr() gives comma-separated values: last one, by occurrence, each one in ACLs", () => {
  const ctx = requestContext(
    'GET / HTTP/1.1\nHost: h\nAccept: a/b, c/d ;q=1\nX-Q: "x,y", z\naccept: e\nEmpty:\n',
  );
  assert.equal(value("hdr(accept)", ctx), "e");
  assert.equal(value("req.hdr(Accept,1)", ctx), "a/b");
  assert.equal(value("hdr(accept,2)", ctx), "c/d ;q=1");
  assert.equal(value("hdr(accept,-3)", ctx), "a/b");
  assert.equal(value("hdr(accept,4)", ctx), undefined);
  assert.equal(value("hdr(accept,-4)", ctx), undefined);
  assert.deepEqual(values("hdr(accept)", ctx), ["a/b", "c/d ;q=1", "e"]);
  assert.deepEqual(values("hdr(accept,2)", ctx), ["c/d ;q=1"]);
  assert.deepEqual(values("hdr(x-q)", ctx), ['"x,y"', "z"], "commas in quotes do not split");
  assert.equal(value("hdr(empty)", ctx), "");
  assert.equal(value("hdr(none)", ctx), undefined);
  assert.equal(values("hdr", ctx).length, 7, "no name: every field's values");
});

test("fhdr() gives whole fields; hdr_cnt, fhdr_cnt and hdr_val count and read integers", () => {
  const ctx = requestContext("GET / HTTP/1.1\nHost: h\nX-A: 1, 2\nX-A: 3\nContent-Length: 12\n");
  assert.equal(value("req.fhdr(x-a)", ctx), "3");
  assert.equal(value("fhdr(x-a,1)", ctx), "1, 2");
  assert.deepEqual(values("req.fhdr(x-a)", ctx), ["1, 2", "3"]);
  assert.equal(value("hdr_cnt(x-a)", ctx), 3);
  assert.equal(value("req.fhdr_cnt(x-a)", ctx), 2);
  assert.equal(value("hdr_cnt(none)", ctx), 0);
  assert.equal(value("hdr_val(content-length)", ctx), 12);
  assert.equal(value("hdr_val(x-a,1)", ctx), 1);
  assert.equal(value("hdr_val(host)", ctx), 0); // no leading digits: 0, as HAProxy's strl2ic
  assert.equal(value("hdr_val(none)", ctx), undefined);
});

test("req.cook() and cook() read cookies: last one, each one in ACLs", () => {
  const ctx = requestContext(
    "GET / HTTP/1.1\nHost: h\nCookie: sid=1; theme = dark ;x\nCookie: sid=2",
  );
  assert.equal(value("req.cook(sid)", ctx), "2");
  assert.deepEqual(values("cook(sid)", ctx), ["1", "2"]);
  assert.equal(value("cook(theme)", ctx), "dark");
  assert.equal(value("cook(x)", ctx), undefined, "a pair without = is no cookie");
  assert.equal(value("cook(nope)", ctx), undefined);
});

test("req.ver, status and the response header fetches", () => {
  assert.equal(value("req.ver", requestContext("GET / HTTP/1.0")), "1.0");
  assert.equal(value("req_ver", requestContext("GET / HTTP/1.1\nHost: h")), "1.1");
  const ctx = responseContext(
    "GET / HTTP/1.1\nHost: h",
    "HTTP/1.1 404 Not Found\nSet-Cookie: a=1\nVary: x, y\nServer: s",
  );
  assert.equal(value("status", ctx), 404);
  assert.equal(value("res.hdr(vary)", ctx), "y");
  assert.equal(value("shdr(vary,1)", ctx), "x");
  assert.equal(value("res.fhdr(vary)", ctx), "x, y");
  assert.equal(value("res.hdr_cnt(vary)", ctx), 2);
  assert.equal(value("shdr(server)", ctx), "s");
  assert.equal(value("hdr(server)", ctx), undefined, "hdr reads the request");
});

test("HTTP fetches give nothing where there is no message", () => {
  const l4 = l4Context();
  for (const f of ["method", "path", "url", "query", "hdr(host)", "cook(a)", "req.ver", "base"]) {
    assert.equal(value(f, l4), undefined, f);
  }
  assert.equal(value("status", requestContext("GET / HTTP/1.1\nHost: h")), undefined);
  assert.equal(value("res.hdr(a)", requestContext("GET / HTTP/1.1\nHost: h")), undefined);
});

test("payload fetches read the buffered payload and the inspect-delay state", () => {
  assert.equal(value("req.len", l4Context()), 0);
  assert.equal(value("req_len", l4Context({ payload: new Uint8Array(5) })), 5);
  assert.equal(value("wait_end", l4Context()), false);
  assert.equal(value("wait_end", l4Context({ waitEnd: true })), true);
  assert.equal(value("req.proto_http", l4Context()), false);
  assert.equal(value("req_proto_http", requestContext("GET / HTTP/1.0")), true);
});

test("each fetch declares what it needs", () => {
  const needs = (name: string) => FETCHES.get(name)?.needs;
  assert.equal(needs("src"), "l4");
  assert.equal(needs("var"), "l4");
  assert.equal(needs("req.len"), "payload");
  assert.equal(needs("path"), "http-req");
  assert.equal(needs("hdr"), "http-req");
  assert.equal(needs("status"), "http-res");
  assert.equal(needs("shdr"), "http-res");
});

/** A backend whose state the test sets: `servers` maps server names to open connections. */
function fakeBackend(name: string, usable: number, conn: number, slots: number): BackendSample {
  const servers = new Map([["s1", 2], ["s2", 0]]);
  return {
    name,
    usableServers: () => usable,
    conn: () => conn,
    slots: () => slots,
    serverConn: (srv) => servers.get(srv),
  };
}

test("nbsrv, be_conn and connslots read the named backend, or the current one", () => {
  const api = fakeBackend("api", 3, 17, 40);
  const app = fakeBackend("app", 0, 2, -1);
  const all = new Map([["api", api], ["app", app]]);
  const ctx = l4Context({ backend: app, backends: (n) => all.get(n) });
  assert.equal(value("nbsrv(api)", ctx), 3);
  assert.equal(value("nbsrv", ctx), 0, "the current backend");
  assert.equal(value("be_conn(api)", ctx), 17);
  assert.equal(value("be_conn", ctx), 2);
  assert.equal(value("connslots(api)", ctx), 40);
  assert.equal(value("connslots", ctx), -1, "a server without maxconn: unlimited");
  assert.equal(value("nbsrv(other)", ctx), undefined, "unknown at run time: no value");
  assert.equal(value("nbsrv", l4Context()), undefined, "no backend chosen yet");
  assert.equal(value("nbsrv(api)", l4Context()), undefined, "the session gives no backends");
});

test("srv_conn reads a server of the named or current backend; fe_conn the frontend", () => {
  const api = fakeBackend("api", 2, 2, 8);
  const ctx = l4Context({ backend: api, backends: (n) => (n === "api" ? api : undefined) });
  assert.equal(value("srv_conn(api/s1)", ctx), 2);
  assert.equal(value("srv_conn(s2)", ctx), 0);
  assert.equal(value("srv_conn(api/s9)", ctx), undefined);
  assert.equal(value("srv_conn(x/s1)", ctx), undefined);
  assert.equal(value("fe_conn", l4Context({ feConn: 5 })), 5);
  assert.equal(value("fe_conn", l4Context()), undefined);
  assert.equal(error("srv_conn(api/)"), `fetch "srv_conn": "api/" names no server at column 10`);
});

test("backend and server names are checked when the compile knows the backends", () => {
  const backends = new Map([["api", ["s1", "s2"]], ["app", ["a1"]]]);
  const err = (text: string) => {
    const r = compileSample(text, { backends });
    assert.ok(!r.ok, `expected an error for ${text}`);
    return formatRuleError(r.error);
  };
  assert.equal(
    err("nbsrv(apii)"),
    `fetch "nbsrv": unknown backend "apii" (did you mean "api"?) at column 7`,
  );
  assert.equal(err("be_conn(zzz)"), `fetch "be_conn": unknown backend "zzz" at column 9`);
  assert.equal(
    err("connslots(ap)"),
    `fetch "connslots": unknown backend "ap" (did you mean "api"?) at column 11`,
  );
  assert.equal(
    err("srv_conn(api/s3)"),
    `fetch "srv_conn": backend "api" has no server "s3" (did you mean "s1"?) at column 10`,
  );
  assert.equal(err("srv_conn(web/s1)"), `fetch "srv_conn": unknown backend "web" at column 10`);
  assert.ok(compileSample("nbsrv(app)", { backends }).ok);
  assert.ok(compileSample("srv_conn(app/a1),add(1)", { backends }).ok);
  assert.ok(compileSample("nbsrv(whatever)").ok, "without known backends, names are not checked");
  assert.equal(
    error("nbsrv(a,b)"),
    `fetch "nbsrv" takes 0 to 1 arguments (backend), got 2 at column 9`,
  );
});

test("backend-state fetches work in ACLs, e.g. a fallback when a farm is down", () => {
  const backends = new Map([["api", ["s1"]]]);
  const { acls, errors } = compileAcls(["api_down nbsrv(api) lt 1"], { backends });
  assert.deepEqual(errors, []);
  const api = fakeBackend("api", 0, 0, 0);
  assert.equal(acls.get("api_down")!.test(l4Context({ backends: () => api })), true);
  assert.equal(FETCHES.get("nbsrv")?.needs, "l4", "usable in TCP rules too");
});
