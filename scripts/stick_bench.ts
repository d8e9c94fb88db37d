/** Measures a stick table: 2 million distinct IPv4 keys into a table of 1 million, entries kept, RSS per entry, ns per lookup+update. */
// Run: deno run --v8-flags=--expose-gc scripts/stick_bench.ts   or   bun scripts/stick_bench.ts
import process from "node:process";
import { parseStored, typeId } from "../src/stick/data_types.ts";
import { StickTable } from "../src/stick/table.ts";

const SIZE = 1_000_000, KEYS = 2_000_000;
const REQ_RATE = typeId("http_req_rate"), CUR = typeId("conn_cur"), GPC0 = typeId("gpc0");

function rss(): number {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  g.gc?.(); // deno --v8-flags=--expose-gc
  g.Bun?.gc(true);
  return process.memoryUsage().rss;
}

let now = 1_000_000;
const table = new StickTable({
  name: "bench",
  type: "ip",
  len: 32,
  size: SIZE,
  expire: 30_000,
  store: ["http_req_rate(10s)", "conn_cur", "gpc0"].map(parseStored),
}, () => now);

const before = rss();
const t0 = performance.now();
for (let i = 0; i < KEYS; i++) {
  // keys as the proxy makes them: from the address text
  const e = table.get(table.key(`10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`)!);
  table.add(e, REQ_RATE, 0, 1);
  if ((i & 1023) === 0) now++;
}
const fill = performance.now() - t0;
const after = rss();
if (table.entries !== SIZE) throw new Error(`expected ${SIZE} entries, got ${table.entries}`);

// the hot path: a lookup (key already made) and three updates, on keys present
const N = 2_000_000;
const keys = Array.from({ length: 1024 }, (_, i) => table.key(`10.30.${i >> 8}.${i & 255}`)!);
const t1 = performance.now();
for (let i = 0; i < N; i++) {
  const e = table.get(keys[i & 1023]!);
  table.add(e, REQ_RATE, 0, 1);
  table.add(e, CUR, 0, 1);
  table.add(e, GPC0, 0, 1);
}
const hot = performance.now() - t1;
const t2 = performance.now();
for (let i = 0; i < N; i++) table.read(table.lookup(keys[i & 1023]!), REQ_RATE);
const read = performance.now() - t2;

const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(JSON.stringify({
  runtime,
  entries: table.entries,
  rssMiB: Math.round((after - before) / 1048576),
  bytesPerEntry: Math.round((after - before) / table.entries),
  fillNsPerKey: Math.round((fill * 1e6) / KEYS),
  getAnd3UpdatesNs: Math.round((hot * 1e6) / N),
  lookupAndReadRateNs: Math.round((read * 1e6) / N),
}));
