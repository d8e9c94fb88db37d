/** Deno implementation of the runtime interface: Deno.listen/Deno.connect driven by one read loop per socket. */
import process from "node:process";
import { listenDenoUnix } from "./deno_unix.ts";
import {
  ConnectError,
  type ConnectOptions,
  type Listener,
  type ListenOptions,
  type Runtime,
  type SignalName,
  type Socket,
  type TlsAcceptor,
  type TlsConnectOptions,
  type TlsListener,
  type TlsListenOptions,
} from "./types.ts";
import { connectNodeTls } from "./node_tls_connect.ts";
import { listenNodeTls } from "./node_tls_listen.ts";
import { nodeTlsAcceptor } from "./node_tls_accept.ts";
import { DenoSocket } from "./deno_socket.ts";
import { denoNativeServes, listenDenoTls } from "./deno_tls.ts";
import { inheritedFromEnv } from "./inherited.ts";
import { listenNodeAddr, listenNodeFd } from "./node_net_listen.ts";
import { addedSocketFd, listeningFd, socketFds } from "./proc_fd.ts";
import { type Suspendable, track, untrack } from "./deno_handover.ts";
import { startDenoSuccessor, tellDenoParentReady } from "./deno_successor.ts";

/** TSPROXY_TLS_STACK=node: serve every TLS listener with node:tls (to compare the stacks). */
const TLS_STACK = (() => {
  try {
    return process.env.TSPROXY_TLS_STACK;
  } catch {
    return undefined; // no --allow-env: the default choice
  }
})();

/**
 * Plain binds accept through node:net (DenoNetSocket): pending Deno.Conn reads resolve late under
 * many connections (the 256-connection stall). TSPROXY_NET_STACK=deno accepts through Deno.listen
 * instead; see docs/architecture.md for what each path is better at.
 */
const NET_STACK = (() => {
  try {
    return process.env.TSPROXY_NET_STACK;
  } catch {
    return undefined; // no --allow-env: the default choice
  }
})();

class DenoListener implements Listener, Suspendable {
  readonly host: string;
  readonly port: number;
  readonly #onOpen: (s: Socket) => void;
  #l: Deno.TcpListener | null;
  /** The descriptor, when the bind could tell it (see {@link addedSocketFd}). */
  #fd: number | undefined;
  #paused = false;
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(
    l: Deno.TcpListener,
    host: string,
    onOpen: (s: Socket) => void,
    fd: number | undefined,
  ) {
    this.#l = l;
    this.#fd = fd;
    this.host = host;
    this.port = l.addr.port;
    this.#onOpen = onOpen;
    track(this);
    this.#acceptLoop(l);
  }

