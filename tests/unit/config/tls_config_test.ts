/** TLS settings in the config: bind certificates and CA files checked at load, server TLS fields, each error at its path. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { makeCa } from "../../e2e/helpers/certs.ts";

const ca = makeCa();
const site = ca.issue("site", "site.example");
const keyless = join(ca.dir, "keyless.pem");
writeFileSync(keyless, site.cert);

function errors(text: string): [number | undefined, string, string][] {
  const result = parseConfigText(text, "t.yaml");
  if (result.ok) assert.fail("expected the config to be refused");
  return result.errors.map((e: ConfigError) => [e.line, e.path, e.message]);
}

function accepted(text: string): void {
  const result = parseConfigText(text, "t.yaml");
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
}

const frontend = (tls: string) =>
  `frontends:
  web:
    bind:
      - "127.0.0.1:0"
      - address: "127.0.0.1:0"
        tls: ${tls}
    defaultBackend: app
backends:
  app: {}
`;

test("a TLS bind with readable certificates is accepted; minVersion defaults to TLSv1.2", () => {
  const text = frontend(
    `{ certificates: ["${site.pemFile}", { cert: "${site.certFile}", key: "${site.keyFile}" }] }`,
  );
  accepted(text);
  const r = parseConfigText(text, "t.yaml");
  assert.ok(r.ok);
  assert.equal(r.config.frontends.web!.bind[1]!.tls!.minVersion, "TLSv1.2");
});

test("a certificate without its key is refused at its entry, naming the file", () => {
  assert.deepEqual(
    errors(frontend(`{ certificates: ["${site.pemFile}", "${keyless}"] }`)),
    [[6, "frontends.web.bind[1].tls.certificates[1]", `no private key in ${keyless}`]],
  );
});

test("verify optional or required needs a caFile; a caFile must hold certificates", () => {
  assert.deepEqual(errors(frontend(`{ certificates: ["${site.pemFile}"], verify: required }`)), [
    [
      6,
      "frontends.web.bind[1].tls.verify",
      "verify required needs a caFile (the CAs client certificates must chain to)",
    ],
  ]);
  const bad = errors(
    frontend(`{ certificates: ["${site.pemFile}"], verify: optional, caFile: "${site.keyFile}" }`),
  );
  assert.equal(bad.length, 1);
  assert.equal(bad[0]![1], "frontends.web.bind[1].tls.caFile");
  assert.match(bad[0]![2], /^no certificate \(BEGIN CERTIFICATE block\) in /);
});

test("maxVersion older than minVersion is refused", () => {
  const e = errors(
    frontend(`{ certificates: ["${site.pemFile}"], minVersion: TLSv1.3, maxVersion: TLSv1.2 }`),
  );
  assert.deepEqual(e, [[
    6,
    "frontends.web.bind[1].tls.maxVersion",
    "maxVersion TLSv1.2 is older than minVersion TLSv1.3",
  ]]);
});

const backend = (server: string) =>
  `frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - ${server}
`;

test("server TLS fields: ssl with verify, caFile, sni, alpn, crt are accepted", () => {
  accepted(
    backend(
      `{ name: s1, address: "10.0.0.1:443", ssl: true, caFile: "${ca.caFile}", sni: ssl_fc_sni, alpn: [http/1.1], crt: "${site.pemFile}", checkSsl: true }`,
    ),
  );
  accepted(
    backend(`{ name: s1, address: "10.0.0.1:443", ssl: true, verify: none, sni: api.internal }`),
  );
});

test("server TLS fields without ssl, a bad sni, an unreadable crt are refused at their path", () => {
  assert.deepEqual(errors(backend(`{ name: s1, address: "10.0.0.1:443", verify: none }`)), [
    [
      6,
      "backends.app.servers[0].verify",
      '"verify" applies to TLS connections: set "ssl: true" (or checkSsl) on server "s1"',
    ],
  ]);
  const sni = errors(
    backend(`{ name: s1, address: "10.0.0.1:443", ssl: true, sni: "req.cookie(x)" }`),
  );
  assert.deepEqual(sni, [[
    6,
    "backends.app.servers[0].sni",
    'unknown fetch "req.cookie" at column 1 (did you mean "req.cook"?)',
  ]]);
  const crt = errors(
    backend(`{ name: s1, address: "10.0.0.1:443", ssl: true, crt: "${keyless}" }`),
  );
  assert.deepEqual(crt, [[6, "backends.app.servers[0].crt", `no private key in ${keyless}`]]);
});

const httpBackend = (server: string) =>
  `frontends:
  web: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app }
backends:
  app:
    mode: http
    servers:
      - ${server}
`;

test("server sni expressions: fetches and converters of the rules engine, checked for the mode", () => {
  for (const sni of ["req.hdr(host),field(1,:),lower", "var(txn.sni)", "ssl_fc_sni", "str(a.b)"]) {
    accepted(httpBackend(`{ name: s1, address: "10.0.0.1:443", ssl: true, sni: "${sni}" }`));
  }
  const conv = errors(
    httpBackend(`{ name: s1, address: "10.0.0.1:443", ssl: true, sni: "req.hdr(host),lowr" }`),
  );
  assert.deepEqual(conv, [[
    7,
    "backends.app.servers[0].sni",
    'unknown converter "lowr" at column 15 (did you mean "lower"?)',
  ]]);
  const tcp = errors(
    backend(`{ name: s1, address: "10.0.0.1:443", ssl: true, sni: req.hdr(host) }`),
  );
  assert.equal(tcp.length, 1);
  assert.equal(tcp[0]![1], "backends.app.servers[0].sni");
  assert.match(tcp[0]![2], /"req\.hdr" is an HTTP fetch; not allowed in the sni of a tcp-mode/);
});
