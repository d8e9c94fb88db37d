/** TLS listeners on node:tls (both runtimes): certificates by SNI, client certificates, reload, pause. */
import { AcceptGate } from "./accept_gate.ts";
import tls from "node:tls";
import { checkKeyPair, NodeTlsSocket, type PauseMode, tlsInfoOf } from "./node_tls.ts";
import { addedSocketFd, listeningFd, socketFds } from "./proc_fd.ts";
import { type Suspendable, track, untrack } from "./deno_handover.ts";
import { SniTable } from "./sni.ts";
import type { TlsCertificate, TlsServerOptions } from "./tls_types.ts";
import type { Socket, TlsListener, TlsListenOptions } from "./types.ts";

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
/** Bun's node:net tells a listener's descriptor: no /proc lookup there. */
const BUN = "Bun" in globalThis;

/** The SecureContext settings every certificate of a listener shares. */
export function contextOptions(o: TlsServerOptions): tls.SecureContextOptions {
  return {
    minVersion: o.minVersion,
    ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
    ...(o.ciphers ? { ciphers: o.ciphers } : {}),
    ...(o.ca ? { ca: o.ca } : {}),
  };
}

/** Builds one SecureContext per certificate; throws naming the certificate that cannot be used. */
export function secureContexts(
  o: TlsServerOptions,
  certificates: readonly TlsCertificate[],
): SniTable<tls.SecureContext> {
  const shared = contextOptions(o);
  return new SniTable(certificates, (c) => {
    checkKeyPair(c); // Deno's createSecureContext takes a key that is not the certificate's
    try {
      return tls.createSecureContext({ ...shared, cert: c.cert, key: c.key });
    } catch (err) {
      throw new Error(`certificate ${c.source}: ${(err as Error).message}`, { cause: err });
    }
  });
}

class NodeTlsListener implements TlsListener, Suspendable {
  readonly host: string;
  port = 0;
  readonly stack = "node:tls" as const;
  readonly warnings: readonly string[];
  readonly #o: TlsServerOptions;
  readonly #server: tls.Server;
  #table: SniTable<tls.SecureContext>;
  readonly #gate: AcceptGate;
  #closed = false;
  #adopted: number | undefined;
  /** The descriptor the bind added, when only one socket appeared meanwhile (Deno). */
  #bound: number | undefined;
  #suspended = false;

  readonly #pauseMode: PauseMode;

  constructor(o: TlsServerOptions, onOpen: (s: Socket) => void, host: string, how: NodeTlsHow) {
    this.host = host;
    this.#o = o;
    this.#gate = new AcceptGate(onOpen);
    this.warnings = how.warnings ?? [];
    this.#pauseMode = how.pauseMode ?? "stream";
    this.#table = secureContexts(o, o.certificates);
    const strict = o.strictSni === true;
    const verify = o.verify ?? "none";
    this.#server = tls.createServer({
      ...contextOptions(o),
      // under strict SNI there is no default certificate: a handshake without a known name fails
      ...(strict ? {} : { cert: o.certificates[0]!.cert, key: o.certificates[0]!.key }),
      SNICallback: sniCallback(() => this.#table, strict),
      ...(o.alpn?.length ? { ALPNProtocols: [...o.alpn] } : {}),
      requestCert: verify !== "none",
      rejectUnauthorized: verify === "required",
      handshakeTimeout: o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT,
      allowHalfOpen: true,
    }, (s) => this.#accept(s, verify !== "none"));
    // a failed or timed-out handshake: node:tls reports it but leaves the TCP connection open
    this.#server.on("tlsClientError", (_err, s) => s.destroy());
    this.#server.on("error", () => {}); // accept errors (EMFILE): keep listening
  }

  /**
   * The listening socket's descriptor: Bun's node:net tells it; Deno's does not, so the one adopted
   * at an upgrade, else looked up in /proc.
   */
  get fd(): number | undefined {
    const fd = (this.#server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd === "number" && fd >= 0) return fd;
    if (this.#closed || this.#suspended) return undefined;
    return this.#adopted ?? this.#bound ?? (this.port > 0 ? listeningFd(this.port) : undefined);
  }

  /** Binds host:port, or adopts the listening socket `fd` (inherited at an upgrade). */
  /** Deno: a successor is spawned with this socket (see deno_handover.ts). */
  suspend(): void {
    this.#suspended = true;
    this.#adopted = undefined;
    this.#server.close();
  }

  rebind(): Promise<void> {
    if (this.#closed || !this.#suspended) return Promise.resolve();
    this.#suspended = false;
    return this.listen(this.port, false);
  }

  listen(port: number, reusePort: boolean, fd?: number): Promise<void> {
    this.#adopted = fd;
    this.#bound = undefined;
    const before = fd === undefined && !BUN ? socketFds() : null;
    track(this);
    return new Promise((resolve, reject) => {
      const fail = (err: Error & { code?: string }) => {
        reject(new Error(`cannot bind ${this.host}:${port}: ${err.code ?? err.message}`));
      };
      this.#server.once("error", fail);
      const where = fd !== undefined
        ? { fd }
        : { host: this.host, port, ...(reusePort ? { reusePort } : {}) };
      this.#server.listen(where, () => {
        this.#server.off("error", fail);
        this.#bound = addedSocketFd(before);
        const addr = this.#server.address();
        this.port = typeof addr === "object" && addr ? addr.port : port;
        resolve();
      });
    });
  }

  #accept(s: tls.TLSSocket, askedCert: boolean): void {
    if (this.#closed) return void s.destroy();
    const sock = new NodeTlsSocket(s, tlsInfoOf(s, askedCert), this.#pauseMode);
    this.#gate.admit(sock);
  }

  // deno-lint-ignore require-await
  async setCertificates(certificates: readonly TlsCertificate[]): Promise<void> {
    const table = secureContexts(this.#o, certificates); // throws before anything changes
    if (this.#o.strictSni !== true) {
      const first = certificates[0]!;
      this.#server.setSecureContext({
        ...contextOptions(this.#o),
        cert: first.cert,
        key: first.key,
      });
    }
    this.#table = table;
  }

  pause(): void {
    this.#gate.pause();
  }

  resume(): void {
    this.#gate.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    untrack(this);
    if (!this.#suspended) this.#server.close();
    this.#gate.closeParked();
  }
}

/** What the runtime adds: notes on settings its stack cannot honour, and how its sockets pause. */
/** node:tls's SNICallback over the current table (`table()` is read per handshake: reload swaps it). */
export function sniCallback(
  table: () => SniTable<tls.SecureContext>,
  strict: boolean,
): (name: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void {
  return (name, cb) => {
    const ctx = table().pick(name ?? "", strict);
    if (ctx) cb(null, ctx);
    else cb(new Error(`no certificate for server name "${name}" (strict SNI)`), undefined);
  };
}

export interface NodeTlsHow {
  warnings?: string[];
  pauseMode?: PauseMode;
}

/** Binds a node:tls listener. */
export async function listenNodeTls(
  options: TlsListenOptions,
  onOpen: (socket: Socket) => void,
  how: NodeTlsHow = {},
): Promise<TlsListener> {
  const l = new NodeTlsListener(options.tls, onOpen, options.host, how);
  await l.listen(options.port, options.reusePort === true, options.fd);
  return l;
}