  async #acceptLoop(l: Deno.TcpListener): Promise<void> {
    while (!this.#closed && l === this.#l) {
      if (this.#paused) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      let conn: Deno.TcpConn;
      try {
        conn = await l.accept();
      } catch (err) {
        if (this.#closed || l !== this.#l || err instanceof Deno.errors.BadResource) return;
        continue; // EMFILE and friends: keep the listener alive
      }
      this.#onOpen(new DenoSocket(conn));
    }
  }

  /** The listening socket's descriptor, looked up in /proc (Deno does not tell it): for an upgrade. */
  get fd(): number | undefined {
    return this.#closed || !this.#l ? undefined : this.#fd ?? listeningFd(this.port);
  }

  suspend(): void {
    const l = this.#l;
    this.#l = null;
    this.#fd = undefined;
    try {
      l?.close();
    } catch { /* already closed */ }
  }

  rebind(): Promise<void> {
    if (this.#closed || this.#l) return Promise.resolve();
    try {
      const before = socketFds();
      this.#l = Deno.listen({ hostname: this.host, port: this.port, transport: "tcp" });
      this.#fd = addedSocketFd(before);
    } catch (err) {
      return Promise.reject(new Error(`cannot bind ${this.host}:${this.port} again: ${err}`));
    }
    this.#acceptLoop(this.#l);
    return Promise.resolve();
  }

  pause(): void {
    this.#paused = true;
  }
  resume(): void {
    this.#paused = false;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    untrack(this);
    try {
      this.#l?.close();
    } catch { /* already closed */ }
    this.resume();
  }
}

/** What Deno's TLS stack (rustls, under node:tls too) cannot do of what a listener asks. */
function denoTlsWarnings(o: TlsListenOptions): string[] {
  const where = `${o.host}:${o.port}`;
  const out: string[] = [];
  if (o.tls.minVersion === "TLSv1" || o.tls.minVersion === "TLSv1.1") {
    out.push(
      `${where}: minVersion ${o.tls.minVersion}: Deno's TLS (rustls) speaks TLS 1.2 and 1.3 only`,
    );
  }
  if (o.tls.ciphers) {
    out.push(`${where}: ciphers: Deno's TLS (rustls) ignores OpenSSL cipher lists`);
  }
  return out;
}

/** The Deno runtime adapter. */
export const denoRuntime: Runtime = {
  name: "deno",
  version: Deno.version.deno,

  listen(options: ListenOptions, onOpen: (socket: Socket) => void): Promise<Listener> {
    // Deno.listen cannot adopt a socket (denoland/deno#14006); node:net can
    if (options.fd !== undefined) return listenNodeFd(options.host, options.fd, onOpen);
    if (NET_STACK !== "deno") {
      return listenNodeAddr(options.host, options.port, !!options.reusePort, onOpen);
    }
    try {
      const before = socketFds();
      const l = Deno.listen({
        hostname: options.host,
        port: options.port,
        transport: "tcp",
        ...(options.reusePort ? { reusePort: true } : {}),
      });
      return Promise.resolve(new DenoListener(l, options.host, onOpen, addedSocketFd(before)));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return Promise.reject(new Error(`cannot bind ${options.host}:${options.port}: ${why}`));
    }
  },

  async connect(options: ConnectOptions): Promise<Socket> {
    // A controller of our own, not AbortSignal.timeout: the signal stays tied to the connection after
    // it opens, so it must never fire once the connect succeeded.
    const ctl = options.timeoutMs ? new AbortController() : undefined;
    const timer = ctl ? setTimeout(() => ctl.abort(), options.timeoutMs) : undefined;
    const signal = ctl?.signal;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({
        hostname: options.host,
        port: options.port,
        transport: "tcp",
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      const where = `${options.host}:${options.port}`;
      if (signal?.aborted) {
        throw new ConnectError(
          "timeout",
          `connect to ${where} timed out after ${options.timeoutMs}ms`,
        );
      }
      const why = err instanceof Error ? err.message : String(err);
      throw new ConnectError("refused", `connect to ${where} failed: ${why}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    const socket = new DenoSocket(conn);
    if (options.noDelay !== false) socket.setNoDelay(true);
    return socket;
  },

  listenUnix: listenDenoUnix,

  listenTls(options: TlsListenOptions, onOpen: (socket: Socket) => void): Promise<TlsListener> {
    if (denoNativeServes(options.tls) && TLS_STACK !== "node" && options.fd === undefined) {
      return listenDenoTls(options, onOpen);
    }
    // node:tls also adopts the socket a predecessor handed over (Deno.listenTls cannot)
    return listenNodeTls(options, onOpen, {
      warnings: denoTlsWarnings(options),
      pauseMode: "hold",
    });
  },

  tlsAcceptor(options: TlsListenOptions): TlsAcceptor {
    const verify = options.tls.verify ?? "none";
    if (verify !== "none") {
      // measured on Deno 2.9: authorized stays false and a certificate from any CA is taken
      throw new Error(
        `${options.host}:${options.port}: acceptProxy with tls and verify ${verify} is not ` +
          `supported on Deno: its node:tls does not check client certificates on a connection ` +
          `accepted before the handshake (the PROXY header comes first), so any certificate ` +
          `would pass; run this config on Bun (or the compiled binary), or use verify none`,
      );
    }
    return nodeTlsAcceptor(options.tls, { warnings: denoTlsWarnings(options), pauseMode: "hold" });
  },

  connectTls(options: TlsConnectOptions): Promise<Socket> {
    return connectNodeTls(options, "hold", (o) => denoRuntime.connect(o));
  },

  onSignal(signal: SignalName, handler: () => void): () => void {
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  },

  inherited: inheritedFromEnv(),
  startSuccessor: startDenoSuccessor,
  tellParentReady: tellDenoParentReady,
  parent: null,
};
