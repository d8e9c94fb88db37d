/** alpn lists and proto h2: h2 passes on binds and servers; HTTP/2 servers refuse send-proxy and TCP mode, each at its path. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { makeCa } from "../../e2e/helpers/certs.ts";

const site = makeCa().issue("site", "site.example");

function config(bindAlpn: string, serverAlpn: string): string {
  return `frontends:
  web:
    bind:
      - address: "127.0.0.1:0"
        tls: { certificates: ["${site.pemFile}"], alpn: ${bindAlpn} }
    defaultBackend: app
backends:
  app:
    servers:
      - { name: s1, address: "127.0.0.1:8080", ssl: true, verify: none, alpn: ${serverAlpn} }
`;
}

function errors(text: string): [string, string][] {
  const result = parseConfigText(text, "t.yaml");
  if (result.ok) return [];
  return result.errors.map((e: ConfigError) => [e.path, e.message]);
}

test("alpn: h2 passes on a TLS bind and on a server (which then speaks HTTP/2)", () => {
  assert.deepEqual(errors(config("[h2, http/1.1]", "[H2]")), []);
  assert.deepEqual(errors(config("[h2, http/1.1]", "[h2, http/1.1]")), []);
});

function h2Server(mode: string, server: string): string {
  return `defaults: { mode: ${mode} }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - ${server}
`;
}

test("proto h2: accepted in HTTP mode; refused in TCP mode and with send-proxy, at the key", () => {
  assert.deepEqual(
    errors(h2Server("http", `{ name: s1, address: "127.0.0.1:8080", proto: h2 }`)),
    [],
  );
  const tcp = errors(h2Server("tcp", `{ name: s1, address: "127.0.0.1:8080", proto: h2 }`));
  assert.deepEqual(tcp.map(([p]) => p), ["backends.app.servers[0].proto"]);
  assert.match(tcp[0]![1], /proto h2 needs an HTTP backend/);
  const proxied = errors(
    h2Server("http", `{ name: s1, address: "127.0.0.1:8080", proto: h2, sendProxyV2: true }`),
  );
  assert.deepEqual(proxied.map(([p]) => p), ["backends.app.servers[0].sendProxyV2"]);
  assert.match(proxied[0]![1], /cannot start with one client's PROXY header/);
  const viaAlpn = errors(h2Server(
    "http",
    `{ name: s1, address: "127.0.0.1:8080", ssl: true, verify: none, alpn: [h2], sendProxy: true }`,
  ));
  assert.deepEqual(viaAlpn.map(([p]) => p), ["backends.app.servers[0].sendProxy"]);
  assert.deepEqual(
    errors(h2Server("http", `{ name: s1, address: "127.0.0.1:8080", proto: h3 }`)).length,
    1,
  );
});

test("alpn: http/1.1 alone passes on both sides", () => {
  assert.deepEqual(errors(config("[http/1.1]", "[http/1.1]")), []);
});
