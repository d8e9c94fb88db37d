/**
 * The HTTP/2 frontend end to end, on Deno, Bun and the binary: curl over TLS (ALPN h2) and h2c
 * with prior knowledge, nghttp and h2load through tsproxy to an HTTP/1.1 origin, bodies byte-exact
 * both ways, rules per stream, protocol errors sent as raw frames, a rapid-reset flood cut while
 * another client is served.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type net from "node:net";
import { errorName, H2_ERROR } from "../../src/h2/errors.ts";
import { CLIENT_PREFACE, FRAME, SETTING } from "../../src/h2/frame.ts";
import {
  encodeContinuation,
  encodeData,
  encodeFrame,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
} from "../../src/h2/frame_writer.ts";
import { makeCa } from "./helpers/certs.ts";
import { GET, RawH2 } from "./helpers/h2raw.ts";
import { curl, type OriginRequest, rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const ca = makeCa();
const site = ca.issue("site", "site.example");
const MiB = 1 << 20;
const BIG = Buffer.alloc(MiB, 0).map((_, i) => (i * 7 + (i >> 10)) & 255);
const UPLOAD = Buffer.alloc(MiB, 0).map((_, i) => (i * 13 + (i >> 8)) & 255);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The origin: /big 1 MiB, /echo the body back, /chunked chunks and a trailer, /close a close-delimited body, else "ok". */
function respond(req: OriginRequest, sock: net.Socket): void {
  if (req.target === "/big") {
    sock.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BIG.length}\r\n\r\n`);
    sock.write(BIG);
  } else if (req.target === "/echo") {
    sock.write(`HTTP/1.1 200 OK\r\ncontent-length: ${req.body.length}\r\n\r\n`);
    sock.write(req.body);
  } else if (req.target === "/chunked") {
    sock.write(
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-sum\r\n\r\n" +
        "6\r\nchunk-\r\n3\r\none\r\n0\r\nx-sum: 42\r\n\r\n",
    );
  } else if (req.target === "/close") {
    sock.end("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nclosed-body");
  } else {
    sock.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-path: ${req.target}\r\n\r\nok`);
  }
}

function config(originPort: number): string {
  return `
global: { hardStopAfter: 2s, tune: { h2: { glitchesThreshold: 100 } } }
defaults:
  mode: http
  timeout: { connect: 2s, client: 20s, server: 20s }
frontends:
  web:
    bind:
      - "127.0.0.1:0"
      - address: "127.0.0.1:0"
        tls: { certificates: ["${site.pemFile}"], alpn: [h2, http/1.1] }
    httpRequest:
      - deny if { path /deny }
      - set-header X-Rewritten yes
      - use-service prometheus-exporter if { path /metrics }
    defaultBackend: app
backends:
  app:
    servers:
      - { name: origin, address: "127.0.0.1:${originPort}" }
`;
}

/** Runs a command to its end (bounded), with its output. */
function run(cmd: string, args: string[], ms = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), ms);
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const E = H2_ERROR;
type Expect = { goaway: number } | { rst: [number, number] };
const post = (len?: number): [string, string][] => [
  [":method", "POST"],
  [":scheme", "http"],
  [":path", "/echo"],
  [":authority", "localhost"],
  ...(len === undefined ? [] : [["content-length", String(len)] as [string, string]]),
];

