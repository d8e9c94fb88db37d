/** The TLS part of the runtime interface: certificates offered by a listener, client settings, a connection's TLS facts. */

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

/** A certificate a TLS listener offers: PEM text, and the names it answers for. */
export interface TlsCertificate {
  /** PEM certificate chain (leaf first). */
  readonly cert: string;
  /** PEM private key of the leaf. */
  readonly key: string;
  /** DNS names read from the certificate, lower case: exact ("a.example") or wildcard ("*.example.com"). */
  readonly names: readonly string[];
  /** Where it came from (a file name), for error messages. */
  readonly source: string;
}

/** TLS termination settings of a listener (HAProxy's `bind ... ssl`). */
export interface TlsServerOptions {
  /** Chosen by the client's SNI; the first is the default (no SNI, or a name none answers for). */
  readonly certificates: readonly TlsCertificate[];
  /** ALPN protocols offered, in preference order; none: ALPN not negotiated. */
  readonly alpn?: readonly string[] | undefined;
  readonly minVersion: TlsVersion;
  readonly maxVersion?: TlsVersion | undefined;
  /** OpenSSL cipher list for TLS 1.2 and older. */
  readonly ciphers?: string | undefined;
  /** Refuse the handshake when the SNI is missing or matches no certificate's names. */
  readonly strictSni?: boolean | undefined;
  /** Client certificates: not asked, asked and checked when sent, or demanded. */
  readonly verify?: "none" | "optional" | "required" | undefined;
  /** PEM CA certificates client certificates must chain to. */
  readonly ca?: string | undefined;
  /**
   * Connections' SNI, protocol and cipher are read (rules use ssl_fc_sni, ssl_fc_protocol or
   * ssl_fc_cipher): only a stack that reports them may serve the listener.
   */
  readonly facts?: boolean | undefined;
  /** Close a connection whose handshake is not done after this many ms (default 10 s). */
  readonly handshakeTimeoutMs?: number | undefined;
}

/** Which TLS stack serves a listener or a connection: the runtime's own, or node:tls. */
export type TlsStack = "bun" | "deno" | "node:tls";

/** What a TLS listener adds to a plain one: certificates replaced while it runs. */
export interface TlsListenerExtras {
  readonly stack: TlsStack;
  /** Settings the stack cannot honour (e.g. TLS 1.0 on rustls), to be logged once. */
  readonly warnings: readonly string[];
  /**
   * Offer `certificates` to new handshakes from now on; open connections keep theirs. Rejects
   * (naming the certificate) when one cannot be used, and then nothing changed.
   */
  setCertificates(certificates: readonly TlsCertificate[]): Promise<void>;
}

/** A client certificate as the server saw it (HAProxy's ssl_c_* fetches). */
export interface ClientCertificateInfo {
  /** The client sent a certificate. */
  readonly used: boolean;
  /** 0 when it verified (or none was sent), else OpenSSL's X509_V_ERR_* code (ssl_c_verify). */
  readonly verify: number;
  /** Its subject in OpenSSL's one-line form, "/C=FR/O=Acme/CN=client1" (ssl_c_s_dn). */
  readonly subjectDN?: string | undefined;
}

/** The TLS facts of a connection, fixed once the handshake is done. */
export interface TlsInfo {
  /** The server name the client sent (SNI). */
  readonly sni?: string | undefined;
  /** The ALPN protocol agreed on. */
  readonly alpn?: string | undefined;
  /** "TLSv1.2", "TLSv1.3". */
  readonly protocol: string;
  /** The cipher's OpenSSL name, e.g. "TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES128-GCM-SHA256". */
  readonly cipher: string;
  /** Present on a listener that asks for client certificates. */
  readonly clientCert?: ClientCertificateInfo | undefined;
}

/** Opaque TLS session state kept per server, so later connections resume the session. */
export interface TlsSessionCache {
  session?: unknown;
}

/** TLS to a server (HAProxy's `server ... ssl`). */
export interface TlsClientOptions {
  /** Sent as SNI and, with verify required, checked against the certificate; none for an IP. */
  readonly servername?: string | undefined;
  /** required: the certificate must chain to `ca` (default: the system's) and match the name. */
  readonly verify: "none" | "required";
  /** PEM CA certificates the server's certificate must chain to. */
  readonly ca?: string | undefined;
  readonly alpn?: readonly string[] | undefined;
  /** PEM client certificate chain and key, when the server asks for one. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Where this server's session is kept for resumption (runtimes that support it). */
  readonly sessions?: TlsSessionCache | undefined;
}

/** OpenSSL's X509_V_ERR_* codes by the names node:tls reports (x509_vfy.h); unknown names map to 1. */
const VERIFY_CODES: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 4,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 6,
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 13,
  ERROR_IN_CERT_NOT_AFTER_FIELD: 14,
  OUT_OF_MEM: 17,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  CERT_UNTRUSTED: 27,
  CERT_REJECTED: 28,
};

/** The X509_V_ERR_* code of a node:tls authorizationError (its `code` or message); 0 for none. */
export function verifyCode(error: unknown): number {
  if (error === null || error === undefined) return 0;
  const name = typeof error === "string"
    ? error
    : String((error as { code?: unknown }).code ?? (error as Error).message ?? "");
  return VERIFY_CODES[name] ?? 1;
}
