/**
 * 1 GiB of compressible HTML through compression offload (gzip level 1), decoded by curl and hashed,
 * while the proxy's resident memory is sampled: the encoder streams with backpressure, never
 * holding the body.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import process from "node:process";
import { test } from "node:test";
import { htmlLike } from "../unit/compress/html.ts";
import { httpConfig } from "./helpers/http.ts";
import { drained, tcpServer } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { procKb, sampleRss } from "./helpers/rss.ts";

const MiB = 1024 * 1024;
/** 1 GiB; TSPROXY_BIGBODY_MIB changes it for experiments (the names below still say 1 GiB). */
const SIZE = Number(process.env.TSPROXY_BIGBODY_MIB ?? 1024) * MiB;
const BLOCKS = SIZE / MiB;
/**
 * The RSS growth allowed, as in http_bigbody_test.ts (the runtimes' own read buffers dominate), plus
 * 16 MiB for the encoder: zlib's state, its 64 KiB input and output queues, and the garbage that
 * chunk framing leaves until V8 or JSC collects it.
 */
const RSS_GROWTH_LIMIT: Record<string, number> = {
  bun: 80 * MiB,
  binary: 80 * MiB,
  deno: 116 * MiB,
};
const growthLimit = (rt: string) => RSS_GROWTH_LIMIT[rt] ?? 80 * MiB;
const DEADLINE_MS = 240_000;

/** 16 distinct MiB of HTML, cycled; each copy is stamped with its index so order counts. */
const PATTERNS = Array.from({ length: 16 }, (_, i) => Buffer.from(htmlLike(MiB, 1000 + i)));
function block(i: number): Buffer {
  const b = Buffer.from(PATTERNS[i % PATTERNS.length]!);
  b.write(`<!-- block ${String(i).padStart(8, "0")} -->`, 0, "latin1");
  return b;
}

/** Answers every request with the 1 GiB body (Content-Length), hashing what it sends. */
function downloadOrigin(sent: { sha256: string }) {
  return tcpServer((s) => {
    s.once("data", async () => {
      const h = createHash("sha256");
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${SIZE}\r\n\r\n`);
      for (let i = 0; i < BLOCKS && !s.destroyed; i++) {
        const b = block(i);
        h.update(b);
        if (!s.write(b)) await drained(s);
      }
      sent.sha256 = h.digest("hex");
    });
  });
}

interface Download {
  code: number;
  sha256: string;
  /** Decoded bytes. */
  bytes: number;
  /** Bytes on the wire (encoded). */
  wire: number;
  encoding: string;
}

/** curl --compressed piped into wc -c and sha256sum. */
function curlDownload(url: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const script = `set -o pipefail; curl -sS --compressed --max-time ${DEADLINE_MS / 1000} ` +
      `-w '%{stderr}wire=%{size_download} ce=%header{content-encoding}\\n' '${url}' ` +
      `| tee >(wc -c | sed 's/^/decoded=/' >&2) | sha256sum`;
    const p = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      resolve({
        code: code ?? -1,
        sha256: /^([0-9a-f]{64})\s/.exec(out)?.[1] ?? `(no hash: ${out} ${err})`,
        bytes: Number(/decoded=\s*(\d+)/.exec(err)?.[1] ?? -1),
        wire: Number(/wire=(\d+)/.exec(err)?.[1] ?? -1),
        encoding: /ce=(\S*)/.exec(err)?.[1] ?? "",
      });
    });
  });
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

for (const rt of RUNTIMES) {
  test(`${rt}: a 1 GiB response is gzip-compressed as it streams, proxy RSS growing less than ${mib(growthLimit(rt))}`, async () => {
    const sent = { sha256: "" };
    const origin = await downloadOrigin(sent);
    const proxy = await startProxy(
      rt,
      httpConfig([["down", origin.port]], {
        frontend: ", compression: { algo: [gzip], level: 1, offload: true }",
      }),
    );
    const rss = sampleRss(proxy.proc.pid!);
    const before = procKb(proxy.proc.pid!, "VmRSS");
    try {
      const t0 = Date.now();
      const r = await curlDownload(`http://127.0.0.1:${proxy.ports[0]}/big`);
      const ms = Date.now() - t0;
      const m = rss.stop();
      console.log(
        `${rt} gzip download: ${mib(SIZE)} in ${ms}ms (${(SIZE / MiB / (ms / 1000)).toFixed(0)} ` +
          `MiB/s), ${mib(r.wire)} on the wire (ratio ${(SIZE / r.wire).toFixed(2)}); RSS ` +
          `${mib(before)} before, peak ${mib(m.peak)} over ${m.samples} samples (VmHWM ${
            mib(m.hwm)
          })`,
      );
      assert.equal(r.code, 0, `curl exit ${r.code}`);
      assert.equal(r.encoding, "gzip");
      assert.equal(r.bytes, SIZE);
      assert.equal(r.sha256, sent.sha256);
      assert.ok(r.wire < SIZE / 2, `${r.wire} bytes on the wire: not compressed`);
      assert.ok(
        m.peak - before < growthLimit(rt),
        `proxy RSS peaked at ${mib(m.peak)}, ${mib(m.peak - before)} above its ${
          mib(before)
        } start`,
      );
    } finally {
      rss.stop();
      await proxy.stop();
      await origin.close();
    }
  });
}