/** Cases of tests/unit/h2/protocol_errors_test.ts, sent as raw frames to the running proxy. */
const CASES: { name: string; raw?: boolean; run: (c: RawH2) => void; expect: Expect }[] = [
  {
    name: "PING before the client's SETTINGS",
    raw: true,
    run: (c) => c.send(CLIENT_PREFACE, encodePing(new Uint8Array(8))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "DATA over SETTINGS_MAX_FRAME_SIZE",
    run: (c) => c.send(c.headers(1, post(), false), encodeData(1, new Uint8Array(16385), false)),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "DATA on an idle stream",
    run: (c) => c.send(encodeData(1, new Uint8Array(1), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HEADERS on an even (server) stream",
    run: (c) => c.send(c.headers(2)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "RST_STREAM on an idle stream",
    run: (c) => c.send(encodeRstStream(5, E.CANCEL)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "PRIORITY depending on its own stream",
    run: (c) => c.send(encodePriority(3, { dependsOn: 3, exclusive: false, weight: 16 })),
    expect: { rst: [3, E.PROTOCOL_ERROR] },
  },
  {
    name: "SETTINGS_INITIAL_WINDOW_SIZE 2^31",
    run: (c) => c.send(encodeSettings([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 2 ** 31 }])),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    name: "PING of 7 bytes",
    run: (c) => c.send(encodeFrame(FRAME.PING, 0, 0, new Uint8Array(7))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "WINDOW_UPDATE of 0 on the connection",
    run: (c) => c.send(encodeFrame(FRAME.WINDOW_UPDATE, 0, 0, new Uint8Array(4))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "WINDOW_UPDATE overflowing the connection window",
    run: (c) => c.send(encodeWindowUpdate(0, 2 ** 31 - 1)),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    name: "CONTINUATION without HEADERS",
    run: (c) => c.send(encodeContinuation(1, c.block(GET), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HPACK index 0",
    run: (c) => c.send(encodeHeaders(1, new Uint8Array([0x80]), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    name: "upper-case field name",
    run: (c) => c.send(c.headers(1, [...GET, ["X-Upper", "1"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "connection-specific field (connection)",
    run: (c) => c.send(c.headers(1, [...GET, ["connection", "keep-alive"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request without :path",
    run: (c) => c.send(c.headers(1, GET.filter(([n]) => n !== ":path"))),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "DATA longer than content-length",
    run: (c) => c.send(c.headers(1, post(2), false), encodeData(1, new Uint8Array(3), true)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
];

for (const rt of RUNTIMES) {
  test(`${rt}: HTTP/2 through tsproxy to an HTTP/1.1 origin: curl (TLS and h2c), nghttp, h2load, bodies, rules, protocol errors, a rapid-reset flood`, async () => {
    const origin = await rawHttpOrigin(respond);
    const proxy = await startProxy(rt, config(origin.port), 2);
    const [clear, tls] = proxy.ports as [number, number];
    const h2c = `http://127.0.0.1:${clear}`;
    const dir = ca.dir;
    try {
      // curl --http2 over TLS: ALPN picks h2; the rewrite reaches the origin; the log says HTTP/2.0
      const r = await curl([
        "--http2",
        "--cacert",
        ca.caFile,
        "--resolve",
        `site.example:${tls}:127.0.0.1`,
        "-w",
        "\n%{http_version}",
        `https://site.example:${tls}/tls-path`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), "ok\n2");
      const seen = origin.requests.find((q) => q.target === "/tls-path")!;
      assert.ok(seen, "the origin got the TLS request");
      assert.equal(seen.version, "HTTP/1.1");
      assert.ok(seen.headers.some(([n, v]) => n.toLowerCase() === "x-rewritten" && v === "yes"));
      assert.ok(seen.headers.some(([n, v]) => n === "host" && v === `site.example:${tls}`));
      await waitForLine(proxy, /web app\/origin .* 200 .*"GET \/tls-path HTTP\/2\.0"/);

      // h2c with prior knowledge: a deny answers 403 on its stream; 1 MiB byte-exact both ways
      const denied = await curl(["--http2-prior-knowledge", "-w", "%{http_code}", `${h2c}/deny`]);
      assert.match(denied.stdout.toString(), /403$/);
      const big = await curl(["--http2-prior-knowledge", `${h2c}/big`]);
      assert.equal(big.code, 0, big.stderr);
      assert.equal(sha(big.stdout), sha(BIG), "the 1 MiB response arrived byte-exact");
      const file = join(dir, "upload.bin");
      writeFileSync(file, UPLOAD);
      for (const extra of [[], ["-H", "content-length:"]]) {
        // with a content-length, and without one (then sent chunked to the origin)
        const up = await curl([
          "--http2-prior-knowledge",
          "--data-binary",
          `@${file}`,
          ...extra,
          `${h2c}/echo`,
        ]);
        assert.equal(up.code, 0, `${extra.join(" ")}: ${up.stderr}`);
        assert.equal(sha(up.stdout), sha(UPLOAD), "the 1 MiB upload came back byte-exact");
      }
      const echoed = origin.requests.filter((q) => q.target === "/echo");
      assert.ok(
        echoed.some((q) =>
          q.headers.some(([n, v]) => n === "transfer-encoding" && v === "chunked")
        ),
      );
      assert.ok(echoed.every((q) => sha(q.body) === sha(UPLOAD)));
      const chunked = await curl(["--http2-prior-knowledge", "-v", `${h2c}/chunked`]);
      assert.equal(chunked.stdout.toString(), "chunk-one");
      const closed = await curl(["--http2-prior-knowledge", `${h2c}/close`]);
      assert.equal(closed.code, 0, closed.stderr);
      assert.equal(closed.stdout.toString(), "closed-body");

      // trailers of a chunked response arrive as a trailer HEADERS
      const tc = await RawH2.open(clear);
      tc.send(tc.headers(1, [...GET.filter(([n]) => n !== ":path"), [":path", "/chunked"]]));
      assert.ok(
        await tc.until(() => tc.frames.filter((f) => f.type === FRAME.HEADERS).length >= 2),
      );
      const trailer = tc.frames.filter((f) => f.type === FRAME.HEADERS)[1]!;
      assert.equal(trailer.flags & 0x1, 0x1, "the trailer section ends the stream");
      tc.close();

      // flow control: a client that opens no window gets no more than its window; then all of it
      const slow = await RawH2.open(clear, false);
      slow.send(
        CLIENT_PREFACE,
        encodeSettings([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 1000 }]),
        encodeSettings([], true),
        slow.headers(1, [...GET.filter(([n]) => n !== ":path"), [":path", "/big"]]),
      );
      const dataBytes = () =>
        slow.frames.filter((f) => f.type === FRAME.DATA).reduce((n, f) => n + f.payload.length, 0);
      assert.ok(await slow.until(() => dataBytes() >= 1000), "the first window's worth came");
      await new Promise((res) => setTimeout(res, 300));
      assert.equal(dataBytes(), 1000, "nothing past the stream window");
      slow.send(encodeWindowUpdate(0, 2 * MiB), encodeWindowUpdate(1, 2 * MiB));
      assert.ok(await slow.until(() => dataBytes() >= MiB, 10_000), `got ${dataBytes()} bytes`);
      const body = Buffer.concat(
        slow.frames.filter((f) => f.type === FRAME.DATA && f.streamId === 1).map((f) => f.payload),
      );
      assert.equal(sha(body), sha(BIG), "the body is whole once the window opened");
      slow.close();

      // nghttp: 10 concurrent streams; then a deny on one stream of three, the others served
      const ng = await run("nghttp", ["-n", "-v", "-m", "10", `${h2c}/n`]);
      assert.equal(ng.code, 0, ng.out);
      assert.equal(ng.out.match(/:status: 200/g)?.length, 10, ng.out);
      const mixed = await run("nghttp", ["-n", "-v", `${h2c}/a`, `${h2c}/deny`, `${h2c}/b`]);
      assert.equal(mixed.out.match(/:status: 200/g)?.length, 2, mixed.out);
      assert.equal(mixed.out.match(/:status: 403/g)?.length, 1, mixed.out);

      // h2load: 2000 requests, 4 connections, 100 streams each
      const load = await run("h2load", ["-n", "2000", "-c", "4", "-m", "100", `${h2c}/load`]);
      assert.match(load.out, /2000 succeeded, 0 failed, 0 errored/, load.out);
      assert.match(load.out, /status codes: 2000 2xx/, load.out);

      // protocol errors over real sockets: the exact GOAWAY / RST_STREAM code
      for (const k of CASES) {
        const c = await RawH2.open(clear, !k.raw);
        k.run(c);
        if ("goaway" in k.expect) {
          await c.until(() => c.goaway() !== null);
          assert.equal(errorName(c.goaway() ?? -1), errorName(k.expect.goaway), k.name);
        } else {
          const [sid, code] = k.expect.rst;
          await c.until(() => c.rst(sid) !== null);
          assert.equal(errorName(c.rst(sid) ?? -1), errorName(code), k.name);
          assert.equal(c.goaway(), null, `${k.name}: no GOAWAY`);
        }
        c.close();
      }

      // rapid reset: HEADERS then RST_STREAM, 150 times, on one connection (threshold 100)
      const flood = await RawH2.open(clear);
      const served = curl(["--http2-prior-knowledge", `${h2c}/during-flood`]);
      for (let i = 0, id = 1; i < 150; i++, id += 2) {
        flood.send(flood.headers(id), encodeRstStream(id, E.CANCEL));
      }
      await flood.until(() => flood.goaway() !== null, 5000);
      assert.equal(errorName(flood.goaway() ?? -1), "ENHANCE_YOUR_CALM");
      await flood.until(() => flood.closed, 3000);
      assert.equal(flood.closed, true, "the flooding connection is closed");
      const other = await served;
      assert.equal(other.stdout.toString(), "ok", "a client on another connection is served");
      await waitForLine(proxy, /HTTP\/2 connection error ENHANCE_YOUR_CALM: \d+ glitches/);
      // the glitches and the cut connection are in the frontend's stats (a local service, over h2)
      const metrics = (await curl(["--http2-prior-knowledge", `${h2c}/metrics`])).stdout.toString();
      const count = (name: string) =>
        Number(
          new RegExp(`^tsproxy_frontend_${name}\\{proxy="web"\\} (\\d+)`, "m").exec(metrics)?.[1],
        );
      assert.ok(count("h2_glitches_total") > 100, metrics.slice(0, 2000));
      assert.ok(count("h2_connection_errors_total") >= 12, "GOAWAYs for errors counted");
      assert.ok(count("h2_connections_total") >= 20, "h2 connections counted");
    } finally {
      await proxy.stop();
      origin.close();
    }
  });
}
