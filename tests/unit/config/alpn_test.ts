/** alpnList: `h2` in a bind's or a server's alpn is refused at its path until HTTP/2 is wired; other names pass. */
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

test("alpn: h2 on a TLS bind and on a server is refused with its path", () => {
  const got = errors(config("[h2, http/1.1]", "[H2]"));
  assert.equal(got.length, 2, JSON.stringify(got));
  const paths = got.map(([p]) => p).sort();
  assert.deepEqual(paths, ["backends.app.servers[0].alpn[0]", "frontends.web.bind[0].tls.alpn[0]"]);
  for (const [, message] of got) assert.match(message, /h2 is not supported yet/);
});

test("alpn: http/1.1 alone passes on both sides", () => {
  assert.deepEqual(errors(config("[http/1.1]", "[http/1.1]")), []);
});
