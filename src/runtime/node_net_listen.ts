/** Deno: a node:net listener, bound here (plain binds) or over a listening socket handed over by fd (a binary upgrade). */
import net from "node:net";
import { AcceptGate } from "./accept_gate.ts";
import { DenoNetSocket } from "./deno_net_socket.ts";
import { type Suspendable, track, untrack } from "./deno_handover.ts";
import { addedSocketFd, listeningFd, socketFds } from "./proc_fd.ts";
import type { Listener, Socket } from "./types.ts";

class NodeNetListener implements Listener, Suspendable {
  readonly host: string;
  port = 0;
  #fd: number | undefined;
  #server: net.Server;
  readonly #gate: AcceptGate;
  #closed = false;
  #suspended = false;

  constructor(host: string, fd: number | undefined, onOpen: (s: Socket) => void) {
    this.host = host;
    this.#fd = fd;
    this.#gate = new AcceptGate(onOpen);
    this.#server = this.#create();
    track(this);
  }

  #create(): net.Server {
    const server = net.createServer({ allowHalfOpen: true }, (s) => this.#accept(s));
    server.on("error", () => {}); // accept errors (EMFILE): keep listening
    return server;
  }

  /** The adopted descriptor (undefined once suspended; a rebound socket's is looked up in /proc). */
  get fd(): number | undefined {
    if (this.#closed || this.#suspended) return undefined;
    return this.#fd ?? listeningFd(this.port);
  }

  suspend(): void {
    this.#server.close();
    this.#fd = undefined;
    this.#suspended = true;
  }

  rebind(): Promise<void> {
    if (this.#closed || !this.#suspended) return Promise.resolve();
    this.#suspended = false;
    this.#server = this.#create();
    return this.listen({ host: this.host, port: this.port });
  }

  listen(
    where: { fd: number } | { host: string; port: number; reusePort?: boolean } = {
      fd: this.#fd!,
    },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error & { code?: string }) => {
        const what = "fd" in where
          ? `take over fd ${where.fd} for ${this.host}`
          : `bind ${where.host}:${where.port}`;
        reject(new Error(`cannot ${what}: ${err.code ?? err}`));
      };
      this.#server.once("error", fail);
      const before = "fd" in where ? null : socketFds();
      this.#server.listen(where, () => {
        this.#server.off("error", fail);
        if (before !== null) this.#fd = addedSocketFd(before);
        const addr = this.#server.address();
        this.port = typeof addr === "object" && addr ? addr.port : 0;
        resolve();
      });
    });
  }

  #accept(s: net.Socket): void {
    if (this.#closed) return void s.destroy();
    this.#gate.admit(new DenoNetSocket(s));
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
    untrack(this);
    if (!this.#suspended) this.#server.close();
    this.#gate.closeParked();
  }
}

/** Accepts on the listening socket `fd` (bound to `host` by another process) through node:net. */
export async function listenNodeFd(
  host: string,
  fd: number,
  onOpen: (socket: Socket) => void,
): Promise<Listener> {
  const l = new NodeNetListener(host, fd, onOpen);
  await l.listen();
  return l;
}

/** Binds `host:port` and accepts through node:net (Deno's plain listeners: see deno.ts). */
export async function listenNodeAddr(
  host: string,
  port: number,
  reusePort: boolean,
  onOpen: (socket: Socket) => void,
): Promise<Listener> {
  const l = new NodeNetListener(host, undefined, onOpen);
  try {
    await l.listen({ host, port, ...(reusePort ? { reusePort: true } : {}) });
  } catch (err) {
    l.close();
    throw err;
  }
  return l;
}
