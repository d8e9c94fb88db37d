/** The serving path's static imports: `tsproxy run` loads neither the config checker (zod, yaml) nor Hono or jose; their cost is RSS (README, Memory). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const ROOT = new URL("../../../", import.meta.url).pathname;
/** Static import/export statements; `import type` and all-type lists load nothing. */
const STATEMENT =
  /(?:^|\n)\s*(?:import|export)\s+(type\s+)?([^;"']*?)\s*from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']/g;

function valueImports(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, "utf8").matchAll(STATEMENT)) {
    if (m[1]) continue;
    const names = m[2] ?? "";
    const inner = /\{([^}]*)\}/.exec(names)?.[1];
    const outside = names.replace(/\{[^}]*\}/, "").replace(/,/g, "").trim();
    const listed = inner?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];
    if (inner !== undefined && !outside && listed.every((s) => s.startsWith("type "))) continue;
    const spec = m[3] ?? m[4]!;
    out.push(spec.startsWith(".") ? normalize(join(dirname(file), spec)) : `package ${spec}`);
  }
  return out;
}

/** Every module `entry` loads statically, each with the chain that brings it in. */
function staticGraph(entry: string): Map<string, string> {
  const chain = new Map([[entry, entry.replace(ROOT, "")]]);
  const queue = [entry];
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
    if (f.startsWith("package ")) continue;
    for (const d of valueImports(f)) {
      if (chain.has(d)) continue;
      chain.set(d, `${chain.get(f)} → ${d.replace(ROOT, "")}`);
      queue.push(d);
    }
  }
  return chain;
}

test("tsproxy run's modules import no zod, yaml, hono or jose statically", () => {
  const graph = staticGraph(join(ROOT, "src/cli/run.ts"));
  assert.ok(graph.size > 100, `the graph was read (${graph.size} modules)`);
  assert.ok(graph.has(join(ROOT, "src/proxy/proxy.ts")), "the data path is in it");
  const heavy = [...graph].filter(([m]) => /^package (zod|yaml|hono|jose)\b/.test(m));
  assert.deepEqual(heavy.map(([, c]) => c), []);
});

test("cli.ts imports the serving path and the config checker only where a command needs them", () => {
  const graph = staticGraph(join(ROOT, "cli.ts"));
  const loaded = [...graph.keys()].filter((m) =>
    m.startsWith("package ") && !m.startsWith("package node:") ||
    m.includes("/src/plan/") || m.includes("/src/proxy/")
  );
  assert.deepEqual(loaded, ["package @logtape/logtape"]);
});
