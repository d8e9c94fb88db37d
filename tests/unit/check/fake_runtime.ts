/** A Runtime whose connects are scripted, for checker and probe tests: no real socket is opened. */
import {
  ConnectError,
  type ConnectOptions,
  type Listener,
  type Runtime,
  type Socket,
  type SocketHandlers,
  type TlsAcceptor,
  type TlsListener,
} from "../../../src/runtime/types.ts";

/** What the next connects do: refuse, time out, or open a socket that answers `reply` (or not). */
export type Behaviour =
  | { kind: "refuse" }
  | { kind: "timeout" }
  | { kind: "open"; reply?: string | undefined };

export class FakeSocket implements Socket {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 1;
  readonly localAddress = "127.0.0.1";
  readonly localPort = 2;
  readonly pending = 0;
  closed = false;
  written = "";
  #handlers: SocketHandlers | null = null;
  #reply: string | undefined;

  constructor(reply: string | undefined) {
    this.#reply = reply;
  }

  setHandlers(h: SocketHandlers): void {
    this.#handlers = h;
  }

  write(chunk: Uint8Array): boolean {
    this.written += new TextDecoder().decode(chunk);
    const reply = this.#reply;
    if (reply !== undefined) {
      queueMicrotask(() => {
        if (this.closed) return;
        this.#handlers?.data(new TextEncoder().encode(reply));
        this.#handlers?.end();
      });
    }
    return true;
  }

  pause(): void {}
  resume(): void {}
  shutdown(): void {}
  setNoDelay(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#handlers?.close();
  }
}

export class FakeRuntime implements Runtime {
  readonly name = "deno";
  readonly version = "fake";
  behaviour: Behaviour = { kind: "open" };
  /** Every connect attempt, and the sockets opened. */
  connects: ConnectOptions[] = [];
  sockets: FakeSocket[] = [];

  listenUnix(): Promise<Listener> {
    return Promise.reject(new Error("FakeRuntime: listenUnix is not scripted"));
  }

  listenTls(): Promise<TlsListener> {
    return Promise.reject(new Error("FakeRuntime: listenTls is not scripted"));
  }

  connectTls(): Promise<Socket> {
    return Promise.reject(new Error("FakeRuntime: connectTls is not scripted"));
  }

  tlsAcceptor(): TlsAcceptor {
    throw new Error("FakeRuntime: tlsAcceptor is not scripted");
  }

  listen(): Promise<Listener> {
    return Promise.reject(new Error("FakeRuntime: listen is not scripted"));
  }

  connect(o: ConnectOptions): Promise<Socket> {
    this.connects.push(o);
    const b = this.behaviour;
    const where = `${o.host}:${o.port}`;
    if (b.kind === "refuse") {
      return Promise.reject(
        new ConnectError(
          "refused",
          `connect to ${where} failed: Connection refused (os error 111)`,
        ),
      );
    }
    if (b.kind === "timeout") {
      return Promise.reject(new ConnectError("timeout", `connect to ${where} timed out`));
    }
    const s = new FakeSocket(b.reply);
    this.sockets.push(s);
    return Promise.resolve(s);
  }

  onSignal(): () => void {
    return () => {};
  }

  readonly inherited = { size: 0, take: () => undefined, closeRest: () => [] };
  tellParentReady(): void {}
  parent = null;
}

/** Resolves once `cond()` holds, polling every 2 ms; rejects after `ms` naming `what`. */
export async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
