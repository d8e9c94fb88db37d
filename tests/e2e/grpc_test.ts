/**
 * gRPC through tsproxy on Deno, Bun and the binary: a @grpc/grpc-js client and server, h2c on both
 * sides and TLS (ALPN h2) on both sides; unary calls with metadata and trailers, a non-OK status,
 * server streaming (spaced messages arrive spaced; 4 MiB under flow control), client streaming.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { echoService, grpc, say, startGrpcServer } from "./helpers/grpc.ts";
import { waitForLine } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const ca = makeCa();
const site = ca.issue("site", "site.example");
const origin = ca.issue("origin", "origin.example");

function config(plain: number, secure: number): string {
  return `
defaults:
  mode: http
  timeout: { connect: 2s, client: 20s, server: 20s }
frontends:
  clear:
    bind: ["127.0.0.1:0"]
    defaultBackend: grpc_h2c
  tls:
    bind:
      - address: "127.0.0.1:0"
        tls: { certificates: ["${site.pemFile}"], alpn: [h2, http/1.1] }
    defaultBackend: grpc_tls
backends:
  grpc_h2c:
    servers:
      - { name: plain, address: "127.0.0.1:${plain}", proto: h2 }
  grpc_tls:
    servers:
      - { name: secure, address: "127.0.0.1:${secure}", ssl: true, verify: none, alpn: [h2, http/1.1] }
`;
}

// deno-lint-ignore no-explicit-any
type Any = any;

/** Server streaming: the messages, when each came, the status. */
function count(client: Any, n: number, size: number) {
  return new Promise<{ msgs: Any[]; at: number[]; status: grpc.StatusObject }>((resolve) => {
    const msgs: Any[] = [], at: number[] = [];
    const call = client.Count({ count: n, text: String(size) }, {
      deadline: Date.now() + 20_000,
    });
    call.on("data", (m: Any) => {
      msgs.push(m);
      at.push(Date.now());
    });
    call.on("error", () => {});
    call.on("status", (status: grpc.StatusObject) => resolve({ msgs, at, status }));
  });
}

/** Client streaming: `n` messages of `size` bytes with an x-token, the reply and the status. */
function sum(client: Any, n: number, size: number, token: string) {
  return new Promise<{ reply: Any; status: grpc.StatusObject }>((resolve) => {
    const md = new grpc.Metadata();
    md.set("x-token", token);
    let reply: Any = null;
    const call = client.Sum(
      md,
      { deadline: Date.now() + 20_000 },
      (_e: Any, r: Any) => (reply = r),
    );
    call.on("status", (status: grpc.StatusObject) => setTimeout(() => resolve({ reply, status })));
    let i = 0;
    const write = () => {
      while (i < n) {
        const ok = call.write({ count: i, blob: Buffer.alloc(size, i & 255) });
        i++;
        if (!ok) return call.once("drain", write);
      }
      call.end();
    };
    write();
  });
}

async function exercise(client: Any, label: string): Promise<void> {
  const ok = await say(client, "hi", `tok-${label}`);
  assert.equal(ok.status.code, grpc.status.OK, `${label}: ${ok.status.details}`);
  assert.equal(ok.reply?.text, "echo:hi");
  assert.equal(ok.reply?.count, 7);
  assert.equal(ok.headers.get("x-reply-token")[0], `tok-${label}`, "initial metadata");
  assert.equal(ok.status.metadata.get("x-trailer")[0], "t-hi", "trailing metadata");

  const bad = await say(client, "fail", "t");
  assert.equal(bad.status.code, grpc.status.NOT_FOUND, `${label}: ${bad.status.details}`);
  assert.equal(bad.status.details, "no such thing");
  assert.equal(bad.status.metadata.get("x-why")[0], "asked to fail");

  const spaced = await count(client, 6, 0);
  assert.equal(spaced.status.code, grpc.status.OK, spaced.status.details);
  assert.deepEqual(spaced.msgs.map((m) => m.text), ["m0", "m1", "m2", "m3", "m4", "m5"]);
  assert.equal(spaced.status.metadata.get("x-sent")[0], "6");
  // 20 ms apart at the server: they arrive spread out, not gathered at the end
  assert.ok(
    spaced.at[5]! - spaced.at[0]! >= 60,
    `${label}: spread ${spaced.at[5]! - spaced.at[0]!} ms`,
  );

  const big = await count(client, 64, 65536);
  assert.equal(big.status.code, grpc.status.OK, big.status.details);
  assert.equal(big.msgs.length, 64);
  assert.ok(big.msgs.every((m, i) => m.blob.length === 65536 && m.blob[100] === (i & 255)));

  const up = await sum(client, 50, 32768, `up-${label}`);
  assert.equal(up.status.code, grpc.status.OK, up.status.details);
  assert.equal(up.reply?.text, `up-${label}`, "request metadata reached the server");
  assert.equal(up.reply?.count, (49 * 50) / 2);
  assert.equal(up.status.metadata.get("x-bytes")[0], String(50 * 32768));
}

for (const rt of RUNTIMES) {
  test(
    `${rt}: gRPC through tsproxy (h2c and TLS both sides): unary, trailers, a non-OK status, server and client streaming`,
    { timeout: 120_000 },
    async () => {
      const plain = await startGrpcServer();
      const secure = await startGrpcServer(
        grpc.ServerCredentials.createSsl(null, [{
          cert_chain: Buffer.from(origin.cert),
          private_key: Buffer.from(origin.key),
        }], false),
      );
      const proxy = await startProxy(rt, config(plain.port, secure.port), 2);
      const [clearPort, tlsPort] = proxy.ports as [number, number];
      const Echo = echoService();
      const c1 = new Echo(`127.0.0.1:${clearPort}`, grpc.credentials.createInsecure());
      const c2 = new Echo(
        `127.0.0.1:${tlsPort}`,
        grpc.credentials.createSsl(Buffer.from(ca.caPem)),
        { "grpc.ssl_target_name_override": "site.example" },
      );
      try {
        await exercise(c1, "h2c");
        await exercise(c2, "tls");
        for (const s of [plain, secure]) {
          assert.deepEqual(s.seen.calls.sort(), ["Count", "Count", "Say", "Say", "Sum"]);
        }
        await waitForLine(
          proxy,
          /clear grpc_h2c\/plain .* 200 .*"POST \/test\.Echo\/Say HTTP\/2\.0"/,
        );
        await waitForLine(
          proxy,
          /tls grpc_tls\/secure .* 200 .*"POST \/test\.Echo\/Sum HTTP\/2\.0"/,
        );
      } catch (err) {
        console.log(proxy.output());
        throw err;
      } finally {
        c1.close();
        c2.close();
        await proxy.stop();
        plain.server.forceShutdown();
        secure.server.forceShutdown();
      }
    },
  );
}
