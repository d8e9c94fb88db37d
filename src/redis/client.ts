/** A small RESP2 client over the runtime's sockets: pipelines, AUTH/SELECT on connect, reconnect with backoff, a bounded queue. */
import type { Runtime, Socket, TlsClientOptions } from "../runtime/types.ts";
import { type Command, encodeCommands, RespError, RespParser, type RespValue } from "./resp.ts";
import type { RedisTarget } from "./url.ts";

export interface RedisClientOptions {
  readonly target: RedisTarget;
  /** TLS settings for `rediss://` (default: verify against the system's CAs, SNI = host). */
  readonly tls?: TlsClientOptions;
  readonly connectTimeoutMs?: number;
  /** A pipeline without its replies after this long closes the connection (then reconnects). */
  readonly replyTimeoutMs?: number;
  /** Pipelines in flight at most; one more is refused at once. */
  readonly maxPending?: number;
  /** Reconnect delays: doubling from `min` to `max` ms; reset by a successful connect. */
  readonly backoff?: { readonly min: number; readonly max: number };
  /** Called on every change between up (connected, AUTH/SELECT done) and down, with why. */
  readonly onState?: (up: boolean, why: string) => void;
}

interface Waiting {
  readonly n: number;
  readonly replies: RespValue[];
  resolve(replies: RespValue[]): void;
  reject(err: Error): void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One connection to one Redis server, kept open: `pipeline()` writes its commands in one write
 * and resolves with their replies in order (error replies are `RespError` values). While down it
 * refuses at once instead of queueing; callers keep what they wanted to send and try later.
 */
export class RedisClient {
  readonly #runtime: Pick<Runtime, "connect" | "connectTls">;
  readonly #o: Required<Omit<RedisClientOptions, "tls" | "onState">> & RedisClientOptions;
  readonly #where: string;
  #socket: Socket | null = null;
  #up = false;
  #closed = false;
  #parser = new RespParser();
  #waiting: Waiting[] = [];
  #delay = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Why it is down, for the error a refused pipeline gets. */
  #why = "not connected yet";

  constructor(runtime: Pick<Runtime, "connect" | "connectTls">, options: RedisClientOptions) {
    this.#runtime = runtime;
    this.#o = {
      connectTimeoutMs: 2000,
      replyTimeoutMs: 2000,
      maxPending: 16,
      backoff: { min: 100, max: 5000 },
      ...options,
    };
    this.#where = `redis ${options.target.host}:${options.target.port}`;
  }

  /** Connected, with AUTH and SELECT done. */
  get up(): boolean {
    return this.#up;
  }

  /** Opens the connection (and keeps reopening it with backoff until `close`). */
  start(): void {
    if (this.#socket === null && this.#retry === undefined && !this.#closed) void this.#connect();
  }

  /** Sends `commands` in one write; resolves with their replies, rejects when down or the connection fails first. */
  pipeline(commands: readonly Command[]): Promise<RespValue[]> {
    if (!this.#up) return Promise.reject(new Error(`${this.#where}: down (${this.#why})`));
    return this.#send(commands);
  }

  /** Closes the connection for good; pipelines in flight reject. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#socket?.close();
  }

  #send(commands: readonly Command[]): Promise<RespValue[]> {
    const socket = this.#socket;
    if (socket === null) return Promise.reject(new Error(`${this.#where}: not connected`));
    if (this.#waiting.length >= this.#o.maxPending) {
      return Promise.reject(
        new Error(`${this.#where}: ${this.#waiting.length} pipelines waiting for replies`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#down(`no reply within ${this.#o.replyTimeoutMs} ms`);
        socket.close();
      }, this.#o.replyTimeoutMs);
      this.#waiting.push({ n: commands.length, replies: [], resolve, reject, timer });
      socket.write(encodeCommands(commands));
    });
  }

  async #connect(): Promise<void> {
    const t = this.#o.target;
    let socket: Socket;
    try {
      const base = { host: t.host, port: t.port, timeoutMs: this.#o.connectTimeoutMs };
      socket = t.tls
        ? await this.#runtime.connectTls({
          ...base,
          tls: this.#o.tls ?? { verify: "required", servername: t.host },
        })
        : await this.#runtime.connect({ ...base, noDelay: true });
    } catch (err) {
      this.#down(`connect: ${(err as Error).message}`);
      this.#later();
      return;
    }
    if (this.#closed) return socket.close();
    this.#socket = socket;
    this.#parser = new RespParser();
    socket.setHandlers({
      data: (chunk) => this.#data(chunk),
      drain: () => {},
      end: () => socket.close(),
      close: (error) => {
        if (this.#socket !== socket) return;
        this.#socket = null;
        // a reason given first (a reply timeout, a protocol error) stays the one reported
        if (this.#up) this.#down(error ? `closed: ${error.message}` : "closed by the server");
        this.#failAll(new Error(`${this.#where}: connection closed`));
        this.#later();
      },
    });
    const hello: Command[] = [];
    if (t.password !== undefined) {
      hello.push(t.username ? ["AUTH", t.username, t.password] : ["AUTH", t.password]);
    }
    if (t.db !== 0) hello.push(["SELECT", t.db]);
    hello.push(["PING"]);
    try {
      const replies = await this.#send(hello);
      const bad = replies.find((r) => r instanceof RespError) as RespError | undefined;
      if (bad) throw new Error(bad.message);
    } catch (err) {
      this.#down(`handshake: ${(err as Error).message}`);
      socket.close();
      return;
    }
    this.#delay = 0;
    this.#up = true;
    this.#o.onState?.(true, "connected");
  }

  #data(chunk: Uint8Array): void {
    this.#parser.feed(chunk);
    try {
      for (let r = this.#parser.next(); r !== undefined; r = this.#parser.next()) {
        const w = this.#waiting[0];
        if (w === undefined) throw new Error("a reply nobody asked for");
        w.replies.push(r.value);
        if (w.replies.length < w.n) continue;
        this.#waiting.shift();
        clearTimeout(w.timer);
        w.resolve(w.replies);
      }
    } catch (err) {
      this.#down(`protocol: ${(err as Error).message}`);
      this.#socket?.close();
    }
  }

  #down(why: string): void {
    this.#why = why;
    if (!this.#up) return;
    this.#up = false;
    this.#o.onState?.(false, why);
  }

  #failAll(err: Error): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  #later(): void {
    if (this.#closed) return;
    const { min, max } = this.#o.backoff;
    this.#delay = Math.min(max, this.#delay === 0 ? min : this.#delay * 2);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, this.#delay);
  }
}
