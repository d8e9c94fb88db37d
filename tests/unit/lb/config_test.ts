/** The `balance`, `hashType` and `hashBalanceFactor` settings through the config loader and cross-checks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { effective, parseConfigText } from "../../../src/config/mod.ts";

/** A config whose backend section starts at line 6 with `backend` (indented 4). */
function config(backend: string, defaults = "defaults: {}"): ReturnType<typeof parseConfigText> {
  return parseConfigText(
    `${defaults}
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
${backend}
    servers: [{ name: a, address: "127.0.0.1:9000" }]
`,
    "t.yaml",
  );
}

function errors(
  result: ReturnType<typeof parseConfigText>,
): [number | undefined, string, string][] {
  if (result.ok) assert.fail("expected the config to be refused");
  return result.errors.map((e) => [e.line, e.path, e.message]);
}

test("config: balance is parsed into a spec; effective() carries it with the hash settings", () => {
  const result = config(
    "    mode: http\n    balance: uri len 20 depth 3 whole\n    hashType: consistent\n" +
      "    hashBalanceFactor: 150",
    "defaults: { mode: http }",
  );
  assert.ok(result.ok, result.ok ? "" : result.errors[0]?.message);
  const be = effective(result.config).backends[0]!;
  assert.equal(be.balance, "uri");
  assert.deepEqual(be.balanceSpec, {
    name: "uri",
    len: 20,
    depth: 3,
    whole: true,
    pathOnly: false,
  });
  assert.equal(be.hashType, "consistent");
  assert.equal(be.hashBalanceFactor, 150);
});

test("config: a backend inherits balance and hash settings from defaults", () => {
  const result = config("    retries: 1", "defaults: { balance: source, hashType: consistent }");
  assert.ok(result.ok);
  const be = effective(result.config).backends[0]!;
  assert.deepEqual([be.balanceSpec, be.hashType, be.hashBalanceFactor], [
    { name: "source" },
    "consistent",
    0,
  ]);
});

test("config: a bad balance line is refused at its path and line, naming the word", () => {
  assert.deepEqual(errors(config("    balance: uri depth deep")), [
    [6, "backends.app.balance", 'uri: "depth" needs a whole number of at least 1, got "deep"'],
  ]);
  assert.deepEqual(errors(config("    balance: 3")), [
    [
      6,
      "backends.app.balance",
      "expected a balance algorithm such as roundrobin, leastconn or uri depth 2",
    ],
  ]);
});

test("config: hashType and hashBalanceFactor take only their values", () => {
  const e = errors(config("    hashType: ring\n    hashBalanceFactor: 50"));
  assert.deepEqual(e.map(([line, path]) => [line, path]), [
    [6, "backends.app.hashType"],
    [7, "backends.app.hashBalanceFactor"],
  ]);
  assert.equal(e[1]![2], "expected 0 (off) or a percentage of at least 100");
});

test("crossCheck: an algorithm that needs HTTP is refused on a TCP backend", () => {
  assert.deepEqual(errors(config("    balance: hdr(host)")), [
    [6, "backends.app.balance", 'balance hdr needs http mode but backend "app" is in tcp mode'],
  ]);
  assert.deepEqual(errors(config("    balance: hash path")), [
    [6, "backends.app.balance", 'balance hash needs http mode but backend "app" is in tcp mode'],
  ]);
  assert.ok(config("    balance: hash src").ok, "hash src needs only the address");
  assert.ok(config("    balance: source").ok);
});

test("crossCheck: hashBalanceFactor on a hash-based backend needs hashType consistent", () => {
  assert.deepEqual(errors(config("    balance: source\n    hashBalanceFactor: 150")), [
    [
      7,
      "backends.app.hashBalanceFactor",
      'hashBalanceFactor 150 needs hashType consistent but backend "app" hashes map-based',
    ],
  ]);
  assert.ok(config("    balance: roundrobin\n    hashBalanceFactor: 150").ok, "not hash-based");
  assert.ok(config("    balance: source\n    hashType: consistent\n    hashBalanceFactor: 150").ok);
});

test("config: hashFunction takes HAProxy's functions and modifier, inherited from defaults", () => {
  const own = config("    hashFunction: djb2 avalanche", "defaults: { hashFunction: sdbm }");
  assert.ok(own.ok);
  assert.equal(effective(own.config).backends[0]!.hashFunction, "djb2 avalanche");
  const inherited = config("    retries: 1", "defaults: { hashFunction: crc32 }");
  assert.ok(inherited.ok);
  assert.equal(effective(inherited.config).backends[0]!.hashFunction, "crc32");
  const plain = config("    retries: 1");
  assert.ok(plain.ok);
  assert.equal(effective(plain.config).backends[0]!.hashFunction, "fnv1a", "tsproxy's by default");
  assert.deepEqual(errors(config("    hashFunction: md5")).map(([line, path]) => [line, path]), [
    [6, "backends.app.hashFunction"],
  ]);
});

test("config: a server's slowstart is a duration in milliseconds", () => {
  const result = parseConfigText(
    `frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers: [{ name: a, address: "127.0.0.1:9000", check: true, slowstart: 30s }]
`,
    "t.yaml",
  );
  assert.ok(result.ok, result.ok ? "" : result.errors[0]?.message);
  assert.equal(result.config.backends["app"]!.servers[0]!.slowstart, 30_000);
  const bad = parseConfigText(
    `backends:\n  app:\n    servers: [{ name: a, address: "127.0.0.1:9000", slowstart: soon }]\n`,
    "t.yaml",
  );
  assert.ok(!bad.ok && bad.errors[0]!.path === "backends.app.servers[0].slowstart");
});
