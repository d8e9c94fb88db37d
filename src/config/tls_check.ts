/** Config checks that read TLS files: bind certificates and CA files, server CA files and client certificates. */
import {
  CertificateError,
  loadCaFile,
  loadCertificateEntry,
  loadCertificates,
  resolveFile,
  resolveSource,
} from "../tls/certificates.ts";
import { configDir } from "./base_dir.ts";
import type { CrossIssue } from "./errors.ts";
import type { Config } from "./schema.ts";

/** Every TLS file problem of `config`, each at the path of the entry that names the file. */
export function tlsIssues(config: Config): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const base = configDir(config);
  const file = (f: string) => resolveFile(f, base);
  const attempt = (path: CrossIssue["path"], run: () => unknown) => {
    try {
      run();
    } catch (err) {
      if (err instanceof CertificateError) {
        issues.push({ path: [...path, err.index], message: err.message });
      } else issues.push({ path, message: (err as Error).message });
    }
  };
  for (const [name, fe] of Object.entries(config.frontends)) {
    fe.bind.forEach((bind, i) => {
      const tls = bind.tls;
      if (!tls) return;
      const at = ["frontends", name, "bind", i, "tls"];
      attempt(
        [...at, "certificates"],
        () => loadCertificates(tls.certificates.map((c) => resolveSource(c, base))),
      );
      if (tls.caFile !== undefined) attempt([...at, "caFile"], () => loadCaFile(file(tls.caFile!)));
      else if (tls.verify !== "none") {
        issues.push({
          path: [...at, "verify"],
          message:
            `verify ${tls.verify} needs a caFile (the CAs client certificates must chain to)`,
        });
      }
      const order = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
      if (tls.maxVersion && order.indexOf(tls.maxVersion) < order.indexOf(tls.minVersion)) {
        issues.push({
          path: [...at, "maxVersion"],
          message: `maxVersion ${tls.maxVersion} is older than minVersion ${tls.minVersion}`,
        });
      }
    });
  }
  for (const [name, be] of Object.entries(config.backends)) {
    be.servers.forEach((s, i) => {
      const at = ["backends", name, "servers", i];
      if (s.caFile !== undefined) attempt([...at, "caFile"], () => loadCaFile(file(s.caFile!)));
      if (s.crt !== undefined) attempt([...at, "crt"], () => loadCertificateEntry(file(s.crt!)));
      if (s.ssl || s.checkSsl) return;
      for (const key of ["verify", "caFile", "sni", "alpn", "crt"] as const) {
        if (s[key] !== undefined) {
          issues.push({
            path: [...at, key],
            message: `"${key}" applies to TLS connections: set "ssl: true" (or checkSsl) on ` +
              `server "${s.name}"`,
          });
        }
      }
    });
  }
  return issues;
}
