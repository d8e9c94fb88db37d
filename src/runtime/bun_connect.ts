/** Bun's client connect with a callback: the socket handler's open/connectError settle it, a coarse timer times it out. */
import type { BunApi } from "./bun_api.ts";
import { BunSock, clientHandler, type ConnectWaiter } from "./bun_socket.ts";
import { CoarseTimer } from "./coarse_timer.ts";
import { now } from "./clock.ts";
import { type ConnectDone, ConnectError, type ConnectOptions } from "./types.ts";

declare const Bun: BunApi;

/** One attempt in flight: settled once, by the open, the error or the timeout (what comes later is dropped). */
class BunConnect implements ConnectWaiter {
  static readonly #EXPIRE = (c: BunConnect) => c.#expire();

  readonly #sock: BunSock;
  readonly #options: ConnectOptions;
  readonly #done: ConnectDone;
  readonly #timer: CoarseTimer<BunConnect> | null;

  constructor(sock: BunSock, options: ConnectOptions, done: ConnectDone) {
    this.#sock = sock;
    this.#options = options;
    this.#done = done;
    this.#timer = options.timeoutMs ? new CoarseTimer<BunConnect>(BunConnect.#EXPIRE, this) : null;
    this.#timer?.set(now() + options.timeoutMs!);
  }

  opened(): void {
    this.#settle();
    if (this.#options.noDelay === false) this.#sock.setNoDelay(false); // Bun sets TCP_NODELAY itself
    this.#done(null, this.#sock);
  }

  failed(err: Error): void {
    this.#settle();
    const why = (err as { code?: string }).code ?? String(err);
    const where = `${this.#options.host}:${this.#options.port}`;
    this.#done(
      new ConnectError("refused", `connect to ${where} failed: ${why}`, { cause: err }),
      null,
    );
  }

  /** The socket is closed as soon as it opens; the caller hears of a timeout. */
  #expire(): void {
    this.#sock.connecting = null;
    this.#sock.abandoned = true;
    const o = this.#options;
    const why = `connect to ${o.host}:${o.port} timed out after ${o.timeoutMs}ms`;
    this.#done(new ConnectError("timeout", why), null);
  }

  #settle(): void {
    this.#sock.connecting = null;
    this.#timer?.clear();
  }
}

/** Opens a client connection; `done` hears of it once (no promise, no closure per attempt). */
export function bunConnectWith(options: ConnectOptions, done: ConnectDone): void {
  const sock = new BunSock();
  sock.connecting = new BunConnect(sock, options, done);
  try {
    // settled by the handler's open/connectError (with connectError set, the promise never rejects)
    Bun.connect<BunSock>({
      hostname: options.host,
      port: options.port,
      allowHalfOpen: true,
      data: sock,
      socket: clientHandler,
    });
  } catch (err) {
    sock.connecting?.failed(err instanceof Error ? err : new Error(String(err)));
  }
}
