/** Tests for loadConfigApart: the config checked in a child arrives whole (with its directory), and a child that fails changes nothing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadConfigApart,
  loadConfigHere,
  loadedConfigBytes,
} from "../../../src/cli/config_apart.ts";
import { configDir } from "../../../src/config/base_dir.ts";
import type { Runtime, SelfRun } from "../../../src/runtime/types.ts";

const YAML = `
defaults: { mode: http, timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app, compression: { algo: [gzip] } }
backends:
  app:
    balance: uri
    hashType: consistent
    servers: [{ name: s1, address: "127.0.0.1:1", weight: 7 }]
`;

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-apart-"));
  const path = join(dir, "proxy.yaml");
  writeFileSync(path, text);
  return path;
}

/** A runtime whose child is this process running the child's side (what `__load-config` runs). */
function childRuntime(run: (args: readonly string[]) => Promise<SelfRun>): Runtime {
  return { runSelf: run } as unknown as Runtime;
}

test("loadConfigApart() gives the config the child checked, equal to one loaded here, with its directory", async () => {
  const path = file(YAML);
  let asked: readonly string[] = [];
  const rt = childRuntime(async (args) => {
    asked = args;
    return { code: 0, stdout: await loadedConfigBytes(args[1]!), stderr: "" };
  });
  const apart = await loadConfigApart(path, rt);
  const here = await loadConfigHere(path);
  assert.deepEqual(asked, ["__load-config", path]);
  assert.ok(apart.ok && here.ok);
  assert.deepStrictEqual(apart.config, here.config);
  assert.equal(configDir(apart.config), configDir(here.config));
  assert.ok(configDir(apart.config)?.startsWith(tmpdir()));
});

test("loadConfigApart() hands over a config's errors as the child found them", async () => {
  const path = file(YAML.replace("defaultBackend: app", "defaultBackend: nope"));
  const rt = childRuntime(async (args) => ({
    code: 0,
    stdout: await loadedConfigBytes(args[1]!),
    stderr: "",
  }));
  const r = await loadConfigApart(path, rt);
  assert.equal(r.ok, false);
  assert.match(JSON.stringify(!r.ok && r.errors), /nope/);
});

test("loadConfigApart() loads in this process when the child fails or cannot start", async () => {
  const path = file(YAML);
  const failing = childRuntime(() =>
    Promise.resolve({ code: 1, stdout: new Uint8Array(), stderr: "x" })
  );
  const broken = childRuntime(() => Promise.reject(new Error("cannot start")));
  for (const rt of [failing, broken, {} as Runtime]) {
    const r = await loadConfigApart(path, rt);
    assert.ok(r.ok);
    assert.equal(r.config.backends.app!.servers[0]!.weight, 7);
  }
});
