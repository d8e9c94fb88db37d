/** Tests for the config schema: defaults, inheritance, strictness, per-field rules. */
import { DEFAULT_RETRY_ON } from "../../../src/backend/retry.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Config, effective, parseConfigText } from "../../../src/config/mod.ts";

function valid(text: string): Config {
  const result = parseConfigText(text, "t.yaml");
  if (!result.ok) {
    assert.fail(result.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`).join("\n"));
  }
  return result.config;
}

const MINIMAL = `
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers: [{ name: a, address: "127.0.0.1:9000" }]
`;

test("parseConfigText() fills global and defaults", () => {
  const config = valid(MINIMAL);
  assert.deepEqual(config.global, {
    maxconn: 10000,
    hardStopAfter: 30_000,
    workers: 1,
    log: "stdout",
    tune: {
      bufsize: 16384,
      maxRequestLine: 8192,
      maxHeaders: 100,
      h2: {
        maxConcurrentStreams: 100,
        maxHeaderListSize: 65536,
        initialWindowSize: 65535,
        connectionWindowSize: 1048576,
        maxFrameSize: 16384,
        headerTableSize: 4096,
        glitchesThreshold: 1000,
        maxContinuationFrames: 64,
        maxQueuedControlFrames: 1000,
      },
    },
  });
  assert.deepEqual(config.defaults, {
    mode: "tcp",
    balance: { name: "roundrobin" },
    hashType: "map-based",
    hashFunction: "fnv1a",
    hashBalanceFactor: 0,
    retries: 3,
    redispatch: 1,
    maxconn: 2000,
    timeout: {
      connect: 5000,
      client: 30_000,
      server: 30_000,
      httpRequest: 10_000,
      httpKeepAlive: 10_000,
      tunnel: 3_600_000,
    },
    httpReuse: "safe",
    poolMaxConn: 1024,
    poolPurgeDelay: 5000,
  });
});

test("parseConfigText() fills server defaults and parses addresses", () => {
  const server = valid(MINIMAL).backends["app"]?.servers[0];
  assert.deepEqual(server, {
    name: "a",
    address: { host: "127.0.0.1", port: 9000 },
    weight: 1,
    backup: false,
    disabled: false,
  });
});

test("effective() merges defaults into frontends and backends", () => {
  const config = valid(`
defaults: { mode: http, retries: 1, timeout: { connect: 1s, client: 2s }, forwardfor: true }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app, maxconn: 10, log: json }
  api:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    timeout: { client: 1m, httpRequest: 3s, tarpit: 4s }
    forwardfor: { except: 10.0.0.0/8 }
    httpConnectionMode: httpclose
    errorfiles: { "503": /tmp/503.http }
backends:
  app: { retries: 5, timeout: { server: 250ms } }
`);
  const eff = effective(config);
  const http = {
    forwardedProto: false,
    forwarded: false,
    via: null,
    acceptConnect: false,
  };
  assert.deepEqual(eff.frontends, [
    {
      name: "web",
      bind: [{ host: "127.0.0.1", port: 0 }],
      mode: "http",
      defaultBackend: "app",
      maxconn: 10,
      rateLimitSessions: 0,
      timeout: {
        client: 2000,
        httpRequest: 10_000,
        httpKeepAlive: 10_000,
        tunnel: 3_600_000,
        tarpit: 1000, // unset: timeout connect, as HAProxy
      },
      httpConnectionMode: "http-keep-alive",
      forwardfor: { header: "X-Forwarded-For" },
      errorfiles: {},
      log: "json",
      ...http,
    },
    {
      name: "api",
      bind: [{ host: "127.0.0.1", port: 0 }],
      mode: "http",
      defaultBackend: "app",
      maxconn: 2000,
      rateLimitSessions: 0,
      timeout: {
        client: 60_000,
        httpRequest: 3000,
        httpKeepAlive: 10_000,
        tunnel: 3_600_000,
        tarpit: 4000,
      },
      httpConnectionMode: "httpclose",
      forwardfor: { header: "X-Forwarded-For", except: "10.0.0.0/8" },
      errorfiles: { "503": "/tmp/503.http" },
      log: "httplog",
      ...http,
    },
  ]);
  assert.deepEqual(eff.backends, [{
    name: "app",
    mode: "http",
    balance: "roundrobin",
    balanceSpec: { name: "roundrobin" },
    hashType: "map-based",
    hashFunction: "fnv1a",
    hashBalanceFactor: 0,
    retries: 5,
    retryOn: DEFAULT_RETRY_ON,
    redispatch: 1,
    allBackups: false,
    timeout: { connect: 1000, server: 250, queue: 1000, tarpit: 1000 },
    httpReuse: "safe",
    poolMaxConn: 1024,
    poolPurgeDelay: 5000,
    servers: [],
  }]);
  assert.equal(eff.global.maxconn, 10000);
});

test("parseConfigText() accepts the documented example", () => {
  const config = valid(`
global:   { maxconn: 10000, hardStopAfter: 30s }
defaults: { mode: tcp, retries: 3, maxconn: 2000, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  db_in: { bind: ["127.0.0.1:7000", "127.0.0.1:7010"], mode: tcp, defaultBackend: db, maxconn: 500, timeout: { client: 10s } }
backends:
  db:
    mode: tcp
    balance: roundrobin
    retries: 3
    timeout: { connect: 2s, server: 1m }
    servers:
      - { name: s1, address: "127.0.0.1:7001", weight: 3 }
      - { name: s2, address: "127.0.0.1:7002", maxconn: 100, backup: false, disabled: false }
`);
  assert.equal(config.backends["db"]?.timeout?.server, 60_000);
  assert.equal(config.backends["db"]?.servers[1]?.maxconn, 100);
  assert.equal(config.frontends["db_in"]?.bind.length, 2);
});

test("parseConfigText() reports unknown keys with their path and line", () => {
  const result = parseConfigText(
    `frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    colour: blue
backends:
  app: { servers: [], balanse: roundrobin }
`,
    "t.yaml",
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.errors.map((e) => [e.line, e.path, e.message]), [
    [5, "frontends.web.colour", 'unknown key "colour"'],
    [7, "backends.app.balanse", 'unknown key "balanse": did you mean "balance"?'],
  ]);
});

test("parseConfigText() checks ranges of weight, maxconn and retries", () => {
  const result = parseConfigText(
    `frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app, maxconn: 0 }
backends:
  app:
    retries: -1
    servers:
      - { name: a, address: "127.0.0.1:1", weight: 257 }
      - { name: b, address: "127.0.0.1:2", weight: 1.5, maxconn: 0 }
`,
    "t.yaml",
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.errors.map((e) => [e.line, e.path]), [
    [2, "frontends.web.maxconn"],
    [5, "backends.app.retries"],
    [7, "backends.app.servers[0].weight"],
    [8, "backends.app.servers[1].weight"],
    [8, "backends.app.servers[1].maxconn"],
  ]);
});

test("parseConfigText() accepts weight 0 and a backend without servers", () => {
  const config = valid(`
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [{ name: a, address: "127.0.0.1:1", weight: 0 }] }
  spare: {}
`);
  assert.equal(config.backends["app"]?.servers[0]?.weight, 0);
  assert.deepEqual(config.backends["spare"]?.servers, []);
});

test("parseConfigText() refuses HTTP settings out of their domain, with paths", () => {
  const result = parseConfigText(
    `defaults:
  forwardfor: { except: 10.0.0.0/99 }
  httpConnectionMode: sometimes
  errorfiles: { "999": /x }
global:
  tune: { bufsize: 10 }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app, log: loud }
backends:
  app: { httpReuse: aggressive }
`,
    "t.yaml",
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  const paths = result.errors.map((e) => e.path);
  for (
    const p of [
      "defaults.forwardfor",
      "defaults.httpConnectionMode",
      "global.tune.bufsize",
      "frontends.web.log",
      "backends.app.httpReuse",
    ]
  ) {
    assert.ok(paths.some((x) => x.startsWith(p)), `no error at ${p}: ${paths.join(", ")}`);
  }
  assert.ok(paths.some((x) => x.startsWith("defaults.errorfiles")), paths.join(", "));
});

test("parseConfigText() takes global.workers as a count or auto, and refuses 0", () => {
  assert.equal(valid(`global: { workers: 4 }\n${MINIMAL}`).global.workers, 4);
  assert.equal(valid(`global: { workers: auto }\n${MINIMAL}`).global.workers, "auto");
  const r = parseConfigText(`global: { workers: 0 }\n${MINIMAL}`, "t.yaml");
  assert.equal(r.ok, false);
});
