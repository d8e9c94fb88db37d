/** Test certificates made with the openssl CLI: a CA, then server and client certificates it signs. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface IssuedCert {
  /** PEM files: the certificate, its key, and both in one file (HAProxy's crt). */
  readonly certFile: string;
  readonly keyFile: string;
  readonly pemFile: string;
  readonly cert: string;
  readonly key: string;
}

export interface TestCa {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  /** A certificate for `cn` with DNS `names` (default: just cn; none: no subjectAltName), signed by this CA. */
  issue(file: string, cn: string, names?: string[], subject?: string): IssuedCert;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 20_000 });
}

/** A new CA in a temporary directory (EC P-256 keys: quick to make). */
export function makeCa(name = "tsproxy test CA", dir?: string): TestCa {
  const d = dir ?? mkdtempSync(join(tmpdir(), "tsproxy-pki-"));
  const slug = name.replace(/[^a-z0-9]+/gi, "_");
  const caKey = join(d, `${slug}.key`), caFile = join(d, `${slug}.pem`);
  openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    caKey,
    "-out",
    caFile,
    "-days",
    "30",
    "-subj",
    `/O=tsproxy tests/CN=${name}`,
  ], d);
  return {
    dir: d,
    caFile,
    caPem: readFileSync(caFile, "utf8"),
    issue(file, cn, names = [cn], subject) {
      const keyFile = join(d, `${file}.key`), certFile = join(d, `${file}.crt`);
      const csr = join(d, `${file}.csr`), ext = join(d, `${file}.ext`);
      openssl([
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        csr,
        "-subj",
        subject ?? `/C=FR/O=tsproxy tests/CN=${cn}`,
      ], d);
      // no names: no subjectAltName at all, the CN names the certificate
      const extension = names.length === 0 ? [] : ["-extfile", ext];
      writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`);
      openssl([
        ...["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial"],
        ...["-out", certFile, "-days", "30", ...extension],
      ], d);
      const cert = readFileSync(certFile, "utf8"), key = readFileSync(keyFile, "utf8");
      const pemFile = join(d, `${file}.pem`);
      writeFileSync(pemFile, cert + key);
      return { certFile, keyFile, pemFile, cert, key };
    },
  };
}
