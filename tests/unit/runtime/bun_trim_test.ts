/** trimStartupPages(): the executable's clean read-only pages given back on Bun, and which mappings qualify. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import { cleanMappings, trimStartupPages } from "../../../src/runtime/bun_trim.ts";
import { getRuntime } from "../../../src/runtime/mod.ts";

const SMAPS = `00200000-01a39000 r--p 00000000 fd:01 123 /opt/bun
Rss:                6628 kB
Anonymous:             0 kB
Swap:                  0 kB
01a40000-0684a000 r-xp 01839000 fd:01 123 /opt/bun
Rss:               29992 kB
Anonymous:             0 kB
Swap:                  0 kB
0684a000-0685f000 rw-p 06649000 fd:01 123 /opt/bun
Rss:                  84 kB
Anonymous:            48 kB
0685f000-06867000 r--p 0665e000 fd:01 123 /opt/bun
Rss:                  12 kB
Anonymous:            12 kB
7f1ccfa35000-7f1ccfb8b000 r-xp 00026000 fd:01 77 /usr/lib/libc.so.6
Rss:                1168 kB
Anonymous:             0 kB
408ccc00000-4090cc00000 rw-p 00000000 00:00 0
Rss:               48828 kB
Anonymous:         48828 kB
`;

test("cleanMappings() keeps the path's read-only mappings without a private page", () => {
  const maps = cleanMappings(SMAPS, "/opt/bun");
  assert.deepEqual(maps, [
    { start: 0x200000n, end: 0x1a39000n, rssKiB: 6628 },
    { start: 0x1a40000n, end: 0x684a000n, rssKiB: 29992 },
  ]);
});

test("cleanMappings() finds nothing for a path that is not mapped", () => {
  assert.deepEqual(cleanMappings(SMAPS, "/usr/bin/deno"), []);
});

function rssFileKiB(): number {
  return Number(/^RssFile:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))![1]);
}

const onBunLinux = process.platform === "linux" && "Bun" in globalThis;

test("trimStartupPages() on Bun lowers the file-backed RSS, and sockets still work after", {
  skip: !onBunLinux && "Bun on Linux only",
}, async () => {
  const before = rssFileKiB();
  const kib = await trimStartupPages();
  const after = rssFileKiB();
  assert.ok(kib > 1024, `more than 1 MiB given back: ${kib} KiB`);
  assert.ok(after < before - 1024, `RssFile ${before} → ${after} KiB`);
  const rt = await getRuntime();
  const l = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
    s.setHandlers({ data: (c) => s.write(c), end: () => s.shutdown(), drain() {}, close() {} });
  });
  try {
    const c = await rt.connect({ host: "127.0.0.1", port: l.port });
    const got = await new Promise<string>((resolve) => {
      let text = "";
      c.setHandlers({
        data: (d) => (text += new TextDecoder().decode(d)),
        end: () => resolve(text),
        drain() {},
        close() {},
      });
      c.write(new TextEncoder().encode("still here"));
      c.shutdown();
    });
    assert.equal(got, "still here");
    c.close();
  } finally {
    l.close();
  }
});

test("trimStartupPages() gives back nothing when TSPROXY_TRIM=0, or off Bun", async () => {
  const old = process.env.TSPROXY_TRIM;
  process.env.TSPROXY_TRIM = "0";
  try {
    assert.equal(await trimStartupPages(), 0);
  } finally {
    if (old === undefined) delete process.env.TSPROXY_TRIM;
    else process.env.TSPROXY_TRIM = old;
  }
  if (!onBunLinux) assert.equal(await trimStartupPages(), 0);
});
