/** A node:net listener over a listening socket handed over by fd (Deno adopts its predecessor's sockets this way at a binary upgrade). */
import net from "node:net";
import { AcceptGate } from "./accept_gate.ts";
import { NodeTlsSocket, type PauseMode } from "./node_tls.ts";
import { type Suspendable, track, untrack } from "./deno_handover.ts";
import { addedSocketFd, listeningFd, socketFds } from "./proc_fd.ts";
import type { Listener, Socket } from "./types.ts";

class NodeNetListener implements Listener, Suspendable {
  readonly host: string;
  port = 0;
  #fd: number | undefined;
  #server: net.Server;
  readonly #gate: AcceptGate;
  readonly #pauseMode: PauseMode;
  #closed = false;
  #suspended = false;

  constructor(host: string, fd: number, onOpen: (s: Socket) => void, pauseMode: PauseMode) {
    this.host = host;
    this.#fd = fd;
    this.#pauseMode = pauseMode;
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
    where: { fd: number } | { host: string; port: number } = { fd: this.#fd! },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error & { code?: string }) => {
        const what = "fd" in where
          ? `take over fd ${where.fd} for ${this.host}`
          : `bind ${this.host}:${this.port}`;
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
    this.#gate.admit(new NodeTlsSocket(s, undefined, this.#pauseMode));
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
  pauseMode: PauseMode,
): Promise<Listener> {
  const l = new NodeNetListener(host, fd, onOpen, pauseMode);
  await l.listen();
  return l;
}
