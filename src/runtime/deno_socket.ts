/** Deno's socket: one read loop and a write queue over a Deno.Conn (TCP or TLS), in the Socket model. */
import { ReadBuffers } from "./read_buffers.ts";
import { HIGH_WATER_MARK, type Socket, type SocketHandlers, type TlsInfo } from "./types.ts";

/** Queued chunks are merged into one write up to this size. */
const COALESCE_LIMIT = 64 * 1024;

/** What DenoSocket uses of a connection: a Deno.TcpConn, a Deno.TlsConn, or a resource taken from node:net (deno_rid_conn.ts). */
export type DenoConn =
  & Pick<
    Deno.TcpConn,
    "read" | "write" | "closeWrite" | "close" | "remoteAddr" | "localAddr"
  >
  & { setNoDelay?: (on: boolean) => void };

/** One connection (TCP, or TLS from Deno.listenTls/connectTls) driven by a read loop and a write queue. */
export class DenoSocket implements Socket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The handshake's facts on a TLS connection. */
  readonly tls?: TlsInfo;
  #conn: DenoConn;
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
  /** The peer's end of stream was already seen (a connection handed over after its FIN): no read loop. */
  readonly #readEnded: boolean;

  constructor(conn: DenoConn, tls?: TlsInfo, readEnded = false) {
    this.#conn = conn;
    this.#readEnded = readEnded;
    if (tls) this.tls = tls;
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
    if (first && !this.#readEnded) this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    const bufs = new ReadBuffers();
    try {
      while (!this.#closed) {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        const buf = bufs.next;
        const n = await this.#conn.read(buf);
        if (this.#closed) break;
        if (n === null) {
          this.#h!.end();
          break;
        }
        this.#h!.data(bufs.take(buf, n));
      }
    } catch (err) {
      this.#fail(err);
    }
    // the read that used it has settled: nobody else holds it
    bufs.release();
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
      // a TlsConn has no setNoDelay (Deno sets TCP_NODELAY on its TLS streams itself)
      this.#conn.setNoDelay?.(on);
    } catch { /* the socket may already be gone */ }
  }
}
