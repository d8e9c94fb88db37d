/** The TLS of a bind in the plan: certificates and settings read from files, and re-read on reload. */
import type { TlsBindConfig } from "../config/bind.ts";
import type { Config } from "../config/schema.ts";
import type { BindTls } from "../proxy/accept/listeners.ts";
import type { TlsCertificate } from "../runtime/types.ts";
import { loadCaFile, loadCertificates, resolveFile, resolveSource } from "../tls/certificates.ts";

/** A TLS bind in the plan (the data path's type; see ListenerGroup). */
export type BindTlsPlan = BindTls;

/**
 * A bind's TLS settings with its files read; `where` ("frontend web bind[0]") prefixes errors.
 * `handshakeTimeoutMs` is the frontend's client timeout (0: the runtime's default).
 */
export function bindTlsPlan(
  tls: TlsBindConfig,
  where: string,
  handshakeTimeoutMs: number,
  /** The config file's directory: relative file names resolve against it. */
  base: string | undefined,
  /** Rules read the SNI, protocol or cipher (see {@link readsTlsFacts}). */
  facts = false,
): BindTlsPlan {
  const entries = tls.certificates.map((c) => resolveSource(c, base));
  const load = (): TlsCertificate[] => {
    try {
      return loadCertificates(entries);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  };
  let ca: string | undefined;
  if (tls.caFile !== undefined) {
    try {
      ca = loadCaFile(resolveFile(tls.caFile, base));
    } catch (err) {
      throw new Error(`${where}: caFile: ${(err as Error).message}`);
    }
  }
  return {
    options: {
      certificates: load(),
      alpn: tls.alpn,
      minVersion: tls.minVersion,
      maxVersion: tls.maxVersion,
      ciphers: tls.ciphers,
      strictSni: tls.strictSni,
      verify: tls.verify,
      ca,
      ...(handshakeTimeoutMs > 0 ? { handshakeTimeoutMs } : {}),
      ...(facts ? { facts } : {}),
    },
    where,
    reload: load,
  };
}

const FACT_FETCHES = /\bssl_fc_(?:sni|has_sni|protocol|cipher)\b/;

/**
 * Whether rules that may run for frontend `name` (its own, and any backend's, since useBackend can
 * name any) read the connection's SNI, protocol or cipher: a TLS stack that cannot tell them
 * (Deno's native one) must then not serve its binds.
 */
export function readsTlsFacts(config: Config, name: string): boolean {
  const fe = config.frontends[name];
  return FACT_FETCHES.test(JSON.stringify([fe, config.backends]));
}
