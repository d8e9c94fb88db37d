/** Tests for the health check config: schema keys, defaults, inheritance, errors with paths. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPlans } from "../../../src/plan/checks.ts";
import { type Config, effective, parseConfigText } from "../../../src/config/mod.ts";

function valid(text: string): Config {
  const result = parseConfigText(text, "t.yaml");
  if (!result.ok) {
    assert.fail(result.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`).join("\n"));
  }
  return result.config;
}

function errors(text: string): string[] {
  const result = parseConfigText(text, "t.yaml");
  if (result.ok) assert.fail("the config was accepted");
  return result.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`);
}

const FE = `
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
`;

test("checkPlans() takes only servers with check: true, with HAProxy's defaults", () => {
  const config = valid(
    FE + `
backends:
  app:
    servers:
      - { name: a, address: "10.0.0.1:80", check: true }
      - { name: b, address: "10.0.0.2:80" }
`,
  );
  assert.deepEqual(checkPlans(effective(config).backends), [{
    backend: "app",
    server: "a",
    host: "10.0.0.1",
    port: 80,
    rise: 2,
    fall: 3,
    inter: 2000,
    fastinter: 2000,
    downinter: 2000,
    connectTimeout: 5000,
    checkTimeout: null,
    http: null,
  }]);
});

test("checkPlans() applies inter, fastinter, downinter, rise, fall, addr, port and timeouts", () => {
  const config = valid(
    FE + `
defaults: { timeout: { connect: 1s, check: 700ms } }
backends:
  app:
    timeout: { connect: 300ms }
    servers:
      - name: a
        address: "10.0.0.1:80"
        check: true
        inter: 1s
        fastinter: 100ms
        downinter: 5s
        rise: 4
        fall: 1
        addr: "::1"
        port: 8081
`,
  );
  const [p] = checkPlans(effective(config).backends);
  assert.deepEqual(
    { ...p, http: undefined },
    {
      backend: "app",
      server: "a",
      host: "::1",
      port: 8081,
      rise: 4,
      fall: 1,
      inter: 1000,
      fastinter: 100,
      downinter: 5000,
      connectTimeout: 300,
      checkTimeout: 700,
      http: undefined,
    },
  );
});

test("httpCheck fills HAProxy's defaults and parses expect; a backend's replaces the defaults'", () => {
  const config = valid(
    FE + `
defaults:
  httpCheck: { uri: /from-defaults }
backends:
  app:
    httpCheck:
      method: GET
      uri: /health
      version: HTTP/1.1
      headers: { Host: app.example }
      expect: "! rstatus ^5"
    servers: [{ name: a, address: "10.0.0.1:80", check: true }]
  other:
    servers: [{ name: b, address: "10.0.0.2:80", check: true }]
`,
  );
  const [app, other] = checkPlans(effective(config).backends);
  assert.equal(app?.http?.method, "GET");
  assert.equal(app?.http?.uri, "/health");
  assert.equal(app?.http?.version, "HTTP/1.1");
  assert.deepEqual(app?.http?.headers, { Host: "app.example" });
  assert.equal(app?.http?.expect.kind, "rstatus");
  assert.equal(app?.http?.expect.negate, true);
  assert.deepEqual(other?.http, {
    method: "OPTIONS",
    uri: "/from-defaults",
    version: "HTTP/1.0",
    headers: {},
    expect: { kind: "status", negate: false, ranges: [[200, 399]] },
  });
});

test("effective() leaves httpCheck and timeout.check out when unset", () => {
  const config = valid(
    FE + `
backends:
  app: { servers: [{ name: a, address: "10.0.0.1:80" }] }
`,
  );
  const [be] = effective(config).backends;
  assert.equal("httpCheck" in be!, false);
  assert.equal("check" in be!.timeout, false);
});

test("bad check settings are refused with their path and line", () => {
  const got = errors(
    FE + `
backends:
  app:
    httpCheck: { expect: "status 2xx", method: FETCH }
    servers:
      - { name: a, address: "10.0.0.1:80", check: true, rise: 0, inter: 0, addr: "not an address", port: 70000 }
`,
  );
  const text = got.join("\n");
  assert.match(
    text,
    /^7: backends\.app\.httpCheck\.expect: http-check expect status: expected status codes .*"2xx"/m,
  );
  assert.match(
    text,
    /^7: backends\.app\.httpCheck\.method: expected "OPTIONS" or .* got "FETCH"$/m,
  );
  assert.match(text, /^9: backends\.app\.servers\[0\]\.rise: must be at least 1, got 0$/m);
  assert.match(
    text,
    /^9: backends\.app\.servers\[0\]\.inter: expected a duration of at least 1ms$/m,
  );
  assert.match(
    text,
    /^9: backends\.app\.servers\[0\]\.addr: expected an IPv4 or IPv6 address or a host name$/m,
  );
  assert.match(text, /^9: backends\.app\.servers\[0\]\.port: must be at most 65535, got 70000$/m);
});
