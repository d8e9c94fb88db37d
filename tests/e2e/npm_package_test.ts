/** The npm package as a user gets it: packed, installed into an empty folder, run by npx and bunx. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { curl } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "tsproxy-npm-"));
const app = join(dir, "app");
/** A PATH with Node and the system tools but no bun and no deno: the package must bring its own. */
const BARE_PATH = (process.env.PATH ?? "").split(":")
  .filter((d) => !d.includes("node_modules")).join(":");

function sh(
  cmd: string,
  args: string[],
  opts: { cwd?: string; path?: string; timeout?: number } = {},
) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? app,
    encoding: "utf8",
    timeout: opts.timeout ?? 60_000,
    env: { ...process.env, PATH: opts.path ?? BARE_PATH, npm_config_update_notifier: "false" },
  });
  return { code: r.status, out: r.stdout ?? "", err: r.stderr ?? "" };
}

/** The JSON npm prints after the prepack script's own output. */
function packJson(stdout: string): { filename: string; files: { path: string }[] }[] {
  return JSON.parse(stdout.slice(stdout.search(/^\[/m)));
}

let tarball = "";
before(() => {
  const packed = sh("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    path: `${BIN}:${process.env.PATH}`,
    timeout: 120_000,
  });
  assert.equal(packed.code, 0, packed.err);
  tarball = join(dir, packJson(packed.out)[0]!.filename);
  spawnSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), '{ "name": "app", "private": true }\n');
  writeFileSync(
    join(app, "example.yaml"),
    `frontends:\n  web: { bind: ["127.0.0.1:0"], defaultBackend: app }\n` +
      `backends:\n  app:\n    servers: [{ name: a, address: "127.0.0.1:9" }]\n`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("npm pack --dry-run: the launcher, the CLI, its Deno bundle, src and examples; no tests or scripts", () => {
  const r = sh("npm", ["pack", "--dry-run", "--json"], {
    cwd: ROOT,
    path: `${BIN}:${process.env.PATH}`,
    timeout: 120_000,
  });
  assert.equal(r.code, 0, r.err);
  const files = packJson(r.out)[0]!.files.map((f) => f.path);
  for (const f of ["bin/tsproxy.js", "cli.ts", "mod.ts", "dist/npm/cli.mjs", "package.json"]) {
    assert.ok(files.includes(f), `${f} missing from the package`);
  }
  assert.ok(files.includes("dist/npm/tsproxy.schema.json"), "the JSON Schema file is shipped");
  assert.ok(files.includes("examples/quickstart.yaml"));
  const allowed =
    /^(bin\/tsproxy\.js|cli\.ts|mod\.ts|package\.json|README\.md|dist\/npm\/|src\/|examples\/)/;
  assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
  assert.ok(files.filter((f) => f.startsWith("src/")).length > 100);
  assert.equal(PKG.bin.tsproxy, "./bin/tsproxy.js");
  assert.ok(!("bun" in PKG.dependencies), "bun ships as its platform package, not the bun package");
});

test("npm install of the tarball in an empty folder: quiet, with one Bun platform binary", () => {
  const r = sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
    timeout: 300_000,
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err.trim(), "", "npm install prints no warning");
  const oven = readdirSync(join(app, "node_modules", "@oven"));
  assert.equal(oven.length, 1, `one platform package: ${oven}`);
  assert.ok(!readdirSync(join(app, "node_modules")).includes("deno"));
});

test("npx tsproxy version and check -c example.yaml run on the bundled Bun", () => {
  const v = sh("npx", ["tsproxy", "version"]);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, new RegExp(`^tsproxy ${PKG.version}\\S* \\(bun \\d`));
  const c = sh("npx", ["tsproxy", "check", "-c", "example.yaml"]);
  assert.equal(c.code, 0, c.err);
  assert.equal(c.out, "configuration is valid\n");
  const bad = sh("npx", ["tsproxy", "check", "-c", "missing.yaml"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /missing\.yaml: cannot read the file/);
});

test("npx tsproxy --deno / TSPROXY_RUNTIME=deno run the bundled CLI on Deno from PATH", () => {
  const withDeno = `${BIN}:${BARE_PATH}`;
  const v = sh("npx", ["tsproxy", "--deno", "version"], { path: withDeno });
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /\(deno \d/);
  const c = spawnSync("npx", ["tsproxy", "check", "-c", "example.yaml"], {
    cwd: app,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PATH: withDeno, TSPROXY_RUNTIME: "deno" },
  });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, "configuration is valid\n");
  const none = sh("npx", ["tsproxy", "--deno", "version"]);
  assert.equal(none.code, 1);
  assert.match(none.err, /Deno not found/);
});

/** Starts `cmd run -c FILE` in its own process group, waits for "listening on", returns the port. */
async function runProxy(cmd: string, args: string[], path: string) {
  const proc: ChildProcess = spawn(cmd, args, {
    cwd: app,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PATH: path },
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  // "close": every writer of the pipes is gone, the CLI under npm exec included (npm exec may die
  // of the group's SIGTERM first, while the CLI still logs its stop)
  const exited = new Promise<number | null>((r) => proc.on("close", (c) => r(c)));
  let port = 0;
  for (let i = 0; i < 300 && port === 0; i++) {
    await sleep(50);
    port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
  }
  return {
    port,
    output: () => out,
    async stop() {
      process.kill(-proc.pid!, "SIGTERM");
      const t = setTimeout(() => process.kill(-proc.pid!, "SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

async function proxiesOneRequest(cmd: string, args: string[], path: string) {
  const origin = http.createServer((req, res) => res.end(`hello ${req.url}`));
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  const originPort = (origin.address() as AddressInfo).port;
  const cfg = join(app, "proxy.yaml");
  writeFileSync(
    cfg,
    `defaults: { mode: http }\nfrontends:\n  web: { bind: ["127.0.0.1:0"], defaultBackend: app }\n` +
      `backends:\n  app:\n    servers: [{ name: a, address: "127.0.0.1:${originPort}" }]\n`,
  );
  const proxy = await runProxy(cmd, [...args, "run", "-c", cfg], path);
  try {
    assert.ok(proxy.port > 0, proxy.output());
    const r = await curl(["--max-time", "5", `http://127.0.0.1:${proxy.port}/x`]);
    assert.equal(r.stdout.toString(), "hello /x", r.stderr);
  } finally {
    const code = await proxy.stop();
    origin.close();
    // npm exec itself dies of the group's SIGTERM (null); the launcher passes on the CLI's code.
    assert.ok(code === 0 || (code === null && cmd === "npx"), `exit ${code}: ${proxy.output()}`);
    assert.match(proxy.output(), /SIGTERM received: stopping[^]*\bstopped\n/);
  }
}

test("npx tsproxy run proxies a curl request and stops on SIGTERM", async () => {
  await proxiesOneRequest("npx", ["tsproxy"], BARE_PATH);
});

test("bunx tsproxy (Node runs the launcher) and bunx --bun tsproxy (in Bun itself)", async () => {
  const withBun = `${BIN}:${BARE_PATH}`;
  for (const pre of [[], ["--bun"]]) {
    const v = sh("bunx", [...pre, "tsproxy", "version"], { path: withBun });
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /^tsproxy \S+ \(bun \d/);
    const c = sh("bunx", [...pre, "tsproxy", "check", "-c", "example.yaml"], { path: withBun });
    assert.equal(c.out, "configuration is valid\n", c.err);
  }
  await proxiesOneRequest("bunx", ["--bun", "tsproxy"], withBun);
});
