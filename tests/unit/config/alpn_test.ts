/** alpn lists: `h2` passes on a bind (the frontend speaks HTTP/2), is refused at its path on a server; other names pass. */
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

test("alpn: h2 on a TLS bind passes; on a server it is refused with its path", () => {
  const got = errors(config("[h2, http/1.1]", "[H2]"));
  assert.equal(got.length, 1, JSON.stringify(got));
  assert.equal(got[0]![0], "backends.app.servers[0].alpn[0]");
  assert.match(got[0]![1], /h2 is not supported yet on server connections/);
  assert.deepEqual(errors(config("[h2, http/1.1]", "[http/1.1]")), []);
});

test("alpn: http/1.1 alone passes on both sides", () => {
  assert.deepEqual(errors(config("[http/1.1]", "[http/1.1]")), []);
});
