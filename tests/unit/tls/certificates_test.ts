/** Loading bind certificates: names from the certificate, chain and key checked, errors naming the file. */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  CertificateError,
  loadCaFile,
  loadCertificates,
  resolveSource,
} from "../../../src/tls/certificates.ts";
import { makeCa } from "../../e2e/helpers/certs.ts";

const ca = makeCa();
const a = ca.issue("a", "a.example", ["a.example", "*.a.example"]);
const cnOnly = ca.issue("cn", "cn.example", []);
const b = ca.issue("b", "b.example");

test("loadCertificates() reads names from subjectAltName, else from the CN", () => {
  const [withSan, withCn] = loadCertificates([a.pemFile, {
    cert: cnOnly.certFile,
    key: cnOnly.keyFile,
  }]);
  assert.deepEqual(withSan!.names, ["a.example", "*.a.example"]);
  assert.deepEqual(withCn!.names, ["cn.example"]);
  assert.match(withSan!.cert, /^-----BEGIN CERTIFICATE-----/);
  assert.match(withSan!.key, /PRIVATE KEY-----\n$/);
});

test("loadCertificates() takes every *.pem of a directory, by name", () => {
  const dir = join(ca.dir, "certs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "2-b.pem"), b.cert + b.key);
  writeFileSync(join(dir, "1-a.pem"), a.cert + a.key);
  writeFileSync(join(dir, "notes.txt"), "not a certificate");
  assert.deepEqual(loadCertificates([dir]).map((c) => c.names[0]), ["a.example", "b.example"]);
});

test("loadCertificates() refuses a file without a key, a key that does not match, a missing file", () => {
  const keyless = join(ca.dir, "keyless.pem");
  writeFileSync(keyless, a.cert);
  const swapped = join(ca.dir, "swapped.pem");
  writeFileSync(swapped, a.cert + b.key);
  const cases: [unknown, RegExp][] = [
    [keyless, /^no private key in .*keyless\.pem$/],
    [swapped, /^the private key in .*swapped\.pem does not match its certificate$/],
    [join(ca.dir, "missing.pem"), /^cannot read .*missing\.pem: ENOENT$/],
    [{ cert: b.keyFile, key: b.keyFile }, /^no certificate \(BEGIN CERTIFICATE block\) in /],
  ];
  for (const [entry, message] of cases) {
    assert.throws(
      () => loadCertificates([a.pemFile, entry as string]),
      (err) => err instanceof CertificateError && err.index === 1 && message.test(err.message),
    );
  }
});

test("resolveSource() resolves relative names against the config's directory", () => {
  assert.equal(resolveSource("site.pem", "/etc/tsproxy"), "/etc/tsproxy/site.pem");
  assert.equal(resolveSource("/abs/site.pem", "/etc/tsproxy"), "/abs/site.pem");
  assert.deepEqual(resolveSource({ cert: "c.pem", key: "k.pem" }, "/d"), {
    cert: "/d/c.pem",
    key: "/d/k.pem",
  });
  assert.equal(resolveSource("site.pem", undefined), "site.pem");
});

test("loadCaFile() wants at least one readable certificate", () => {
  assert.match(loadCaFile(ca.caFile), /BEGIN CERTIFICATE/);
  assert.throws(() => loadCaFile(a.keyFile), /no certificate \(BEGIN CERTIFICATE block\) in /);
});
