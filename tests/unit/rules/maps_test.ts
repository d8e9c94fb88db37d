/** Map files: the map_* converters by match kind and output type, file errors, ACL -M, paths. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  chooseBackend,
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  type CompileOptions,
  compileSample,
  formatRuleError,
  type HttpRuleTarget,
  type Value,
} from "../../../src/rules/mod.ts";
import { parseConfigText } from "../../../src/config/mod.ts";
import { compileFrontendRules } from "../../../src/config/rules.ts";
import { l4Context } from "./context.ts";

const FILES: Record<string, string> = {
  "hosts.map": "# host to backend\nexample.com be_static\n  www.example.com   be_www  \r\n\n" +
    "api.example.com be_api\nexample.com be_second\n",
  "paths.map": "/api api\n/api/v2 api_v2\n/ root\n/api/v2/admin admin\n/static static\n",
  "words.map": "admin adm\nfoo first\nfoo/bar second\n",
  "doms.map": "example.com ex\nwww other\n",
  "ends.map": ".jpg img\n.example.com ex\n.com com\n",
  "regs.map": "^/img/.*\\.png$ png\n^/img/ img\n",
  "ports.map": "80 http\n443 https\n8000:8999 alt\n",
  "nets.map": "10.0.0.0/8 ten\n10.1.0.0/16 ten-one\n10.1.2.0/24 ten-one-two\n" +
    "0.0.0.0/0 any4\n2001:db8::/32 doc\n2001:db8:1::/48 doc1\n192.0.2.7 host\n",
  "ints.map": "a 1\nb -20\nc 300\n",
  "ips.map": "a 192.0.2.1\nb 2001:db8::1\n",
  "bad_int.map": "a 1\nb two\n",
  "bad_net.map": "10.0.0.0/8 ten\nnope x\n",
  "bad_int_key.map": "80 http\nhttp x\n",
  "keyonly.map": "lonely\n",
  "netints.map": "10.0.0.0/8 1\n",
  "bad_reg.map": "([a x\n",
};

let reads: string[] = [];
const options: CompileOptions = {
  readFile: (p) => {
    reads.push(p);
    if (!(p in FILES)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    return FILES[p]!;
  },
};

function value(text: string, over = {}): Value | undefined {
  const r = compileSample(text, options);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.sample.value(l4Context(over));
}

function error(text: string): string {
  const r = compileSample(text, options);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return formatRuleError(r.error);
}

test("map / map_str looks the exact key up; the first of duplicate keys wins", () => {
  assert.equal(value("str(example.com),map(hosts.map)"), "be_static");
  assert.equal(value("str(example.com),map_str(hosts.map)"), "be_static");
  assert.equal(value("str(www.example.com),map_str_str(hosts.map)"), "be_www", "value trimmed");
  assert.equal(value("str(api.example.com),map(hosts.map)"), "be_api");
  assert.equal(value("str(EXAMPLE.com),map(hosts.map)"), undefined, "case-sensitive");
  assert.equal(value("str(#),map(hosts.map)"), undefined, "comments are not keys");
});

test("a missing key gives the default value, or no value without one", () => {
  assert.equal(value("str(nope.com),map(hosts.map)"), undefined);
  assert.equal(value("str(nope.com),map(hosts.map,be_default)"), "be_default");
  assert.equal(value("str(example.com),map(hosts.map,be_default)"), "be_static");
  assert.equal(value("str(x),map_str_int(ints.map,-1)"), -1);
  assert.equal(value("str(x),map_str_ip(ips.map,10.0.0.1)"), "10.0.0.1");
});

test("map_beg takes the longest matching prefix, whatever the file order", () => {
  assert.equal(value("str(/api/v2/admin/users),map_beg(paths.map)"), "admin");
  assert.equal(value("str(/api/v2/users),map_beg(paths.map)"), "api_v2");
  assert.equal(value("str(/api/v1),map_beg(paths.map)"), "api");
  assert.equal(value("str(/api),map_beg(paths.map)"), "api", "the whole string is a prefix");
  assert.equal(value("str(/other),map_beg(paths.map)"), "root");
  assert.equal(value("str(other),map_beg(paths.map,none)"), "none");
});

test("map_sub, map_dir, map_dom, map_end and map_reg take the first matching entry", () => {
  assert.equal(value("str(/x/foo/bar/admin),map_sub(words.map)"), "adm", "file order");
  assert.equal(value("str(/x/foobar),map_sub(words.map)"), "first");
  assert.equal(value("str(/a/foo/bar/z),map_dir(words.map)"), "first");
  assert.equal(value("str(/a/foobar/z),map_dir(words.map)"), undefined, "whole segments only");
  assert.equal(value("str(/a/foo/bar),map_dir(words.map)"), "first");
  assert.equal(value("str(www.example.com),map_dom(doms.map)"), "ex");
  assert.equal(value("str(wwwx.example.org),map_dom(doms.map)"), undefined);
  assert.equal(value("str(www.example.org),map_dom(doms.map)"), "other");
  assert.equal(value("str(img.example.com),map_end(ends.map)"), "ex");
  assert.equal(value("str(a.org.com),map_end(ends.map)"), "com");
  assert.equal(value("str(/img/a.png),map_reg(regs.map)"), "png");
  assert.equal(value("str(/img/a.gif),map_reg(regs.map)"), "img");
  assert.equal(value("str(/css/a.png),map_reg(regs.map)"), undefined);
});

test("map_int matches integer keys and ranges", () => {
  assert.equal(value("int(443),map_int(ports.map)"), "https");
  assert.equal(value("int(8080),map_int(ports.map)"), "alt");
  assert.equal(value("int(22),map_int(ports.map,other)"), "other");
  assert.equal(value("dst_port,map_int(ports.map)"), "http");
  assert.equal(value("str(80),map_int(ports.map)"), "http", "a string is cast");
});

test("map_ip takes the most specific network, IPv4 and IPv6", () => {
  const geo = (ip: string) => value("src,map_ip(nets.map)", { src: ip });
  assert.equal(geo("10.1.2.3"), "ten-one-two");
  assert.equal(geo("10.1.9.9"), "ten-one");
  assert.equal(geo("10.9.9.9"), "ten");
  assert.equal(geo("192.0.2.7"), "host", "a bare address is a /32");
  assert.equal(geo("192.0.2.8"), "any4");
  assert.equal(geo("::ffff:10.1.2.3"), "ten-one-two", "an IPv4-mapped address");
  assert.equal(geo("2001:db8:1::5"), "doc1");
  assert.equal(geo("2001:db8:2::5"), "doc");
  assert.equal(geo("2001:db9::1"), undefined);
  assert.equal(value("src,map_ip(nets.map)", { src: "" }), undefined);
});

test("_int and _ip outputs parse the values once, at load", () => {
  assert.equal(value("str(b),map_str_int(ints.map)"), -20);
  assert.equal(value("str(c),map_str_int(ints.map),add(1)"), 301);
  assert.equal(value("str(b),map_str_ip(ips.map)"), "2001:db8::1");
  assert.equal(value("src,map_ip_int(netints.map,7)", { src: "8.8.8.8" }), 7);
  assert.equal(value("src,map_ip_int(netints.map,7)", { src: "10.1.1.1" }), 1);
  assert.equal(value("str(lonely),map(keyonly.map)"), "", 'a key without value maps to ""');
  assert.equal(
    error("str(a),map_str_int(bad_int.map)"),
    `converter "map_str_int": map file value "two" (bad_int.map:2) is not an integer at column 20`,
  );
  assert.equal(
    error("str(a),map_str_ip(ints.map)"),
    `converter "map_str_ip": map file value "1" (ints.map:1) is not an IP address at column 19`,
  );
  assert.equal(
    error("str(a),map_str_int(ints.map,x)"),
    `converter "map_str_int": default value "x" is not an integer at column 29`,
  );
});

test("a bad key is an error naming the file and line, at the argument's column", () => {
  assert.equal(
    error("src,map_ip(bad_net.map)"),
    `converter "map_ip": map file pattern "nope" (bad_net.map:2) is not an IP address or ` +
      `network at column 12`,
  );
  assert.match(
    error("int(1),map_int(bad_int_key.map)"),
    /^converter "map_int": map file pattern "http" \(bad_int_key.map:2\) is not an integer.* 16$/,
  );
  assert.match(
    error("str(x),map_reg(bad_reg.map)"),
    /^converter "map_reg": map file pattern "\(\[a" \(bad_reg.map:1\) is not a valid regex: /,
  );
});

test("an unreadable map file is a config error at the file argument", () => {
  assert.equal(
    error("str(a),map_beg(none.map,x)"),
    `converter "map_beg": cannot read map file "none.map": ENOENT: no such file or ` +
      `directory, open 'none.map' at column 16`,
  );
  assert.match(error("str(a),map(/nonexistent/x.map)"), /cannot read map file "\/nonexistent/);
  assert.equal(
    error("str(a),map()"),
    `converter "map" takes 1 to 2 arguments (map_file, default_value), got 0 at column 8`,
  );
  assert.equal(
    error("str(a),map_bge(x.map)"),
    `unknown converter "map_bge" at column 8 (did you mean "map_beg"?)`,
  );
  assert.equal(
    error("src,map_str(hosts.map)"),
    `converter "map_str" expects a string but "src" gives an ip at column 5`,
  );
});

test("a map file is read once per options object, however many converters use it", () => {
  reads = [];
  const acls = compileAcls([
    "a str(x),map(hosts.map) -m found",
    "b str(y),map_beg(hosts.map) -m found",
    "c str(z),map(hosts.map,d) -m found",
  ], { ...options });
  assert.deepEqual(acls.errors, []);
  assert.deepEqual(reads, ["hosts.map"]);
});

test("baseDir resolves relative map and pattern paths; absolute ones stay", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-maps-"));
  try {
    writeFileSync(join(dir, "m.map"), "k v\n");
    writeFileSync(join(dir, "p.lst"), "x\n");
    const o: CompileOptions = { baseDir: dir };
    const r = compileSample("str(k),map(m.map)", o);
    assert.ok(r.ok);
    assert.equal(r.sample.value(l4Context()), "v");
    const abs = compileSample(`str(k),map(${join(dir, "m.map")})`, { baseDir: "/nowhere" });
    assert.ok(abs.ok);
    const { acls, errors } = compileAcls(["x str(x) -f p.lst", "y str(k) -M -f m.map"], o);
    assert.deepEqual(errors, []);
    assert.equal(acls.get("x")!.test(l4Context()), true);
    assert.equal(acls.get("y")!.test(l4Context()), true);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("ACL -M reads the next -f file as a map: its keys are the patterns", () => {
  const acl = (line: string) => {
    const { acls, errors } = compileAcls([`x ${line}`], options);
    assert.deepEqual(errors.map(formatRuleError), []);
    return (over = {}) => acls.get("x")!.test(l4Context(over));
  };
  assert.equal(acl("str(www.example.com) -M -f hosts.map")(), true);
  assert.equal(acl("str(be_www) -M -f hosts.map")(), false, "values are not patterns");
  assert.equal(acl("str(/api/v2/x) -M -m beg -f paths.map")(), true);
  assert.equal(acl("src -M -f nets.map")({ src: "10.2.3.4" }), true);
  assert.equal(acl("src -M -f nets.map")({ src: "2001:db9::1" }), false);
  assert.equal(acl("str(WWW.example.com) -i -M -f hosts.map")(), true, "-i applies");
  const { errors } = compileAcls(["x src -M -f none.map", "y src -f hosts.map -M"], options);
  assert.deepEqual(errors.map(formatRuleError), [
    `cannot read map file "none.map": ENOENT: no such file or directory, open 'none.map' ` +
    `at column 13`,
    `"-M" reads the -f file after it as a map: none follows at column 20`,
  ]);
});

test("the config layer checks nbsrv() names and resolves map files against baseDir", () => {
  const yaml = (rule: string) =>
    `frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    acl: ["${rule}"]
backends:
  app: { servers: [{ name: a1, address: "127.0.0.1:1" }] }
  api: {}
`;
  const bad = parseConfigText(yaml("down nbsrv(apix) lt 1"), "t.yaml");
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => [e.path, e.message]), [[
    "frontends.web.acl[0]",
    `fetch "nbsrv": unknown backend "apix" (did you mean "api"?) at column 12`,
  ]]);
  const srv = parseConfigText(yaml("busy srv_conn(app/a2) gt 9"), "t.yaml");
  assert.ok(!srv.ok);
  assert.match(srv.errors[0]!.message, /backend "app" has no server "a2" \(did you mean "a1"\?\)/);
  const ok = parseConfigText(yaml("x str(k),map(m.map) -m found"), "t.yaml");
  assert.ok(!ok.ok, "without baseDir the map is looked for in the working directory");
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-maps-"));
  try {
    writeFileSync(join(dir, "m.map"), "k v\n");
    const cfg = parseConfigText(yaml("down nbsrv(api) lt 1"), "t.yaml");
    assert.ok(cfg.ok);
    const config = { ...cfg.config };
    config.frontends = {
      web: { ...cfg.config.frontends.web!, acl: ["x str(k),map(m.map) -m found"] },
    };
    const r = compileFrontendRules(config, "web", { baseDir: dir });
    assert.deepEqual(r.issues, []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("rule actions find map files through the list's options: set-var, %[...] and useBackend", () => {
  const acls = new Map();
  const http = compileHttpRules(
    [
      "set-var(txn.be) str(/api/v2/x),map_beg(paths.map)",
      "set-header X-Be %[str(a),map(hosts.map,d)]",
    ],
    "request",
    acls,
    { mode: "http" },
    options,
  );
  assert.deepEqual(http.errors.map(formatRuleError), []);
  const ctx = l4Context();
  http.rules[0]!.run({ ctx } as HttpRuleTarget);
  assert.equal(ctx.vars.get("txn.be"), "api_v2");
  const be = compileBackendRules(
    ["%[str(example.com),map(hosts.map)]"],
    acls,
    ["be_static"],
    { mode: "http" },
    options,
  );
  assert.deepEqual(be.errors.map(formatRuleError), []);
  assert.equal(chooseBackend(be.rules, l4Context()), "be_static");
  const missing = compileHttpRules(
    ["set-var(txn.x) str(a),map(none.map)"],
    "request",
    acls,
    { mode: "http" },
    options,
  );
  assert.match(formatRuleError(missing.errors[0]!), /cannot read map file "none.map"/);
});
