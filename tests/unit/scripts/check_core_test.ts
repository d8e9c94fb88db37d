/** Tests for scripts/check_core.ts on small trees: it passes a clean one and fails a cycle, a runtime name, a long file. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("../../..", import.meta.url).pathname;
const DENO = join(ROOT, "node_modules/.bin/deno");

/** Runs check_core on a tree made of `files` (path → text); its exit status and stderr. */
function checkTree(files: Record<string, string>): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "check-core-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(DENO, ["run", "--allow-read", join(ROOT, "scripts/check_core.ts"), dir], {
      encoding: "utf8",
    });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAN = {
  "src/a/one.ts": 'import { two } from "../b/two.ts";\nexport const one = two;\n',
  "src/b/two.ts": "export const two = 2;\n",
  "src/rules/mod.ts": 'import "./fetches/f.ts";\n',
  "src/rules/fetches/f.ts": 'import "../mod.ts";\n', // nested folders are one unit
  "src/runtime/deno.ts": "export const x = Deno.pid;\n",
};

test("check_core passes a tree without cycles, runtime names only in src/runtime/", () => {
  const r = checkTree(CLEAN);
  assert.equal(r.status, 0, r.stderr);
});

test("check_core fails on an import cycle between folders and names its imports", () => {
  const r = checkTree({
    ...CLEAN,
    "src/b/two.ts": 'import "../a/one.ts";\nexport const two = 2;\n',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import cycle between folders: src\/a ↔ src\/b/);
  assert.match(r.stderr, /src\/b\/two\.ts imports src\/a\/one\.ts/);
});

test("check_core fails on Deno or Bun named outside src/runtime/", () => {
  const r = checkTree({ ...CLEAN, "src/b/two.ts": "export const two = Bun.version;\n" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/b\/two\.ts:1: export const two = Bun\.version;/);
});

test("check_core fails on a file of src/ over 300 lines", () => {
  const r = checkTree({ ...CLEAN, "src/b/long.ts": "export const x = 1;\n".repeat(301) });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/b\/long\.ts: 301 lines/);
});
