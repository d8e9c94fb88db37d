/** restartWithJscRam(): on Bun the process starts again in place with JSC's RAM size set, once; never when told not to. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { test } from "node:test";
import { JSC_RAM_BYTES, restartWithJscRam } from "../../../src/runtime/bun_jsc_ram.ts";

const onBunLinux = process.platform === "linux" && "Bun" in globalThis;
const MODULE = new URL("../../../src/runtime/bun_jsc_ram.ts", import.meta.url).pathname;
// prints its pid and the variable after the call: once, from the restarted image
const SCRIPT = `const { restartWithJscRam } = await import(${JSON.stringify(MODULE)});
const before = process.pid;
await restartWithJscRam();
console.log(before, process.pid, process.env.BUN_JSC_forceRAMSize ?? "unset", process.argv.slice(2).join(" "));`;

function runScript(env: Record<string, string>) {
  const file = `${mkdtempSync(`${tmpdir()}/jsc-ram-`)}/restart.ts`;
  writeFileSync(file, SCRIPT);
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== "BUN_JSC_forceRAMSize" && k !== "TSPROXY_JSC_RAM") clean[k] = v;
  }
  return spawnSync(process.execPath, [file, "a", "b c"], {
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

test("restartWithJscRam() starts the same process again with the variable and the same arguments", {
  skip: !onBunLinux && "Bun on Linux only",
}, () => {
  const r = runScript({});
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `one line, from the restarted image: ${r.stdout}`);
  const [before, after, value, ...args] = lines[0]!.split(" ");
  assert.equal(before, after, "the same pid");
  assert.equal(value, String(JSC_RAM_BYTES));
  assert.equal(args.join(" "), "a b c");
});

test("restartWithJscRam() leaves the process as it is with TSPROXY_JSC_RAM=0 or the variable set", {
  skip: !onBunLinux && "Bun on Linux only",
}, () => {
  const off = runScript({ TSPROXY_JSC_RAM: "0" });
  assert.match(off.stdout, / unset /);
  const own = runScript({ BUN_JSC_forceRAMSize: "1073741824" });
  assert.match(own.stdout, / 1073741824 /, "an operator's own value is kept");
});

test("restartWithJscRam() returns off Bun", { skip: onBunLinux && "off Bun only" }, async () => {
  await restartWithJscRam();
  assert.equal(process.env.BUN_JSC_forceRAMSize, undefined);
});
