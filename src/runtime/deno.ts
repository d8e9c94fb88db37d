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

/** Why Deno takes over no listening socket (so a binary upgrade cannot run there). */
export const DENO_NO_FD =
  "Deno cannot take over a listening socket: Deno.listen has no fd option (denoland/deno#14006)";

/** TSPROXY_TLS_STACK=node: serve every TLS listener with node:tls (to compare the stacks). */
const TLS_STACK = (() => {
  try {
    return process.env.TSPROXY_TLS_STACK;
  } catch {
    return undefined; // no --allow-env: the default choice
  }
})();

class DenoListener implements Listener {
  readonly host: string;
  readonly port: number;
  #l: Deno.TcpListener;
  #paused = false;
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(l: Deno.TcpListener, host: string, onOpen: (s: Socket) => void) {
    this.#l = l;
    this.host = host;
    this.port = l.addr.port;
    this.#acceptLoop(onOpen);
  }

  async #acceptLoop(onOpen: (s: Socket) => void): Promise<void> {
    while (!this.#closed) {
      if (this.#paused) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      let conn: Deno.TcpConn;
      try {
        conn = await this.#l.accept();
      } catch (err) {
        if (this.#closed || err instanceof Deno.errors.BadResource) return;
        continue; // EMFILE and friends: keep the listener alive
      }
      onOpen(new DenoSocket(conn));
    }
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
    try {
      this.#l.close();
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
    if (options.fd !== undefined) {
      return Promise.reject(new Error(`${options.host}:${options.port}: ${DENO_NO_FD}`));
    }
    try {
      const l = Deno.listen({
        hostname: options.host,
        port: options.port,
        transport: "tcp",
        ...(options.reusePort ? { reusePort: true } : {}),
      });
      return Promise.resolve(new DenoListener(l, options.host, onOpen));
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
    if (options.fd !== undefined) {
      return Promise.reject(new Error(`${options.host}:${options.port}: ${DENO_NO_FD}`));
    }
    if (denoNativeServes(options.tls) && TLS_STACK !== "node") {
      return listenDenoTls(options, onOpen);
    }
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
  tellParentReady() {},
  parent: null,
};
