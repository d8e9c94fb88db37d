/** Deno implementation of the runtime interface: Deno.listen/Deno.connect driven by one read loop per socket. */
import {
  ConnectError,
  type ConnectOptions,
  HIGH_WATER_MARK,
  type Listener,
  type ListenOptions,
  type Runtime,
  type SignalName,
  type Socket,
  type SocketHandlers,
  type TlsConnectOptions,
  type TlsListener,
  type TlsListenOptions,
} from "./types.ts";
import { connectNodeTls } from "./node_tls_connect.ts";
import { listenNodeTls } from "./node_tls_listen.ts";

/** Bytes asked of one read; a read that fills less than SMALL_READ is copied out and the buffer kept. */
const READ_SIZE = 64 * 1024;
const SMALL_READ = 8 * 1024;
/** Queued chunks are merged into one write up to this size. */
const COALESCE_LIMIT = 64 * 1024;

class DenoSocket implements Socket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  #conn: Deno.TcpConn;
  #h: SocketHandlers | null = null;
  #queue: Uint8Array[] = [];
  #pending = 0;
  #writing = false;
  #needDrain = false;
  #paused = false;
  #wake: (() => void) | null = null;
  #shutdownAsked = false;
  #writeClosed = false;
  #closed = false;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    const r = conn.remoteAddr, l = conn.localAddr;
    this.remoteAddress = r.hostname;
    this.remotePort = r.port;
    this.localAddress = l.hostname;
    this.localPort = l.port;
  }

  get pending(): number {
    return this.#pending;
  }
  get closed(): boolean {
    return this.#closed;
  }

  setHandlers(handlers: SocketHandlers): void {
    const first = this.#h === null;
    this.#h = handlers;
    if (first) this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    let buf = new Uint8Array(READ_SIZE);
    try {
      while (!this.#closed) {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        const n = await this.#conn.read(buf);
        if (this.#closed) return;
        if (n === null) {
          this.#h!.end();
          return;
        }
        let chunk: Uint8Array;
        if (n < SMALL_READ) chunk = buf.slice(0, n);
        else {
          chunk = buf.subarray(0, n);
          buf = new Uint8Array(READ_SIZE);
        }
        this.#h!.data(chunk);
      }
    } catch (err) {
      this.#fail(err);
    }
  }

  write(chunk: Uint8Array): boolean {
    if (this.#closed || this.#writeClosed || this.#shutdownAsked) return false;
    if (chunk.length === 0) return this.#pending < HIGH_WATER_MARK;
    this.#queue.push(chunk);
    this.#pending += chunk.length;
    if (!this.#writing) this.#flush();
    if (this.#pending >= HIGH_WATER_MARK) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        let chunk = this.#takeBatch();
        while (chunk.length > 0) {
          const n = await this.#conn.write(chunk);
          this.#pending -= n;
          chunk = chunk.subarray(n);
          if (this.#closed) return;
        }
      }
    } catch (err) {
      this.#writing = false;
      this.#fail(err);
      return;
    }
    this.#writing = false;
    if (this.#closed) return;
    if (this.#shutdownAsked) this.#closeWrite();
    if (this.#needDrain) {
      this.#needDrain = false;
      this.#h?.drain();
    }
  }

  /** The next bytes to write: the head of the queue, merged with following small chunks. */
  #takeBatch(): Uint8Array {
    const q = this.#queue;
    const first = q.shift()!;
    if (q.length === 0 || first.length >= COALESCE_LIMIT) return first;
    let total = first.length, count = 0;
    while (count < q.length && total + q[count]!.length <= COALESCE_LIMIT) {
      total += q[count++]!.length;
    }
    if (count === 0) return first;
    const out = new Uint8Array(total);
    out.set(first, 0);
    let off = first.length;
    for (const c of q.splice(0, count)) {
      out.set(c, off);
      off += c.length;
    }
    return out;
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

  shutdown(): void {
    if (this.#closed || this.#shutdownAsked) return;
    this.#shutdownAsked = true;
    if (this.#writing) this.#needDrain = true; // report when the queue is flushed and FIN sent
    else this.#closeWrite();
  }

  #closeWrite(): void {
    if (this.#writeClosed) return;
    this.#writeClosed = true;
    this.#conn.closeWrite().catch(() => {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.#h?.close();
  }

  #fail(err: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.#h?.close(err instanceof Error ? err : new Error(String(err)));
  }

  #release(): void {
    this.#queue.length = 0;
    this.#pending = 0;
    try {
      this.#conn.close();
    } catch { /* already closed by the peer */ }
    this.resume();
  }

  setNoDelay(on: boolean): void {
    try {
      this.#conn.setNoDelay(on);
    } catch { /* the socket may already be gone */ }
  }
}

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
    out.push(`${where}: minVersion ${o.tls.minVersion}: Deno's TLS (rustls) speaks TLS 1.2 and 1.3 only`);
  }
  if (o.tls.ciphers) out.push(`${where}: ciphers: Deno's TLS (rustls) ignores OpenSSL cipher lists`);
  return out;
}

/** The Deno runtime adapter. */
export const denoRuntime: Runtime = {
  name: "deno",
  version: Deno.version.deno,

  listen(options: ListenOptions, onOpen: (socket: Socket) => void): Promise<Listener> {
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

  listenTls(options: TlsListenOptions, onOpen: (socket: Socket) => void): Promise<TlsListener> {
    return listenNodeTls(options, onOpen, denoTlsWarnings(options));
  },

  connectTls(options: TlsConnectOptions): Promise<Socket> {
    return connectNodeTls(options);
  },

  onSignal(signal: SignalName, handler: () => void): () => void {
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  },
};
