/** An accept-proxy connection: the accepted socket seen with its PROXY header's addresses, the bytes after the header first. */
import type { ProxyHeader } from "../../proxy_protocol/mod.ts";
import type { Socket, SocketHandlers, TlsAcceptor } from "../../runtime/types.ts";

/**
 * Wraps a socket accepted on an `acceptProxy` bind. Until {@link ProxiedSocket.headerRead} it is
 * the socket itself (real addresses; tcp-request connection rules and the header reader see those).
 * After it, `remoteAddress`/`remotePort`/`localAddress`/`localPort` are the header's (PROXY command
 * over TCP; LOCAL, UNKNOWN and UNIX keep the real ones), so every use of a session's `client`
 * (src fetches, balance source, X-Forwarded-For, logs, PROXY out) sees the client behind the
 * balancer; and the bytes that came after the header reach the next handlers first, in order,
 * honouring pause(). Sockets of other binds are never wrapped.
 */
export class ProxiedSocket implements Socket {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** The PROXY header once read; null while it is awaited. */
  header: ProxyHeader | null = null;
  /** ALPN and AUTHORITY the header carried (v2 TLVs), passed on by sendProxyV2. */
  alpn: string | undefined;
  authority: string | undefined;
  /** The TLS handshake that follows the header on an `acceptProxy` + `tls` bind; null: none. */
  readonly handshake: TlsAcceptor | null;
  readonly #inner: Socket;
  #h: SocketHandlers | null = null;
  /** Bytes due before the inner socket's (the header's leftover); null once delivered. */
  #held: Uint8Array[] | null = null;
  #heldEnd = false;
  #paused = false;
  #flushQueued = false;

  constructor(inner: Socket, handshake: TlsAcceptor | null = null) {
    this.#inner = inner;
    this.handshake = handshake;
    this.remoteAddress = inner.remoteAddress;
    this.remotePort = inner.remotePort;
    this.localAddress = inner.localAddress;
    this.localPort = inner.localPort;
  }

  /**
   * The header was read: take its addresses and hold `rest` (bytes after it) for the next handlers.
   * The inner socket is paused until they are delivered.
   */
  headerRead(header: ProxyHeader, rest: Uint8Array): void {
    this.header = header;
    this.alpn = header.alpn;
    this.authority = header.authority;
    if (header.command === "PROXY" && (header.family === "tcp4" || header.family === "tcp6")) {
      this.remoteAddress = header.src!;
      this.remotePort = header.srcPort!;
      this.localAddress = header.dst!;
      this.localPort = header.dstPort!;
    }
    this.#held = rest.length > 0 ? [rest] : [];
    this.#inner.pause();
  }

  setHandlers(handlers: SocketHandlers): void {
    const first = this.#h === null;
    this.#h = handlers;
    if (first) {
      this.#inner.setHandlers({
        data: (chunk) => this.#onData(chunk),
        drain: () => this.#h!.drain(),
        end: () => this.#onEnd(),
        close: (err) => this.#h!.close(err),
      });
    }
    this.#scheduleFlush();
  }

  #onData(chunk: Uint8Array): void {
    // a read already under way when the inner socket was paused lands behind the held bytes
    if (this.#held !== null) this.#held.push(chunk);
    else this.#h!.data(chunk);
  }

  #onEnd(): void {
    if (this.#held !== null) this.#heldEnd = true;
    else this.#h!.end();
  }

  /** Delivers held bytes on a later turn: handlers are set before a session finishes starting. */
  #scheduleFlush(): void {
    if (this.#held === null || this.#paused || this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    const held = this.#held, h = this.#h;
    if (held === null || h === null || this.header === null) return;
    while (held.length > 0 && !this.#paused && !this.#inner.closed) h.data(held.shift()!);
    if (held.length > 0 && !this.#inner.closed) return; // paused: the rest waits for resume()
    this.#held = null;
    if (this.#heldEnd) {
      this.#heldEnd = false;
      h.end();
    }
    if (!this.#paused) this.#inner.resume();
  }

  write(chunk: Uint8Array): boolean {
    return this.#inner.write(chunk);
  }

  get pending(): number {
    return this.#inner.pending;
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  pause(): void {
    this.#paused = true;
    this.#inner.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#held !== null && this.header !== null) this.#scheduleFlush();
    else this.#inner.resume();
  }

  shutdown(): void {
    this.#inner.shutdown();
  }

  close(): void {
    this.#inner.close();
  }

  setNoDelay(on: boolean): void {
    this.#inner.setNoDelay(on);
  }
}
