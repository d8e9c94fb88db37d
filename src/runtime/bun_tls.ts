/** Bun's native TLS listener (Bun.listen with tls): one certificate, no client certificates; re-bound on reload. */
import type { BunApi, BunSocket, BunSocketHandler, BunTcpListener } from "./bun_api.ts";
import { boundPort } from "./bun_port.ts";
import { BunListener, BunSock, clientHandler } from "./bun_socket.ts";
import { checkKeyPair } from "./node_tls.ts";
import type { TlsCertificate, TlsInfo, TlsServerOptions } from "./tls_types.ts";
import type { Socket, TlsListener, TlsListenOptions } from "./types.ts";

declare const Bun: BunApi;

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/**
 * Whether Bun.listen can serve `o`: one TLS context (no SNI choice, no strict SNI), no client
 * certificates, its defaults for versions (TLS 1.2 and 1.3) and ciphers.
 */
export function bunNativeServes(o: TlsServerOptions): boolean {
  return o.certificates.length === 1 && (o.verify ?? "none") === "none" && o.strictSni !== true &&
    o.minVersion === "TLSv1.2" && (o.maxVersion ?? "TLSv1.3") === "TLSv1.3" &&
    o.ciphers === undefined;
}

/** ALPN protocols in the wire format Bun takes: each one prefixed by its length. */
function alpnWire(protocols: readonly string[]): string {
  return protocols.map((p) => String.fromCharCode(p.length) + p).join("");
}

function factsOf(s: BunSocket<BunSock>): TlsInfo {
  const sni = s.getServername?.(), alpn = s.alpnProtocol;
  return {
    protocol: s.getTLSVersion?.() ?? "",
    cipher: s.getCipher?.()?.name ?? "",
    ...(sni ? { sni } : {}),
    ...(typeof alpn === "string" && alpn !== "" ? { alpn } : {}),
  };
}

/** Throws (EADDRINUSE) when something already listens on host:port. */
function probeFree(host: string, port: number): void {
  Bun.listen({ hostname: host, port, socket: { data: () => {} } }).stop(true);
}

class BunTlsListener implements TlsListener {
  readonly host: string;
  readonly port: number;
  readonly stack = "bun" as const;
  readonly warnings: readonly string[] = [];
  readonly #o: TlsServerOptions;
  /** Hands sockets over, or parks them while paused (shared with plain listeners). */
  readonly #admit: BunListener;
  #l: BunTcpListener;

  constructor(o: TlsListenOptions, onOpen: (s: Socket) => void) {
    this.host = o.host;
    this.#o = o.tls;
    this.#admit = new BunListener(o.host, onOpen);
    // SO_REUSEPORT would let this bind share a port another socket holds: make sure none does
    if (o.port !== 0 && o.reusePort !== true && o.fd === undefined) probeFree(o.host, o.port);
    this.#l = this.#bind(o.port, o.tls.certificates[0]!, o.fd);
    this.port = boundPort(this.#l);
  }

  get fd(): number {
    return this.#l.fd;
  }

  /**
   * SO_REUSEPORT from the start, so a reload can bind the new certificate before the old one goes
   * (an adopted `fd` was bound so by the process that handed it over).
   */
  #bind(port: number, c: TlsCertificate, fd?: number): BunTcpListener {
    const alpn = this.#o.alpn;
    const limit = this.#o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT;
    const timers = new WeakMap<BunSock, ReturnType<typeof setTimeout>>();
    const tls = {
      cert: c.cert,
      key: c.key,
      ...(alpn?.length ? { ALPNProtocols: alpnWire(alpn) } : {}),
    };
    const socket: BunSocketHandler<BunSock> = {
      ...clientHandler,
      open: (s) => {
        const sock = new BunSock();
        s.data = sock;
        sock.attach(s, true);
        timers.set(sock, setTimeout(() => s.terminate(), limit));
      },
      handshake: (s, ok) => {
        clearTimeout(timers.get(s.data));
        if (!ok) return s.terminate();
        s.data.tls = factsOf(s);
        this.#admit.admit(s.data);
      },
    };
    if (fd !== undefined) return Bun.listen<BunSock>({ fd, allowHalfOpen: true, tls, socket });
    return Bun.listen<BunSock>({
      hostname: this.host,
      port,
      reusePort: true,
      allowHalfOpen: true,
      tls,
      socket,
    });
  }

  /** Bun.listen keeps its first certificate: a listener with the new one takes the port's new connections. */
  // deno-lint-ignore require-await
  async setCertificates(certificates: readonly TlsCertificate[]): Promise<void> {
    const c = certificates[0]!;
    if (certificates.length !== 1) {
      throw new Error(
        `Bun's native TLS listener serves one certificate, got ${certificates.length}`,
      );
    }
    let next: BunTcpListener;
    try {
      checkKeyPair(c);
      next = this.#bind(this.port, c);
    } catch (err) {
      throw new Error(`certificate ${c.source}: ${(err as Error).message}`);
    }
    const old = this.#l;
    this.#l = next;
    old.stop(false);
  }

  pause(): void {
    this.#admit.pause();
  }

  resume(): void {
    this.#admit.resume();
  }

  close(): void {
    this.#admit.close();
    this.#l.stop(false);
  }
}

/** Binds a native Bun TLS listener (see {@link bunNativeServes} for when it can). */
export function listenBunTls(
  options: TlsListenOptions,
  onOpen: (socket: Socket) => void,
): Promise<TlsListener> {
  try {
    return Promise.resolve(new BunTlsListener(options, onOpen));
  } catch (err) {
    const why = (err as { code?: string }).code ??
      (err instanceof Error ? err.message : String(err));
    return Promise.reject(new Error(`cannot bind ${options.host}:${options.port}: ${why}`));
  }
}
