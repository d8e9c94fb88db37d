/** TLS server handshakes on node:tls over connections accepted as plain TCP (a PROXY header came first), both runtimes. */
import tls from "node:tls";
import { NodeTlsSocket, type PauseMode, tlsInfoOf } from "./node_tls.ts";
import { contextOptions, type NodeTlsHow, secureContexts, sniCallback } from "./node_tls_listen.ts";
import { SocketDuplex } from "./socket_duplex.ts";
import type { SniTable } from "./sni.ts";
import type { TlsCertificate, TlsServerOptions } from "./tls_types.ts";
import type { Socket, TlsAcceptor } from "./types.ts";

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

class NodeTlsAcceptor implements TlsAcceptor {
  readonly stack = "node:tls" as const;
  readonly warnings: readonly string[];
  readonly #o: TlsServerOptions;
  readonly #pauseMode: PauseMode;
  #table: SniTable<tls.SecureContext>;
  /** Under strict SNI: a context without a certificate, so a handshake without a known name fails. */
  readonly #bare: tls.SecureContext | null;

  constructor(o: TlsServerOptions, how: NodeTlsHow) {
    this.#o = o;
    this.warnings = how.warnings ?? [];
    this.#pauseMode = how.pauseMode ?? "stream";
    this.#table = secureContexts(o, o.certificates);
    this.#bare = o.strictSni === true ? tls.createSecureContext(contextOptions(o)) : null;
  }

  accept(sock: Socket, servername?: string): Promise<Socket> {
    const o = this.#o;
    const verify = o.verify ?? "none";
    const strict = o.strictSni === true;
    const picked = servername === undefined ? undefined : this.#table.pick(servername, strict);
    if (servername !== undefined && picked === undefined) {
      sock.close();
      const why = `no certificate for server name "${servername}" (strict SNI)`;
      return Promise.reject(new Error(`TLS handshake with ${sock.remoteAddress} failed: ${why}`));
    }
    const duplex = new SocketDuplex(sock);
    const t = new tls.TLSSocket(duplex, {
      isServer: true,
      secureContext: picked ?? this.#bare ?? this.#table.default,
      SNICallback: sniCallback(() => this.#table, strict),
      ...(o.alpn?.length ? { ALPNProtocols: [...o.alpn] } : {}),
      requestCert: verify !== "none",
      rejectUnauthorized: verify === "required",
    });
    t.once("close", () => duplex.destroy());
    const ms = o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT;
    const where = `${sock.remoteAddress}:${sock.remotePort}`;
    return new Promise<Socket>((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        t.destroy();
        sock.close();
        reject(new Error(`TLS handshake with ${where} failed: ${why}`));
      };
      const timer = setTimeout(() => fail(`not done after ${ms}ms`), ms);
      t.on("error", (err: Error) => fail(err.message));
      t.once("close", () => fail("the connection closed"));
      t.once("secure", () => {
        // node:tls checks the chain only when it runs the server itself: make sure here too
        if (verify === "required" && !t.authorized) {
          return fail(`client certificate refused: ${t.authorizationError ?? "not verified"}`);
        }
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(new NodeTlsSocket(t, tlsInfoOf(t, verify !== "none"), this.#pauseMode, sock));
      });
    });
  }

  // deno-lint-ignore require-await
  async setCertificates(certificates: readonly TlsCertificate[]): Promise<void> {
    this.#table = secureContexts(this.#o, certificates); // throws before anything changes
  }
}

/** A node:tls acceptor for `o` (certificates checked now: throws naming the one that cannot be used). */
export function nodeTlsAcceptor(o: TlsServerOptions, how: NodeTlsHow = {}): TlsAcceptor {
  return new NodeTlsAcceptor(o, how);
}
