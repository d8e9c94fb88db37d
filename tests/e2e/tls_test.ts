/** TLS termination end to end: certificates by SNI, strict SNI, ALPN seen by rules, versions, client certificates, check. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { curl, type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { cliCommand, type RunningProxy, RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";
import { sClient } from "./helpers/tls.ts";

const ca = makeCa();
const dflt = ca.issue("default", "default.example");
const a = ca.issue("a", "a.example");
const b = ca.issue("b", "b.example", ["*.b.example"]);
const client = ca.issue("client", "client1");
const stranger = makeCa("stranger CA").issue("stranger", "client2");

/** Binds in order: plain, SNI (3 certificates), strictSni, minVersion TLSv1, verify required, verify optional. */
const PLAIN = 0, SNI = 1, STRICT = 2, TLS1 = 3, REQUIRED = 4, OPTIONAL = 5;

function config(originPort: number): string {
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
  web:
    bind:
      - "127.0.0.1:0"
      - address: "127.0.0.1:0"
        tls: { certificates: ["${dflt.pemFile}", "${a.pemFile}", "${b.pemFile}"], alpn: [http/1.1] }
      - address: "127.0.0.1:0"
        tls: { certificates: ["${a.pemFile}", "${b.pemFile}"], strictSni: true }
      - address: "127.0.0.1:0"
        tls: { certificates: ["${dflt.pemFile}"], minVersion: TLSv1 }
      - address: "127.0.0.1:0"
        tls: { certificates: ["${dflt.pemFile}"], verify: required, caFile: "${ca.caFile}" }
      - address: "127.0.0.1:0"
        tls: { certificates: ["${dflt.pemFile}"], verify: optional, caFile: "${ca.caFile}" }
    forwardedProto: true
    httpRequest:
      - redirect scheme https if !{ ssl_fc }
      - return status 200 content-type text/plain lf-string "alpn=%[ssl_fc_alpn] sni=%[ssl_fc_sni] used=%[ssl_c_used] verify=%[ssl_c_verify] dn=%[ssl_c_s_dn]" if { path /info }
    httpResponse:
      - set-header Strict-Transport-Security "max-age=31536000"
    defaultBackend: app
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:${originPort}" }]
`;
}

/** curl over TLS to bind `port` as https://NAME (resolved to 127.0.0.1), trusting the test CA. */
function curlTls(port: number, name: string, path: string, extra: string[] = []) {
  return curl([
    "--cacert",
    ca.caFile,
    "--resolve",
    `${name}:${port}:127.0.0.1`,
    "--max-time",
    "10",
    ...extra,
    `https://${name}:${port}${path}`,
  ]);
}

