/** tcp-request rules in the running proxy: TLS (by SNI, not terminated), HTTP and SSH on one port; connection and content rejects. */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { exchange, namedServer, type Origin, tcpServer } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** A self-signed certificate for `cn`, made with the openssl CLI. */
function selfSigned(cn: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-cert-"));
  const cert = join(dir, "cert.pem"), key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${cn}`,
    "-keyout",
    key,
    "-out",
    cert,
  ], { stdio: "ignore" });
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

/** A TLS origin presenting `cn`'s certificate that writes its name and closes. */
function tlsOrigin(cn: string, name: string): Promise<{ port: number; close(): void }> {
  const server = createTlsServer(selfSigned(cn), (s) => {
    s.on("error", () => {});
    s.end(`${name}\n`);
  });
  return new Promise((resolve) =>
    server.listen(
      0,
      "127.0.0.1",
      () => resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() }),
    )
  );
}

/** Runs a command with a deadline; resolves with its stdout and stderr together. */
function run(cmd: string, args: string[], ms = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const t = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`${cmd} took over ${ms} ms:\n${out}`));
    }, ms);
    p.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

const SSH = "5353482d322e30"; // "SSH-2.0"

for (const rt of RUNTIMES) {
  test(`${rt}: TLS by SNI (not terminated), HTTP and SSH share one port; the rest goes to the default`, async () => {
    const a = await tlsOrigin("a.example", "origin-a");
    const b = await tlsOrigin("b.example", "origin-b");
    const web = createHttpServer((_q, r) => r.end("web"));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    const ssh: Origin = await tcpServer((s) => s.end("SSH-2.0-tsproxy_test_banner\r\n"));
    const other = await namedServer("other");
    const proxy = await startProxy(
      rt,
      `
global: { log: stdout }
frontends:
  edge:
    bind: ["127.0.0.1:0"]
    mode: tcp
    tcpRequest:
      - inspect-delay 700ms
      - content accept if { req.ssl_hello_type 1 }
      - content accept if HTTP
      - content accept if { req.payload(0,7) -m bin ${SSH} }
    useBackend:
      - tls_a if { req.ssl_sni -i a.example }
      - tls_b if { req.ssl_sni -m end .b.example } || { req.ssl_sni b.example }
      - web if HTTP
      - ssh if { req.payload(0,7) -m bin ${SSH} }
    defaultBackend: other
backends:
  tls_a: { mode: tcp, servers: [{ name: a, address: "127.0.0.1:${a.port}" }] }
  tls_b: { mode: tcp, servers: [{ name: b, address: "127.0.0.1:${b.port}" }] }
  web: { mode: tcp, servers: [{ name: w, address: "127.0.0.1:${
        (web.address() as AddressInfo).port
      }" }] }
  ssh: { mode: tcp, servers: [{ name: s, address: "127.0.0.1:${ssh.port}" }] }
  other: { mode: tcp, servers: [{ name: o, address: "127.0.0.1:${other.port}" }] }
`,
    );
    try {
      const port = String(proxy.ports[0]);
      for (
        const [sni, cn, body] of [["a.example", "a.example", "origin-a"], [
          "B.Example",
          "b.example",
          "origin-b",
        ]]
      ) {
        const out = await run("openssl", [
          "s_client",
          "-connect",
          `127.0.0.1:${port}`,
          "-servername",
          sni!,
          "-ign_eof",
        ]);
        assert.match(out, new RegExp(`subject=\\s*CN\\s*=\\s*${cn!.replace(".", "\\.")}`), out);
        assert.match(out, new RegExp(body!), out);
      }
      const http = await run("curl", ["-sS", "--max-time", "10", `http://127.0.0.1:${port}/`]);
      assert.equal(http, "web");
      const sshOut = await run("ssh", [
        "-v",
        "-p",
        port,
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "ConnectTimeout=10",
        "t@127.0.0.1",
        "true",
      ]);
      assert.match(sshOut, /remote software version tsproxy_test_banner/, sshOut);
      // bytes none of the rules recognise: decided when the inspect delay runs out
      const t0 = Date.now();
      const r = await exchange(Number(port), "hello\n", { keepOpen: true });
      assert.equal(r.data.toString(), "other");
      assert.ok(Date.now() - t0 >= 600, `decided after ${Date.now() - t0} ms, before the delay`);
      // a client that half-closes is final at once: no wait for the delay
      const t1 = Date.now();
      assert.equal((await exchange(Number(port), "quit\n")).data.toString(), "other");
      assert.ok(Date.now() - t1 < 600, `a half-closed client waited ${Date.now() - t1} ms`);
    } finally {
      await proxy.stop();
      a.close();
      b.close();
      web.close();
      await ssh.close();
      await other.close();
    }
  });

  test(`${rt}: connection reject drops the client before any server; content reject is logged PR`, async () => {
    const origin = await namedServer("origin");
    const proxy = await startProxy(
      rt,
      `
global: { log: stdout }
frontends:
  shut:
    bind: ["127.0.0.1:0"]
    mode: tcp
    acl: ["me src 127.0.0.0/8"]
    tcpRequest: ["connection reject if me"]
    defaultBackend: be
  picky:
    bind: ["127.0.0.1:0"]
    mode: tcp
    tcpRequest:
      - inspect-delay 5s
      - content reject if { req.payload(0,3) -m str BAD }
      - content accept if { req.len ge 3 }
    defaultBackend: be
backends:
  be: { mode: tcp, servers: [{ name: o, address: "127.0.0.1:${origin.port}" }] }
`,
      2,
    );
    try {
      const [shut, picky] = proxy.ports as [number, number];
      const r1 = await exchange(shut, "hi", { keepOpen: true, timeoutMs: 5000 });
      assert.equal(r1.data.length, 0);
      const r2 = await exchange(picky, "BAD request", { keepOpen: true, timeoutMs: 5000 });
      assert.equal(r2.data.length, 0);
      assert.ok(r2.ms < 3000, `the reject took ${r2.ms} ms`);
      assert.equal(origin.accepted, 0, "no rejected connection reached the server");
      const r3 = await exchange(picky, "GOOD", { keepOpen: true, timeoutMs: 5000 });
      assert.equal(r3.data.toString(), "origin");
      assert.ok(r3.ms < 3000, `an accepted payload waited ${r3.ms} ms`);
      assert.equal(origin.accepted, 1);
      const deadline = Date.now() + 3000;
      while (!/picky be\/<NOSRV> .* PR /.test(proxy.output()) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(proxy.output(), /picky be\/<NOSRV> .* PR /);
      assert.doesNotMatch(proxy.output(), /\bshut\b.*<NOSRV>/, "connection rejects are not logged");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
