/** Reading PEM certificates for TLS binds and servers: chain and key checked to match, names read from the certificate. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/** A certificate entry of a bind: a PEM file (or a directory of them), or separate files. */
export type CertificateSource = string | { cert: string; key: string };

/** A file named in the config, relative to `base` (the config file's directory) unless absolute. */
export function resolveFile(file: string, base: string | undefined): string {
  return base === undefined || isAbsolute(file) ? file : join(base, file);
}

/** A certificate entry with its paths resolved against `base`. */
export function resolveSource(
  entry: CertificateSource,
  base: string | undefined,
): CertificateSource {
  return typeof entry === "string"
    ? resolveFile(entry, base)
    : { cert: resolveFile(entry.cert, base), key: resolveFile(entry.key, base) };
}

/** One usable certificate: PEM text, the names it answers for, and where it came from. */
export interface LoadedCertificate {
  readonly cert: string;
  readonly key: string;
  /** subjectAltName DNS entries, else the subject's CN, lower case ("*.example.com" included). */
  readonly names: readonly string[];
  /** The file(s) it was read from, for messages. */
  readonly source: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`cannot read ${file}: ${code ?? (err as Error).message}`);
  }
}

/** The names a certificate answers for (HAProxy reads them the same way for SNI). */
export function certificateNames(x: X509Certificate): string[] {
  const names: string[] = [];
  for (const part of (x.subjectAltName ?? "").split(/,\s*/)) {
    if (part.startsWith("DNS:")) names.push(part.slice(4).toLowerCase());
  }
  if (names.length > 0) return names;
  const cn = x.subject.split("\n").find((rdn) => rdn.startsWith("CN="));
  return cn ? [cn.slice(3).toLowerCase()] : [];
}

/** Checks a certificate chain and its key; `where` names the file(s) in messages. */
function certificate(certText: string, keyText: string, where: string): LoadedCertificate {
  const chain = certText.match(CERT_BLOCK);
  if (!chain) throw new Error(`no certificate (BEGIN CERTIFICATE block) in ${where}`);
  const keyPem = keyText.match(KEY_BLOCK)?.[0];
  if (!keyPem) throw new Error(`no private key in ${where}`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chain[0]!);
  } catch (err) {
    throw new Error(`unreadable certificate in ${where}: ${(err as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new Error(`unreadable private key in ${where}: ${(err as Error).message}`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(`the private key in ${where} does not match its certificate`);
  }
  return {
    cert: chain.join("\n") + "\n",
    key: keyPem + "\n",
    names: certificateNames(leaf),
    source: where,
  };
}

/** The PEM files of a certificate directory: every *.pem, by name (HAProxy's crt DIR). */
function pemFiles(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".pem")).sort();
  if (files.length === 0) throw new Error(`no *.pem file in directory ${dir}`);
  return files.map((f) => join(dir, f));
}

/**
 * The certificates of one entry (a directory gives several). Throws with a message naming the
 * file: unreadable, no certificate, no key, a key that does not match.
 */
export function loadCertificateEntry(entry: CertificateSource): LoadedCertificate[] {
  if (typeof entry !== "string") {
    return [certificate(read(entry.cert), read(entry.key), `${entry.cert} + ${entry.key}`)];
  }
  let isDir = false;
  try {
    isDir = statSync(entry).isDirectory();
  } catch { /* read() below says what is wrong */ }
  const files = isDir ? pemFiles(entry) : [entry];
  return files.map((f) => {
    const text = read(f);
    return certificate(text, text, f);
  });
}

/** Every certificate of a bind's entries, in order; throws naming the entry index and file. */
export function loadCertificates(entries: readonly CertificateSource[]): LoadedCertificate[] {
  return entries.flatMap((e, i) => {
    try {
      return loadCertificateEntry(e);
    } catch (err) {
      throw new CertificateError(i, (err as Error).message);
    }
  });
}

/** A certificate entry that cannot be used: `index` is its position in the list. */
export class CertificateError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
    this.name = "CertificateError";
  }
}

/** A CA file's PEM text, checked to hold at least one readable certificate. */
export function loadCaFile(file: string): string {
  const text = read(file);
  const blocks = text.match(CERT_BLOCK);
  if (!blocks) throw new Error(`no certificate (BEGIN CERTIFICATE block) in ${file}`);
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (err) {
      throw new Error(`unreadable certificate in ${file}: ${(err as Error).message}`);
    }
  }
  return text;
}
