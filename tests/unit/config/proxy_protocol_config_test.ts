/** PROXY protocol settings: acceptProxy on a bind, sendProxy/sendProxyV2 on a server, down to the plan. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";
import { planFromConfig } from "../../../src/proxy/plan.ts";

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

test("acceptProxy together with tls on one bind is refused as not supported yet", () => {
  const r = parseConfigText(
    `frontends:
  web:
    bind:
      - address: "127.0.0.1:0"
        acceptProxy: true
        tls: { certificates: [/etc/ssl/site.pem] }
    defaultBackend: app
backends:
  app: {}
`,
    "t.yaml",
  );
  assert.ok(!r.ok);
  const mine = r.errors.find((e) => e.path === "frontends.web.bind[0].acceptProxy");
  assert.ok(mine, JSON.stringify(r.errors));
  assert.equal(mine.line, 5);
  assert.match(mine.message, /"acceptProxy" together with "tls" on a bind is not supported yet/);
});
