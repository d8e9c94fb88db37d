/** A server's TLS as the plan needs it: CA file and client certificate read, for traffic (ssl) and for checks (check-ssl). */
import type { ServerTls, SniSpec } from "../backend/server_tls.ts";
import type { ServerConfig } from "../config/schema.ts";
import { loadCaFile, loadCertificateEntry, resolveFile } from "../tls/certificates.ts";

/**
 * A server's TLS settings (ssl) with its CA file and client certificate read; null without ssl.
 * `sni`: the server's sni compiled (config/server_sni.ts), absent when it has none.
 */
export function serverTlsPlan(
  s: ServerConfig,
  where: string,
  base: string | undefined,
  sni?: SniSpec,
): ServerTls | null {
  return s.ssl ? clientSettings(s, where, base, sni ?? null) : null;
}

/**
 * The TLS of a server's health checks (check-ssl), null when they are plain: by default they use
 * TLS when the server has ssl and checks its own address and port, as HAProxy does.
 */
export function checkTlsPlan(
  s: ServerConfig,
  where: string,
  base: string | undefined,
): ServerTls | null {
  const tls = s.checkSsl ?? (s.ssl === true && s.port === undefined && s.addr === undefined);
  // a check has no client connection to evaluate an sni expression on: only a fixed name is sent
  const sni = s.sni?.kind === "literal" ? s.sni : null;
  return tls ? clientSettings(s, where, base, sni, true) : null;
}

function clientSettings(
  s: ServerConfig,
  where: string,
  base: string | undefined,
  sni: SniSpec | null,
  /** Health checks speak HTTP/1.1: h2 is not offered to them. */
  forCheck = false,
): ServerTls {
  const fail = (key: string, err: unknown) => {
    throw new Error(`${where}: ${key}: ${(err as Error).message}`);
  };
  let ca: string | undefined, cert: string | undefined, key: string | undefined;
  try {
    if (s.caFile !== undefined) ca = loadCaFile(resolveFile(s.caFile, base));
  } catch (err) {
    fail("caFile", err);
  }
  try {
    if (s.crt !== undefined) ({ cert, key } = loadCertificateEntry(resolveFile(s.crt, base))[0]!);
  } catch (err) {
    fail("crt", err);
  }
  return {
    verify: s.verify ?? "required",
    ca,
    alpn: forCheck
      ? s.alpn?.filter((p) => p.toLowerCase() !== "h2")
      : s.alpn ?? (s.proto === "h2" ? ["h2"] : undefined),
    cert,
    key,
    sni,
  };
}
