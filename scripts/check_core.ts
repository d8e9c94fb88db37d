/** Fails when code outside src/runtime/ names Deno.* or Bun.*, a file of src/ passes 300 lines, or folders of src/ import each other in a cycle. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import process from "node:process";

/** The tree to check: the first argument, else this repository. */
const root = process.argv[2] ?? new URL("..", import.meta.url).pathname;
const MAX_LINES = 300;
const long: string[] = [];
const src = join(root, "src");
const runtimeName = /\b(Deno|Bun)\.[A-Za-z_]/;
const importSpec = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;
const offenders: string[] = [];
/** Folder (relative to src/) → folders its files import from, with one example import each. */
const edges = new Map<string, Map<string, string>>();

function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts")) check(path);
  }
}

function check(path: string): void {
  const rel = relative(root, path);
  const text = readFileSync(path, "utf8");
  if (!rel.startsWith("src/runtime/")) {
    text.split("\n").forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      if (runtimeName.test(code)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  if (rel.startsWith("src/")) {
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > MAX_LINES) long.push(`${rel}: ${lines} lines`);
    for (const m of text.matchAll(importSpec)) addEdge(rel, normalize(join(dirname(rel), m[1]!)));
  }
}

/**
 * An import between two folders, neither inside the other: a folder and its subfolders are one unit
 * toward each other (rules/ registers the fetches of rules/fetches/, which read its types).
 */
function addEdge(from: string, to: string): void {
  const a = dirname(from), b = dirname(to);
  if (a === b || a.startsWith(b + "/") || b.startsWith(a + "/")) return;
  if (!edges.has(a)) edges.set(a, new Map());
  if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${from} imports ${to}`);
}

/** Strongly connected components of more than one folder (Tarjan). */
function cycles(): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next), low.set(v, next++), stack.push(v), on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    for (let w = ""; w !== v;) on.delete(w = stack.pop()!), c.push(w);
    if (c.length > 1) out.push(c.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

walk(src);
for (const f of ["mod.ts", "cli.ts"]) if (existsSync(join(root, f))) check(join(root, f));
let failed = false;
if (offenders.length > 0) {
  console.error("runtime names outside src/runtime/ (go through the runtime interface):");
  for (const o of offenders) console.error("  " + o);
  failed = true;
}
if (long.length > 0) {
  console.error(`files of src/ over ${MAX_LINES} lines (split them by concern):`);
  for (const l of long) console.error("  " + l);
  failed = true;
}
for (const c of cycles()) {
  console.error(`import cycle between folders: ${c.join(" ↔ ")}`);
  for (const a of c) {
    for (const [b, example] of edges.get(a) ?? []) if (c.includes(b)) console.error(`  ${example}`);
  }
  failed = true;
}
if (failed) process.exit(1);
console.log(
  "check_core: Deno/Bun named only in src/runtime/; no import cycle between folders of src/",
);
