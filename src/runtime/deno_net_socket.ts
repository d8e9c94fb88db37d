/** Deno: a plain node:net connection behind the Socket interface, reading into its own buffers, whose pause stops reading from the kernel at once. */
import type { Socket as NetSocket } from "node:net";
import { canTakeStreams, type TakeableHandle, takeConn } from "./deno_rid_conn.ts";
import { DenoSocket } from "./deno_socket.ts";
import { NodeTlsSocket } from "./node_tls.ts";
import { ReadBuffers } from "./read_buffers.ts";
import type { SocketHandlers } from "./types.ts";

/** The handle's slot naming the adapter that reads it (for the shared `onread`). */
const OWNER = Symbol("DenoNetSocket");

type OnRead = (this: ReadHandle, ab?: ArrayBuffer) => unknown;

/** The part of Deno's native libuv-style TCP handle (`socket._handle`) this adapter drives. */
interface ReadHandle extends TakeableHandle {
  reading: boolean;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buf: Uint8Array): void;
  /** Read when reading starts: called with the bytes' buffer, or nothing at end of stream or an error. */
  onread: OnRead;
  [OWNER]?: DenoNetSocket;
}

/** The parts of node's stream state the FIN hand-over looks at. */
interface StreamState {
  destroyed: boolean;
  _readableState: { ended: boolean };
  _writableState: { writing: boolean; ending: boolean };
}

/** The socket's slots of node's `onread: { buffer, callback }` option (net.Socket keeps them under symbols), found on the first socket. */
let slots: { buffer: symbol; callback: symbol; gen: symbol } | null | undefined;

function slotsOf(s: NetSocket): typeof slots {
  if (slots !== undefined) return slots;
  const syms = Object.getOwnPropertySymbols(s);
  const find = (name: string) => syms.find((x) => x.description === name);
  const buffer = find("kBuffer"), callback = find("kBufferCb"), gen = find("kBufferGen");
  slots = buffer && callback && gen ? { buffer, callback, gen } : null;
  return slots;
}

/**
 * Deno's node:net sockets run on a native libuv-style handle (Deno 2.9: TCPWrap/LibUvStreamWrap in
 * native code). Reads: node's `onread` option (a user buffer and a callback, which net.Socket
 * offers only to sockets it creates, set here on an accepted one): the handle reads into this
 * adapter's buffer, and what it read is copied out or handed over with its buffer. Measured on a
 * 2 GiB upload: 113 MiB peak RSS against 380 MiB through `data` events, whose buffers the runtime
 * allocates per read outside V8's accounting, so garbage collection lags behind. Pause stops the
 * handle's reading in the same call (not one more byte leaves the kernel's buffer; TCP's window
 * pushes back on the peer) and resume starts it again. End of stream and errors keep node's path.
 * Where the slots are missing (another runtime version), `data` events are used instead.
 *
 * After the peer's FIN, the handle cannot write: Deno 2.9's uv_compat poll, finding the socket
 * readable while writes wait and the handle not reading, peeks, takes the FIN for a close and fails
 * the waiting writes with EPIPE. So the stream is taken out of the handle (`takeStream`) and the
 * rest of the connection runs on a DenoSocket over it (Deno.Conn's own ops) when the FIN is read
 * with no write waiting in the handle (in the same poll, before its write step), and once the
 * handle had to queue a write (the kernel's buffer was full: a download, a slow reader) when that
 * write is done, before a FIN can come while one waits. What stays exposed: a FIN that arrives
 * while the first write the handle ever queued still waits (that write fails with EPIPE).
 */
export class DenoNetSocket extends NodeTlsSocket {
  readonly #s: NetSocket;
  #h: SocketHandlers | null = null;
  #paused = false;
  #bufs: ReadBuffers | null = null;
  /** The buffer the handle reads into. */
  #inUse: Uint8Array | null = null;
  #own = false;
  /** node's `onread` of the handle, which the shared one calls first. */
  #nodeOnread: OnRead | null = null;
  /** The connection once its stream left the handle (see the class comment). */
  #after: DenoSocket | null = null;
  /** The handle once had to queue a write. */
  #queued = false;

  constructor(s: NetSocket) {
    super(s, undefined, "stream");
    this.#s = s;
    const h = this.#handle();
    if (h && canTakeStreams(h) && typeof h.onread === "function") {
      this.#nodeOnread = h.onread;
      h[OWNER] = this;
      h.onread = DenoNetSocket.#onread; // taken at the next readStart (#stop below, then #restart)
    }
    const k = slotsOf(s);
    if (!h || typeof h.useUserBuffer !== "function" || !k) return;
    this.#own = true;
    this.#stop(); // nothing is read before the handlers are set
    const bufs = this.#bufs = new ReadBuffers();
    const fields = s as unknown as Record<symbol, unknown>;
    fields[k.buffer] = bufs.small;
    fields[k.callback] = (n: number, buf: Uint8Array) => this.#read(n, buf);
    fields[k.gen] = () => this.#next();
    h.useUserBuffer(bufs.small);
    this.#inUse = bufs.small;
  }

