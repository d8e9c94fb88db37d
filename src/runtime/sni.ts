/** Picking a certificate by the client's SNI: exact name, then a wildcard covering one label, else the default. */
import type { TlsCertificate } from "./tls_types.ts";

/**
 * The certificates of a listener indexed by name. The first certificate is the default; when two
 * certificates claim the same name the first one listed keeps it (as HAProxy's crt order).
 */
export class SniTable<C> {
  readonly default: C;
  #exact = new Map<string, C>();
  /** By the suffix a wildcard covers: "*.example.com" → "example.com". */
  #wild = new Map<string, C>();

  /** `build` turns each certificate into what the stack uses (a SecureContext); it may throw. */
  constructor(certificates: readonly TlsCertificate[], build: (cert: TlsCertificate) => C) {
    if (certificates.length === 0) throw new RangeError("a TLS listener needs a certificate");
    const built = certificates.map((c) => ({ cert: c, ctx: build(c) }));
    this.default = built[0]!.ctx;
    for (const { cert, ctx } of built) {
      for (const name of cert.names) {
        const n = name.toLowerCase();
        if (n.startsWith("*.")) {
          if (!this.#wild.has(n.slice(2))) this.#wild.set(n.slice(2), ctx);
        } else if (!this.#exact.has(n)) this.#exact.set(n, ctx);
      }
    }
  }

  /** The certificate for `servername`, or undefined when none answers for it. */
  match(servername: string): C | undefined {
    const name = servername.toLowerCase().replace(/\.$/, "");
    const exact = this.#exact.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf(".");
    return dot > 0 ? this.#wild.get(name.slice(dot + 1)) : undefined;
  }

  /** What a handshake with `servername` (empty: no SNI) gets: a match, else the default; undefined under strict SNI. */
  pick(servername: string, strict: boolean): C | undefined {
    const found = servername === "" ? undefined : this.match(servername);
    return found ?? (strict ? undefined : this.default);
  }
}