for (const rt of RUNTIMES) {
  let started: Promise<{ proxy: RunningProxy; origin: RawHttpOrigin }> | undefined;
  const shared = () =>
    started ??= (async () => {
      const origin = await rawHttpOrigin((req, sock) => {
        const body = `xfp=${
          req.headers.find(([n]) => n.toLowerCase() === "x-forwarded-proto")?.[1]
        }`;
        sock.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      });
      return { proxy: await startProxy(rt, config(origin.port), 6), origin };
    })();

  test(`${rt}: TLS: SNI picks the exact or wildcard certificate, the first without SNI`, async () => {
    const { proxy } = await shared();
    const port = proxy.ports[SNI]!;
    assert.equal((await sClient(port, ["-servername", "a.example"])).cn, "a.example");
    assert.equal((await sClient(port, ["-servername", "x.b.example"])).cn, "b.example");
    assert.equal((await sClient(port, ["-noservername"])).cn, "default.example");
    const unknown = await sClient(port, ["-servername", "c.example"]);
    assert.ok(unknown.ok, unknown.out);
    assert.equal(unknown.cn, "default.example");
    // a wildcard covers one label only
    assert.equal((await sClient(port, ["-servername", "y.x.b.example"])).cn, "default.example");
  });

  test(`${rt}: TLS: strictSni refuses a name no certificate has, and a missing SNI`, async () => {
    const { proxy } = await shared();
    const port = proxy.ports[STRICT]!;
    const known = await sClient(port, ["-servername", "z.b.example"]);
    assert.ok(known.ok, known.out);
    assert.equal(known.cn, "b.example");
    assert.equal((await sClient(port, ["-servername", "c.example"])).ok, false);
    assert.equal((await sClient(port, ["-noservername"])).ok, false);
  });

  test(`${rt}: TLS: the bind's ALPN choice reaches rules; HSTS, X-Forwarded-Proto, redirect scheme`, async () => {
    const { proxy } = await shared();
    const port = proxy.ports[SNI]!;
    const s = await sClient(port, ["-servername", "a.example", "-alpn", "h2,http/1.1"]);
    assert.equal(s.alpn, "http/1.1");
    // curl offers h2 and http/1.1; the bind only http/1.1, which the rule sees
    const info = await curlTls(port, "a.example", "/info");
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout.toString(), /^alpn=http\/1\.1 sni=a\.example used=/);
    const page = await curlTls(port, "x.b.example", "/page", ["-i"]);
    const text = page.stdout.toString();
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /strict-transport-security: max-age=31536000/i);
    assert.match(text, /xfp=https$/);
    const plain = await curl(["-i", `http://127.0.0.1:${proxy.ports[PLAIN]}/x?y=1`]);
    assert.match(plain.stdout.toString(), /^HTTP\/1\.1 302/);
    assert.match(
      plain.stdout.toString(),
      new RegExp(`location: https://127\\.0\\.0\\.1:${proxy.ports[PLAIN]}/x\\?y=1`, "i"),
    );
  });

  test(`${rt}: TLS: TLS 1.1 is refused by default (minVersion TLSv1.2)`, async () => {
    const { proxy } = await shared();
    const old = ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-noservername"];
    const refused = await sClient(proxy.ports[SNI]!, old);
    assert.equal(refused.ok, false, refused.out);
    const allowed = await sClient(proxy.ports[TLS1]!, old);
    if (rt === "deno") {
      // rustls speaks TLS 1.2 and 1.3 only: the bind is refused too, and the log says why
      assert.equal(allowed.ok, false, allowed.out);
      assert.match(
        proxy.output(),
        /minVersion TLSv1: Deno's TLS \(rustls\) speaks TLS 1\.2 and 1\.3 only/,
      );
    } else {
      // the same client gets in where the bind allows TLS 1.0: the refusal above was tsproxy's
      assert.equal(allowed.ok, true, allowed.out);
      assert.equal(allowed.protocol, "TLSv1.1");
    }
  });

  test(`${rt}: TLS: verify required refuses a client without a certificate, shows the DN of one with`, async () => {
    const { proxy } = await shared();
    const port = proxy.ports[REQUIRED]!;
    const none = await curlTls(port, "default.example", "/info");
    assert.notEqual(none.code, 0, "a client without a certificate is refused");
    const withCert = await curlTls(port, "default.example", "/info", [
      "--cert",
      client.certFile,
      "--key",
      client.keyFile,
    ]);
    assert.equal(withCert.code, 0, withCert.stderr);
    assert.equal(
      withCert.stdout.toString(),
      "alpn= sni=default.example used=1 verify=0 dn=/C=FR/O=tsproxy tests/CN=client1",
    );
    const foreign = await curlTls(port, "default.example", "/info", [
      "--cert",
      stranger.certFile,
      "--key",
      stranger.keyFile,
    ]);
    assert.notEqual(foreign.code, 0, "a certificate from another CA is refused");
  });

  test(`${rt}: TLS: verify optional lets clients in and tells rules what they sent`, async () => {
    const { proxy } = await shared();
    const port = proxy.ports[OPTIONAL]!;
    const none = await curlTls(port, "default.example", "/info");
    assert.equal(none.stdout.toString(), "alpn= sni=default.example used=0 verify=0 dn=");
    const good = await curlTls(port, "default.example", "/info", [
      "--cert",
      client.certFile,
      "--key",
      client.keyFile,
    ]);
    assert.match(good.stdout.toString(), /used=1 verify=0 dn=\/C=FR\/O=tsproxy tests\/CN=client1$/);
    const foreign = await curlTls(port, "default.example", "/info", [
      "--cert",
      stranger.certFile,
      "--key",
      stranger.keyFile,
    ]);
    assert.equal(foreign.code, 0, foreign.stderr);
    // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20) or _UNABLE_TO_VERIFY_LEAF_SIGNATURE (21)
    assert.match(
      foreign.stdout.toString(),
      /used=1 verify=(?:20|21) dn=\/C=FR\/O=tsproxy tests\/CN=client2$/,
    );
    const { proxy: p, origin } = await shared();
    assert.equal(await p.stop(), 0);
    await origin.close();
  });

  test(`${rt}: TLS: check refuses a certificate file without its key, naming the entry and the file`, () => {
    const keyless = join(ca.dir, "keyless.pem");
    writeFileSync(keyless, a.cert);
    const cfg = writeTemp(
      "tls.yaml",
      config(1).replace(
        `["${a.pemFile}", "${b.pemFile}"], strictSni`,
        `["${a.pemFile}", "${keyless}"], strictSni`,
      ),
    );
    const [cmd, args] = cliCommand(rt, ["check", "-c", cfg]);
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /frontends\.web\.bind\[2\]\.tls\.certificates\[1\]: no private key in .*keyless\.pem/,
    );
  });
}