  /** The buffer for the next read when it changed (node then hands it to the handle), else null. */
  #next(): Uint8Array | null {
    const want = this.#bufs!.next;
    if (want === this.#inUse) return null;
    this.#inUse = want;
    return want;
  }

  #handle(): ReadHandle | null {
    return (this.#s as unknown as { _handle?: ReadHandle | null })._handle ?? null;
  }

  /** `n` bytes read into `buf`; returns false to stop reading (paused or closed meanwhile). */
  #read(n: number, buf: Uint8Array): boolean {
    if (this.closed || this.#h === null) return false;
    this.#h.data(this.#bufs!.take(buf, n));
    return !this.#paused && !this.closed;
  }

  override setHandlers(handlers: SocketHandlers): void {
    const first = this.#h === null;
    this.#h = handlers;
    super.setHandlers(handlers);
    if (first && !this.#paused) this.#restart();
  }

  override pause(): void {
    this.#paused = true;
    if (this.#after) return this.#after.pause();
    super.pause();
    // before the handlers too: a `data` listener added to a stream not paused would resume it
    this.#s.pause();
    this.#stop();
  }

  override resume(): void {
    this.#paused = false;
    if (this.#after) return this.#after.resume();
    super.resume();
    if (this.#h !== null && !this.#paused) this.#restart(); // not paused again by a handler
  }

  /** The handle's `onread`: node's, then the hand-over when it was the peer's FIN. */
  static #onread(this: ReadHandle, ab?: ArrayBuffer): unknown {
    const me = this[OWNER]!;
    const out = me.#nodeOnread!.call(this, ab);
    if (ab === undefined) me.#readEnded();
    return out;
  }

  /** End of stream or a read error was just handled by node: after a FIN, hand the stream over. */
  #readEnded(): void {
    const st = this.#s as unknown as StreamState;
    if (this.#after || this.closed || st.destroyed || !st._readableState.ended) return;
    // a write waiting in the handle would be lost with the stream; our shutdown needs no more writes
    if (st._writableState.writing || st._writableState.ending) return;
    this.#handOver(true);
  }

  /** A write's callback: once the handle had to queue bytes, hand the stream over when none wait. */
  protected override afterWrite(): void {
    if (!this.#queued || this.#after || this.closed) return;
    const st = this.#s as unknown as StreamState;
    if (st.destroyed || st._writableState.writing || st._writableState.ending) return;
    this.#handOver(false);
  }

  /** Moves the connection onto a DenoSocket over the handle's stream (`ended`: the peer's FIN was read). */
  #handOver(ended: boolean): void {
    const h = this.#handle();
    if (h === null) return;
    let conn;
    try {
      conn = takeConn(h, this);
    } catch {
      return; // the handle has no stream left (closing): node's path ends the connection
    }
    this.#stop();
    const after = this.#after = new DenoSocket(conn, undefined, ended);
    this.#bufs?.release(); // the handle reads no more
    if (this.#paused) after.pause();
    after.setHandlers({
      data: (chunk) => this.#h?.data(chunk),
      end: () => this.#h?.end(),
      drain: () => this.#h?.drain(),
      close: (err) => {
        if (this.closed) return;
        if (err) this.#s.destroy(err); // reported through node's error and close events
        else this.close();
      },
    });
  }

  override get pending(): number {
    return super.pending + (this.#after?.pending ?? 0);
  }

  override write(chunk: Uint8Array): boolean {
    if (this.#after) return this.#after.write(chunk);
    const ok = super.write(chunk);
    // the kernel did not take it all: the handle queued the rest (see afterWrite)
    if (!this.#queued && this.#nodeOnread !== null) {
      this.#queued = (this.#s as unknown as StreamState)._writableState.writing;
    }
    return ok;
  }

  override shutdown(): void {
    if (this.#after) this.#after.shutdown();
    else super.shutdown();
  }

  override close(): void {
    super.close();
    this.#after?.close();
  }

  override setNoDelay(on: boolean): void {
    if (!this.#after) super.setNoDelay(on); // the taken stream keeps the socket's option
  }

  #stop(): void {
    const h = this.#handle();
    if (h?.reading) {
      h.reading = false;
      h.readStop();
    }
  }

  /** Starts the handle reading if a pause stopped it (the stream may not: its own read request can still be outstanding, so it calls no `_read`). */
  #restart(): void {
    const s = this.#s;
    if (this.closed || !this.#own && s.isPaused()) return;
    const h = this.#handle();
    if (h && !h.reading && !s.destroyed && !s.readableEnded) {
      h.reading = true;
      h.readStart();
    }
  }
}
