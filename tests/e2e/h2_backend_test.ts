/**
 * HTTP/2 to servers (proto h2) on Deno, Bun and the binary, to a node:http2 origin that allows 50
 * streams per connection: h2load 5000 x 4 x 100 all 2xx over a few multiplexed connections within
 * the origin's limit (its answers wait 10 ms, so streams pile up); an HTTP/1.1 curl (GET, chunked 1 MiB upload with te: trailers, trailers
 * back); an h2 client's 1 MiB download; a new connection after the origin's GOAWAY.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { curl, waitForLine } from "./helpers/http.ts";
import { RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";

const MiB = 1 << 20;
const BIG = Buffer.alloc(MiB, 0).map((_, i) => (i * 7 + (i >> 10)) & 255);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const MAX_STREAMS = 50;

/** The origin: /big 1 MiB, /echo the body back with trailers, /slow after 10 ms, else at once: a small text with what it saw. */
async function h2Origin() {
  const server = http2.createServer({ settings: { maxConcurrentStreams: MAX_STREAMS } });
  const seen = {
    sessions: 0,
    maxOpen: 0,
    te: [] as string[],
    sessionList: [] as http2.ServerHttp2Session[],
  };
  const open = new Map<unknown, number>();
  server.on("session", (s) => {
    seen.sessions++;
    seen.sessionList.push(s);
  });
  server.on("stream", (stream, headers) => {
    const n = (open.get(stream.session) ?? 0) + 1; // streams open at once on this connection
    open.set(stream.session, n);
    seen.maxOpen = Math.max(seen.maxOpen, n);
    const over = () => open.set(stream.session, open.get(stream.session)! - 1);
    const path = String(headers[":path"]);
    if (headers["te"] !== undefined) seen.te.push(String(headers["te"]));
    if (path === "/big" || path === "/echo") over();
    if (path === "/big") {
      stream.respond({ ":status": 200, "content-length": BIG.length });
      return stream.end(BIG);
    }
    if (path === "/echo") {
      const chunks: Buffer[] = [];
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        stream.respond({ ":status": 200, "x-len": String(body.length) }, {
          waitForTrailers: true,
        });
        stream.on("wantTrailers", () => stream.sendTrailers({ "x-sum": sha(body).slice(0, 16) }));
        stream.end(body);
      });
      return;
    }
    const answer = () => {
      if (stream.closed) return;
      stream.respond({
        ":status": 200,
        "x-authority": String(headers[":authority"]),
        "x-scheme": String(headers[":scheme"]),
      });
      stream.end(`h2 ${headers[":method"]} ${path}`);
      over(); // both sides ended (the request had END_STREAM)
    };
    if (path === "/slow") setTimeout(answer, 10); // streams pile up to the origin's limit
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, seen, port: (server.address() as AddressInfo).port };
}

function config(port: number): string {
  return `
defaults:
  mode: http
  timeout: { connect: 2s, client: 20s, server: 20s }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
backends:
  app:
    servers:
      - { name: h2, address: "127.0.0.1:${port}", proto: h2, check: true, inter: 500ms }
`;
}

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

for (const rt of RUNTIMES) {
  test(
    `${rt}: HTTP/2 to an h2 origin: h2load multiplexed within its stream limit, HTTP/1.1 and h2 clients, trailers, te, GOAWAY`,
    {
      timeout: 120_000,
    },
    async () => {
      const origin = await h2Origin();
      const proxy = await startProxy(rt, config(origin.port));
      const base = `http://127.0.0.1:${proxy.ports[0]}`;
      try {
        // an HTTP/1.1 client reaches the h2 origin; :authority from Host, :scheme http
        const get = await curl(["-i", `${base}/hello`]);
        assert.equal(get.code, 0, get.stderr);
        const text = get.stdout.toString();
        assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(text, new RegExp(`x-authority: 127\\.0\\.0\\.1:${proxy.ports[0]}\\r\\n`));
        assert.match(text, /x-scheme: http\r\n/);
        assert.match(text, /\r\n\r\n[0-9a-f]+\r\nh2 GET \/hello\r\n0\r\n\r\n$|h2 GET \/hello$/);
        await waitForLine(proxy, /web app\/h2 .* 200 .*"GET \/hello HTTP\/1\.1"/);

        // 1 MiB chunked upload with te: trailers; the body comes back with the origin's trailers
        const file = join(writeTemp("up.bin", ""), "..", "up.bin");
        writeFileSync(file, BIG);
        const up = await curl([
          "--raw",
          "-i",
          "-H",
          "te: trailers",
          "-H",
          "transfer-encoding: chunked",
          "--data-binary",
          `@${file}`,
          `${base}/echo`,
        ]);
        assert.equal(up.code, 0, up.stderr);
        const raw = up.stdout.toString("latin1");
        assert.match(raw, /x-len: 1048576\r\n/);
        assert.match(raw, /transfer-encoding: chunked\r\n/);
        assert.ok(
          raw.endsWith(`0\r\nx-sum: ${sha(BIG).slice(0, 16)}\r\n\r\n`),
          "the trailer reached the HTTP/1.1 client",
        );
        assert.deepEqual(origin.seen.te, ["trailers"], "te: trailers kept toward the h2 server");

        // an h2 client: 1 MiB download byte-exact
        const big = await curl(["--http2-prior-knowledge", `${base}/big`]);
        assert.equal(big.code, 0, big.stderr);
        assert.equal(sha(big.stdout), sha(BIG));

        // h2load: 5000 requests, 4 connections x 100 streams, all 2xx over multiplexed streams
        const before = origin.seen.sessions;
        const h = await run("h2load", ["-n", "5000", "-c", "4", "-m", "100", `${base}/slow`]);
        assert.match(h.out, /5000 succeeded, 0 failed, 0 errored/, h.out);
        assert.match(h.out, /status codes: 5000 2xx/, h.out);
        const opened = origin.seen.sessions - before;
        console.log(
          `h2load: ${opened} connections, ${origin.seen.maxOpen} streams at once at most`,
        );
        assert.ok(opened <= 16, `${opened} connections for 400 concurrent streams`);
        assert.ok(origin.seen.maxOpen <= MAX_STREAMS, `${origin.seen.maxOpen} streams at once`);
        assert.ok(origin.seen.maxOpen >= 10, `${origin.seen.maxOpen} streams at once: multiplexed`);
        const h1 = await run("h2load", ["--h1", "-n", "2000", "-c", "8", `${base}/small`]);
        assert.match(h1.out, /status codes: 2000 2xx/, h1.out);

        // the origin says GOAWAY on every connection: the next request opens a new one
        for (const s of origin.seen.sessionList) if (!s.closed) s.close();
        await new Promise((r) => setTimeout(r, 200));
        const after = await curl(["-w", "%{http_code}", "-o", "/dev/null", `${base}/again`]);
        assert.equal(after.stdout.toString(), "200");
      } catch (err) {
        console.log(proxy.output().slice(-4000));
        throw err;
      } finally {
        await proxy.stop();
        for (const s of origin.seen.sessionList) s.destroy();
        origin.server.close();
      }
    },
  );
}
