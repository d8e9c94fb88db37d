/** Bun's socket and listener in the runtime's model: Bun.listen/Bun.connect callbacks, write queue, parking. */
import { AcceptGate } from "./accept_gate.ts";
import type { BunSocket, BunSocketHandler } from "./bun_api.ts";
import { countRead } from "./bun_gc_pacer.ts";
import {
  HIGH_WATER_MARK,
  type Listener,
  type Socket,
  type SocketHandlers,
  type TlsInfo,
} from "./types.ts";

/** A connect attempt's end as the socket's handler sees it (implemented in bun_connect.ts). */
export interface ConnectWaiter {
  opened(): void;
  failed(err: Error): void;
}

/** One Bun socket (TCP or TLS) in the Socket model: what the kernel did not take is queued here. */
export class BunSock implements Socket {
  /** Read from the kernel when first asked (each is a getpeername/getsockname; see `attach`). */
  #remoteAddress: string | null = null;
  #remotePort = -1;
  #localAddress: string | null = null;
  #localPort = -1;
  /** TCP_NODELAY as set: Bun sets it on every socket it accepts or connects. */
  #noDelay = true;
  /** The handshake's facts, on a TLS connection. */
  tls?: TlsInfo;
  #s: BunSocket<BunSock> | null = null;
  #h: SocketHandlers | null = null;
  #early: Uint8Array[] | null = null;
  #earlyEnd = false;
  #endSeen = false;
  /** What the kernel did not take yet; created on the first short write (most sockets never need it). */
  #queue: Uint8Array[] | null = null;
  #pending = 0;
  #needDrain = false;
  #paused = false;
  #shutdownAsked = false;
  #closed = false;
  /** Set when the connect attempt was abandoned (timeout): the socket is closed as soon as it opens. */
  abandoned = false;
  /** The connect attempt waiting for this socket to open (bun_connect.ts); null once settled. */
  connecting: ConnectWaiter | null = null;

  /**
   * `peer`: read the peer's address now (an accepted socket: every log line names it, and Bun can
   * no longer tell it once the socket is closed). The rest is read when first asked: a server
   * connection's addresses are rarely read, and each read is a system call.
   */
  attach(s: BunSocket<BunSock>, peer = false): void {
    this.#s = s;
    if (peer) {
      this.#remoteAddress = s.remoteAddress ?? "";
      this.#remotePort = s.remotePort ?? 0;
    }
  }

