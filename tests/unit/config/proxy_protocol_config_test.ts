/** PROXY protocol settings: acceptProxy on a bind, sendProxy/sendProxyV2 on a server, down to the plan. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";
import { planFromConfig } from "../../../src/plan/plan.ts";
import { makeCa } from "../../e2e/helpers/certs.ts";

const CONFIG = `frontends:
  web:
    bind: ["127.0.0.1:0", { address: "127.0.0.1:0", acceptProxy: true }]
    defaultBackend: app
backends:
  app:
    servers:
      - { name: a, address: "127.0.0.1:8001" }
      - { name: b, address: "127.0.0.1:8002", sendProxy: true }
      - { name: c, address: "127.0.0.1:8003", sendProxyV2: true }
      - { name: d, address: "127.0.0.1:8004", sendProxy: true, sendProxyV2: true }
`;

test("acceptProxy and sendProxy/sendProxyV2 are accepted and reach the plan", async () => {
  const r = parseConfigText(CONFIG, "t.yaml");
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const plan = await planFromConfig(r.config);
  assert.deepEqual(plan.frontends[0]!.binds, [
    { host: "127.0.0.1", port: 0 },
    { host: "127.0.0.1", port: 0, acceptProxy: true },
  ]);
  assert.deepEqual(
    plan.backends[0]!.servers.map((s) => [s.name, s.sendProxy, s.sendProxyV2]),
    [["a", undefined, undefined], ["b", true, undefined], ["c", undefined, true], [
      "d",
      true,
      true,
    ]],
  );
});

test("acceptProxy together with tls on one bind, and ssl with sendProxy(V2), reach the plan", async () => {
  const ca = makeCa();
  const site = ca.issue("site", "site.example");
  const r = parseConfigText(
    `frontends:
  web:
    bind:
      - address: "127.0.0.1:0"
        acceptProxy: true
        tls: { certificates: ["${site.pemFile}"], verify: required, caFile: "${ca.caFile}" }
    defaultBackend: app
backends:
  app:
    servers:
      - { name: a, address: "127.0.0.1:8443", ssl: true, sendProxyV2: true, caFile: "${ca.caFile}", sni: site.example }
      - { name: b, address: "127.0.0.1:8444", ssl: true, verify: none, sendProxy: true }
`,
    "t.yaml",
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const plan = await planFromConfig(r.config);
  const bind = plan.frontends[0]!.binds[0]!;
  assert.equal(bind.acceptProxy, true);
  assert.equal(bind.tls?.options.verify, "required");
  const [a, b] = plan.backends[0]!.servers;
  assert.deepEqual([a!.sendProxyV2, a!.tls?.sni, a!.tls?.verify], [
    true,
    { kind: "literal", name: "site.example" },
    "required",
  ]);
  assert.deepEqual([b!.sendProxy, b!.tls?.verify], [true, "none"]);
});
