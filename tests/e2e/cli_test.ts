/** End-to-end tests of the tsproxy command line under Deno and Bun: check, schema, version, run. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "cli.ts");
const DENO_FLAGS = ["--allow-read", "--allow-env", "--allow-sys", "--allow-net"];

function bin(name: string): string {
  const local = join(ROOT, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
}

const RUNTIMES: Record<string, string[]> = {
  deno: [bin("deno"), "run", ...DENO_FLAGS, CLI],
  bun: [bin("bun"), CLI],
};
// scripts/test.sh builds the single-file binary first; test it too when it is there.
const BINARY = join(ROOT, "dist", "tsproxy");
if (existsSync(BINARY)) RUNTIMES["binary"] = [BINARY];
/** The runtime `version` reports for each way of running. */
const RUNTIME_NAME: Record<string, string> = { deno: "deno", bun: "bun", binary: "bun" };

const dir = mkdtempSync(join(tmpdir(), "tsproxy-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function cli(runtime: string, ...args: string[]) {
  const [cmd, ...pre] = RUNTIMES[runtime]!;
  const r = spawnSync(cmd!, [...pre, ...args], { encoding: "utf8", cwd: ROOT, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = file(
  "good.yaml",
  `frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers: [{ name: a, address: "127.0.0.1:9" }]
`,
);

const BROKEN = file(
  "broken.yaml",
  `global:
  hardStopAfter: 5x
frontends:
  web:
    bind: ["foo"]
    defaultBackend: app
    colour: blue
backends:
  app:
    servers:
      - { name: a, address: "127.0.0.1:0", weight: 999 }
`,
);

/** One error of each family, each on its own line: check must list all of them in one run. */
const EVERY_FAMILY = file(
  "every-family.yaml",
  `defaults:
  mode: http
frontends:
  web:
    bind: "127.0.0.1:18080"
    defaultBackend: nope
    acl: ["odd foo_bar /x"]
  api:
    bind: ["127.0.0.1:18080"]
    defaultBackend: raw
  legacy:
    bind: "127.0.0.1:18081"
    default_backend: app
backends:
  app:
    servers:
      - { name: a, address: "10.0.0.1" }
  dup:
    servers:
      - { name: s1, address: "127.0.0.1:1" }
      - { name: s1, address: "127.0.0.1:2" }
  raw:
    mode: tcp
    balance: uri
`,
);

for (const runtime of Object.keys(RUNTIMES)) {
  test(`${runtime}: check accepts a valid config`, () => {
    const r = cli(runtime, "check", "-c", GOOD);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "configuration is valid\n");
    assert.equal(cli(runtime, "check", "--config", GOOD).code, 0);
  });

  test(`${runtime}: check lists every error with file, line and path`, () => {
    const r = cli(runtime, "check", "-c", BROKEN);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.deepEqual(r.stderr.trimEnd().split("\n"), [
      `${BROKEN}:2: global.hardStopAfter: Cannot parse duration "5x": unknown unit "x"`,
      `${BROKEN}:5: frontends.web.bind[0]: expected host:port, got "foo"`,
      `${BROKEN}:7: frontends.web.colour: unknown key "colour"`,
      `${BROKEN}:11: backends.app.servers[0].address: port 0 in "127.0.0.1:0" is out of range 1-65535`,
      `${BROKEN}:11: backends.app.servers[0].weight: must be at most 256, got 999`,
    ]);
  });

  test(`${runtime}: check lists schema, rule and cross-check errors together in one run`, () => {
    const r = cli(runtime, "check", "-c", EVERY_FAMILY);
    assert.equal(r.code, 1);
    const at = (line: number, rest: string) => `${EVERY_FAMILY}:${line}: ${rest}`;
    assert.deepEqual(r.stderr.trimEnd().split("\n"), [
      at(6, `frontends.web.defaultBackend: unknown backend "nope" (known: dup, raw, app)`),
      at(7, `frontends.web.acl[0]: unknown fetch "foo_bar" at column 5`),
      at(9, `frontends.api.bind[0]: address 127.0.0.1:18080 is already bound by frontend "web"`),
      at(
        10,
        `frontends.api.defaultBackend: frontend "api" is in http mode but its default backend ` +
          `"raw" is in tcp mode`,
      ),
      at(
        13,
        `frontends.legacy.default_backend: unknown key "default_backend": did you mean "defaultBackend"?`,
      ),
      at(17, `backends.app.servers[0].address: expected host:port, got "10.0.0.1"`),
      at(21, `backends.dup.servers[1].name: duplicate server name "s1" (also servers[0])`),
      at(24, `backends.raw.balance: balance uri needs http mode but backend "raw" is in tcp mode`),
    ]);
  });

  test(`${runtime}: check reports cross-check errors and unreadable files`, () => {
    const cross = file(
      `cross-${runtime}.json`,
      JSON.stringify(
        { frontends: { web: { bind: ["127.0.0.1:0"], defaultBackend: "nope" } } },
        null,
        2,
      ),
    );
    const r = cli(runtime, "check", "-c", cross);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /:7: frontends\.web\.defaultBackend: unknown backend "nope"/);
    const missing = cli(runtime, "check", "-c", join(dir, "missing.yaml"));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /missing\.yaml: cannot read the file/);
  });

  test(`${runtime}: schema prints the JSON Schema`, () => {
    const r = cli(runtime, "schema");
    assert.equal(r.code, 0, r.stderr);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
    assert.ok("frontends" in schema.properties);
    assert.ok("backends" in schema.properties);
  });

  test(`${runtime}: version names tsproxy and the runtime`, () => {
    const r = cli(runtime, "version");
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^tsproxy 0\\.1\\.0 \\(${RUNTIME_NAME[runtime]} \\d+\\.\\d+\\.\\d+\\S*\\)\\n$`),
    );
  });

  test(`${runtime}: usage errors exit 2, help exits 0`, () => {
    const unknown = cli(runtime, "frobnicate");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.match(unknown.stderr, /Usage: tsproxy <command>/);
    assert.equal(cli(runtime).code, 2);
    assert.equal(cli(runtime, "check").code, 2);
    assert.equal(cli(runtime, "check", "--bogus").code, 2);
    const help = cli(runtime, "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Commands:/);
    const runHelp = cli(runtime, "run", "-h");
    assert.equal(runHelp.code, 0);
    assert.match(runHelp.stdout, /Usage: tsproxy run -c FILE/);
  });

  test(`${runtime}: run logs each bind, stops on SIGTERM`, async () => {
    const [cmd, ...pre] = RUNTIMES[runtime]!;
    const child = spawn(cmd!, [...pre, "run", "-c", GOOD], { cwd: ROOT });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    try {
      const port = await waitFor(() =>
        /frontend web listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]
      );
      assert.ok(Number(port) > 0);
      // process.kill, not child.kill: Deno's child.kill makes "exit" report the signal, not the code.
      process.kill(child.pid!, "SIGTERM");
      assert.equal(await exited, 0);
      assert.match(stdout, /^\S+Z INFO tsproxy·cli: frontend web listening on/m);
      assert.match(stdout, /INFO tsproxy·cli: stopped$/m);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  test(`${runtime}: run exits 1 naming the address it cannot bind`, async () => {
    const holder = await listen();
    try {
      const port = (holder.address() as { port: number }).port;
      const config = file(
        `taken-${runtime}.yaml`,
        `frontends:\n  web: { bind: ["127.0.0.1:${port}"], defaultBackend: app }\nbackends:\n  app: {}\n`,
      );
      const r = await runAsync(runtime, "run", "-c", config);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^tsproxy: cannot bind 127\\.0\\.0\\.1:${port}`, "m"));
      assert.equal((await runAsync(runtime, "run", "-c", BROKEN)).code, 1);
    } finally {
      holder.close();
    }
  });
}

/** Like `cli` but without blocking the event loop (the test process holds a listening socket). */
function runAsync(runtime: string, ...args: string[]) {
  const [cmd, ...pre] = RUNTIMES[runtime]!;
  const child = spawn(cmd!, [...pre, ...args], { cwd: ROOT });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr }))
  );
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function waitFor<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${ms}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
