/** Deno's native TLS listener (Deno.listenTls, rustls): one certificate, no client certificates; re-bound on reload. */
import { AcceptGate } from "./accept_gate.ts";
import { DenoSocket } from "./deno_socket.ts";
import { checkKeyPair } from "./node_tls.ts";
import { addedSocketFd, listeningFd, socketFds } from "./proc_fd.ts";
import { type Suspendable, track, untrack } from "./deno_handover.ts";
import type { TlsCertificate, TlsServerOptions } from "./tls_types.ts";
import type { Socket, TlsListener, TlsListenOptions } from "./types.ts";

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
/** A reload binds the port again: tries, 1 ms apart, while the old listener lets go of it. */
const REBIND_TRIES = 1000;

/**
 * Whether Deno.listenTls can serve `o`: it takes one certificate (no SNI choice, no strict SNI),
 * asks for no client certificate, speaks TLS 1.2 and 1.3, and tells only the ALPN protocol of a
 * connection (so `facts` — rules reading the SNI, protocol or cipher — need node:tls).
 */
export function denoNativeServes(o: TlsServerOptions): boolean {
  return o.certificates.length === 1 && (o.verify ?? "none") === "none" && o.strictSni !== true &&
    o.facts !== true && o.minVersion !== "TLSv1.3" && (o.maxVersion ?? "TLSv1.3") === "TLSv1.3" &&
    o.ciphers === undefined;
}

class DenoTlsListener implements TlsListener, Suspendable {
  readonly host: string;
  readonly port: number;
  readonly stack = "deno" as const;
  readonly warnings: readonly string[] = [];
  readonly #o: TlsServerOptions;
  #l: Deno.TlsListener;
  /** The certificate served now (what a failed re-bind falls back to). */
  #current: TlsCertificate;
  readonly #gate: AcceptGate;
  #closed = false;
  #suspended = false;
  /** The descriptor, when the bind could tell it (see {@link addedSocketFd}). */
  #fd: number | undefined;

  constructor(o: TlsListenOptions, onOpen: (s: Socket) => void) {
    this.host = o.host;
    this.#o = o.tls;
    this.#gate = new AcceptGate(onOpen);
    this.#current = o.tls.certificates[0]!;
    this.#l = this.#bind(o.port, this.#current);
    this.port = this.#l.addr.port;
    this.#acceptLoop(this.#l);
    track(this);
  }

  #bind(port: number, c: TlsCertificate): Deno.TlsListener {
    const alpn = this.#o.alpn;
    const before = socketFds();
    const l = Deno.listenTls({
      hostname: this.host,
      port,
      cert: c.cert,
      key: c.key,
      ...(alpn?.length ? { alpnProtocols: [...alpn] } : {}),
    });
    this.#fd = addedSocketFd(before);
    return l;
  }

  async #acceptLoop(l: Deno.TlsListener): Promise<void> {
    // accepting goes on while paused, as for the other TLS stacks: a client's connect waits for
    // its handshake, so connections are handshaken, then parked until resume
    while (!this.#closed && l === this.#l) {
      let conn: Deno.TlsConn;
      try {
        conn = await l.accept();
      } catch (err) {
        if (this.#closed || l !== this.#l || err instanceof Deno.errors.BadResource) return;
        continue; // EMFILE and friends: keep the listener alive
      }
      void this.#handshake(conn);
    }
  }

  /** The socket is handed over once its handshake is done; a failed or late one is closed. */
  async #handshake(conn: Deno.TlsConn): Promise<void> {
    const limit = this.#o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT;
    const timer = setTimeout(() => conn.close(), limit);
    let alpn: string | null;
    try {
      ({ alpnProtocol: alpn } = await conn.handshake());
    } catch {
      try {
        conn.close();
      } catch { /* already closed by the timer */ }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) return conn.close();
    // rustls reports neither the protocol nor the cipher here; SNI is not read either
    const sock = new DenoSocket(conn, { protocol: "", cipher: "", ...(alpn ? { alpn } : {}) });
    this.#gate.admit(sock);
  }

  /**
   * Deno.listenTls cannot change its certificate: the listener is bound again with the new one.
   * Open connections stay; connections arriving in the few milliseconds the port takes to be
   * free again (the old listener's pending accept is cancelled first) are refused.
   */
  async setCertificates(certificates: readonly TlsCertificate[]): Promise<void> {
    const c = certificates[0]!;
    if (certificates.length !== 1) {
      throw new Error(
        `Deno's native TLS listener serves one certificate, got ${certificates.length}`,
      );
    }
    checkKeyPair(c); // refuse before letting go of the port
    this.#l.close();
    let target = c, refused: Error | undefined;
    for (let i = 0; i < REBIND_TRIES && !this.#closed; i++) {
      try {
        this.#l = this.#bind(this.port, target);
      } catch (err) {
        if (err instanceof Deno.errors.AddrInUse) {
          // free once the old listener's pending accept is cancelled
          await new Promise((resolve) => setTimeout(resolve, 1));
        } else if (target === c) {
          refused = new Error(`certificate ${c.source}: ${(err as Error).message}`);
          target = this.#current; // Deno refused the new one: bind the one that worked
        } else throw err;
        continue;
      }
      this.#current = target;
      this.#acceptLoop(this.#l);
      if (refused) throw refused;
      return;
    }
    if (!this.#closed) throw new Error(`cannot bind ${this.host}:${this.port} again`);
  }

  /** The listening socket's descriptor, looked up in /proc (Deno does not tell it): for an upgrade. */
  get fd(): number | undefined {
    return this.#closed || this.#suspended ? undefined : this.#fd ?? listeningFd(this.port);
  }

  suspend(): void {
    this.#suspended = true;
    try {
      this.#l.close();
    } catch { /* already closed */ }
  }

  rebind(): Promise<void> {
    if (this.#closed || !this.#suspended) return Promise.resolve();
    try {
      this.#l = this.#bind(this.port, this.#current);
    } catch (err) {
      return Promise.reject(new Error(`cannot bind ${this.host}:${this.port} again: ${err}`));
    }
    this.#suspended = false;
    this.#acceptLoop(this.#l);
    return Promise.resolve();
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
    try {
      this.#l.close();
    } catch { /* already closed */ }
    this.#gate.closeParked();
  }
}

/** Binds a native Deno TLS listener (see {@link denoNativeServes} for when it can). */
export function listenDenoTls(
  options: TlsListenOptions,
  onOpen: (socket: Socket) => void,
): Promise<TlsListener> {
  try {
    return Promise.resolve(new DenoTlsListener(options, onOpen));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return Promise.reject(new Error(`cannot bind ${options.host}:${options.port}: ${why}`));
  }
}
