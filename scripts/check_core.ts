/** Fails when code outside src/runtime/ names Deno.* or Bun.*: the core must stay runtime-agnostic. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";

const root = new URL("..", import.meta.url).pathname;
const pattern = /\b(Deno|Bun)\.[A-Za-z_]/;
const offenders: string[] = [];

function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts")) check(path);
  }
}

function check(path: string): void {
  const rel = relative(root, path);
  if (rel.startsWith("src/runtime/")) return;
  readFileSync(path, "utf8").split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (pattern.test(code)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
  });
}

walk(join(root, "src"));
for (const f of ["mod.ts", "cli.ts"]) check(join(root, f));
if (offenders.length > 0) {
  console.error("runtime names outside src/runtime/ (go through the runtime interface):");
  for (const o of offenders) console.error("  " + o);
  process.exit(1);
}
console.log("check_core: src/ names Deno/Bun only in src/runtime/");