  // before `attach` (a connection not open yet) nothing is known, and nothing is kept
  get remoteAddress(): string {
    const s = this.#s;
    if (this.#remoteAddress === null && s !== null) this.#remoteAddress = s.remoteAddress ?? "";
    return this.#remoteAddress ?? "";
  }
  get remotePort(): number {
    const s = this.#s;
    if (this.#remotePort < 0 && s !== null) this.#remotePort = s.remotePort ?? 0;
    return Math.max(0, this.#remotePort);
  }
  get localAddress(): string {
    const s = this.#s;
    if (this.#localAddress === null && s !== null) this.#localAddress = s.localAddress ?? "";
    return this.#localAddress ?? "";
  }
  get localPort(): number {
    const s = this.#s;
    if (this.#localPort < 0 && s !== null) this.#localPort = s.localPort ?? 0;
    return Math.max(0, this.#localPort);
  }

  get pending(): number {
    return this.#pending;
  }
  get closed(): boolean {
    return this.#closed;
  }

  setHandlers(handlers: SocketHandlers): void {
    this.#h = handlers;
    const early = this.#early;
    if (early) {
      this.#early = null;
      for (const chunk of early) handlers.data(chunk);
      if (!this.#paused) this.#s?.resume();
    }
    if (this.#earlyEnd) {
      this.#earlyEnd = false;
      handlers.end();
    }
  }

  onData(chunk: Uint8Array): void {
    countRead(chunk.length);
    if (this.#h) this.#h.data(chunk);
    else {
      (this.#early ??= []).push(chunk);
      this.#s?.pause();
    }
  }

  onEnd(): void {
    this.#endSeen = true;
    if (this.#h) this.#h.end();
    else this.#earlyEnd = true;
  }

  onClosed(error?: Error): void {
    if (this.#closed) return;
    // Bun reports a FIN that arrives after our own shutdown as a plain close: surface it as end first.
    if (!error && !this.#endSeen && this.#h) {
      this.#endSeen = true;
      this.#h.end();
      if (this.#closed) return;
    }
    this.#closed = true;
    this.#queue = null;
    this.#pending = 0;
    this.#h?.close(error);
  }

  write(chunk: Uint8Array): boolean {
    const s = this.#s;
    if (this.#closed || this.#shutdownAsked || !s) return false;
    if (this.#pending === 0) {
      const n = s.write(chunk);
      if (n >= chunk.length) return true;
      chunk = n > 0 ? chunk.subarray(n) : chunk;
    }
    (this.#queue ??= []).push(chunk);
    this.#pending += chunk.length;
    if (this.#pending >= HIGH_WATER_MARK) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  /** The kernel can take more: write what is queued, then report drain. */
  onWritable(): void {
    const s = this.#s, q = this.#queue;
    if (!s || this.#closed) return;
    while (q !== null && q.length > 0) {
      const chunk = q[0]!;
      const n = s.write(chunk);
      if (n < chunk.length) {
        if (n > 0) {
          q[0] = chunk.subarray(n);
          this.#pending -= n;
        }
        return;
      }
      q.shift();
      this.#pending -= chunk.length;
    }
    if (this.#shutdownAsked) s.shutdown();
    if (this.#needDrain) {
      this.#needDrain = false;
      this.#h?.drain();
    }
  }

  pause(): void {
    this.#paused = true;
    this.#s?.pause();
  }

  resume(): void {
    this.#paused = false;
    if (!this.#early) this.#s?.resume();
  }

  shutdown(): void {
    if (this.#closed || this.#shutdownAsked) return;
    this.#shutdownAsked = true;
    if (this.#pending === 0) this.#s?.shutdown();
    else this.#needDrain = true; // report when the queue is flushed and FIN sent
  }

  close(): void {
    if (this.#closed) return;
    const s = this.#s;
    this.#closed = true;
    this.#queue = null;
    this.#pending = 0;
    this.#h?.close();
    s?.end(); // FIN after what the kernel already has, not a reset
  }

  reset(): void {
    if (this.#closed) return;
    const s = this.#s;
    this.#closed = true;
    this.#queue = null;
    this.#pending = 0;
    this.#h?.close();
    s?.terminate(); // Bun closes with SO_LINGER 0: the peer gets an RST
  }

  setNoDelay(on: boolean): void {
    if (on === this.#noDelay) return; // one setsockopt less per connection
    this.#noDelay = on;
    this.#s?.setNoDelay(on);
  }
}

/** The event handlers of every Bun socket; a listener replaces `open`. */
export const clientHandler: BunSocketHandler<BunSock> = {
  open(s) {
    if (s.data.abandoned) return s.terminate();
    s.data.attach(s);
    s.data.connecting?.opened();
  },
  connectError: (s, err) => s.data.connecting?.failed(err),
  data: (s, chunk) => s.data.onData(chunk),
  drain: (s) => s.data.onWritable(),
  end: (s) => s.data.onEnd(),
  close: (s, err) => s.data.onClosed(err),
  error: (s, err) => s.data.onClosed(err),
};

/** A listener's accepted sockets: handed over, or parked (paused) while the listener is paused. */
export class BunListener implements Listener {
  readonly host: string;
  port = 0;
  fd: number | undefined;
  stopFn: () => void = () => {};
  readonly #gate: AcceptGate;
  #closed = false;

  constructor(host: string, onOpen: (s: Socket) => void) {
    this.host = host;
    this.#gate = new AcceptGate(onOpen);
  }

  accept(s: BunSocket<BunSock>): void {
    const sock = new BunSock();
    s.data = sock;
    sock.attach(s, true);
    this.admit(sock);
  }

  /** A socket ready for the session (a TLS one once its handshake is done). */
  admit(sock: BunSock): void {
    if (this.#closed) return sock.close();
    this.#gate.admit(sock);
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
    this.stopFn();
    this.#gate.closeParked();
  }
}
