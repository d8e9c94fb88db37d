/** The runtime interface: the only surface through which the core touches sockets and signals. */
import type {
  TlsClientOptions,
  TlsInfo,
  TlsListenerExtras,
  TlsServerOptions,
} from "./tls_types.ts";

import type {
  HandedSocket,
  HeldSocket,
  InheritedSockets,
  ParentChannel,
  SelfRun,
  Successor,
  WorkerProcess,
} from "./process_types.ts";

export * from "./tls_types.ts";
export * from "./process_types.ts";

/** Callbacks a socket delivers events to. Set once with {@link Socket.setHandlers}. */
export interface SocketHandlers {
  /** Bytes arrived. The chunk belongs to the receiver: it is never reused by the adapter. */
  data(chunk: Uint8Array): void;
  /**
   * Everything queued has been handed to the kernel, after a `write` returned false or a `shutdown`
   * found bytes still queued.
   */
  drain(): void;
  /** The peer half-closed (sent FIN); writing is still allowed. */
  end(): void;
  /** The socket is fully closed; `error` is set when it closed because of a failure. Called once. */
  close(error?: Error): void;
}

/** One TCP connection, event-driven in Bun's shape. */
export interface Socket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Install the event handlers; data flows only after this (and `resume` if paused). */
  setHandlers(handlers: SocketHandlers): void;
  /**
   * Queue bytes for sending. Returns true while the queue is below the high-water mark; false means
   * the caller should stop producing until `drain`. The chunk must not be modified afterwards.
   */
  write(chunk: Uint8Array): boolean;
  /** Bytes accepted by `write` but not yet handed to the kernel. */
  readonly pending: number;
  /** Stop delivering `data` events (backpressure toward the peer). */
  pause(): void;
  resume(): void;
  /** Send FIN once everything queued is written (half-close). */
  shutdown(): void;
  /** Close both directions now, dropping anything queued. */
  close(): void;
  /**
   * Close both directions now with a reset (RST, SO_LINGER 0), nothing more written; absent where
   * the runtime cannot (the caller then uses close()).
   */
  reset?(): void;
  setNoDelay(on: boolean): void;
  readonly closed: boolean;
  /** The handshake's facts on a TLS connection (set before the socket is handed over); else absent. */
  readonly tls?: TlsInfo | undefined;
}

export interface ListenOptions {
  host: string;
  port: number;
  reusePort?: boolean;
  /** Take over this already bound listening socket (inherited at an upgrade) instead of binding. */
  fd?: number | undefined;
}

/** A unix socket to listen on: its path and the file's mode (octal text, e.g. "0600"). */
export interface UnixListenOptions {
  path: string;
  mode: string;
}

/** A bound listening socket. */
export interface Listener {
  readonly host: string;
  /** The bound port (the OS's choice when 0 was asked). */
  readonly port: number;
  /** The OS's descriptor, where the runtime can hand the socket to another process; else absent. */
  readonly fd?: number | undefined;
  /** Stop taking new connections until `resume` (they wait in the kernel or a small parked queue). */
  pause(): void;
  resume(): void;
  /** Close the listening socket; open connections are untouched. */
  close(): void;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Fail with a {@link ConnectError} of kind "timeout" after this many milliseconds. */
  timeoutMs?: number;
  noDelay?: boolean;
}

/** A listener terminating TLS: sockets are handed over once their handshake is done. */
export interface TlsListenOptions extends ListenOptions {
  tls: TlsServerOptions;
}

export interface TlsListener extends Listener, TlsListenerExtras {}

/**
 * TLS server handshakes over connections accepted on a plain listener, once something was read in
 * clear (HAProxy's `bind ... accept-proxy ssl`: the PROXY header comes first).
 */
export interface TlsAcceptor extends TlsListenerExtras {
  /**
   * Runs the server handshake over `socket` (its handlers are taken over; bytes it still holds,
   * such as what followed a PROXY header, are the first the handshake reads). Resolves with the
   * TLS connection (`tls` set, the addresses `socket` reports); rejects when the handshake fails
   * or outlasts `handshakeTimeoutMs`, `socket` then closed. `servername`: the SNI of the
   * ClientHello, read by the caller ("" for none), which picks the certificate (Bun's node:tls
   * asks no SNICallback over a stream that is not a net.Socket).
   */
  accept(socket: Socket, servername?: string): Promise<Socket>;
}

/** A client connection that starts TLS once connected; the timeout covers the handshake too. */
export interface TlsConnectOptions extends ConnectOptions {
  tls: TlsClientOptions;
  /** Bytes sent in clear before the handshake (HAProxy's `ssl send-proxy`: the PROXY header). */
  preamble?: Uint8Array | undefined;
}

/** Why a connect attempt failed: refused/unreachable, the connect timeout, or a failed TLS handshake. */
export class ConnectError extends Error {
  readonly kind: "timeout" | "refused" | "tls";
  constructor(kind: "timeout" | "refused" | "tls", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectError";
    this.kind = kind;
  }
}

/** How a callback connect ends: the socket, or why not (a ConnectError). */
export type ConnectDone = (err: ConnectError | null, socket: Socket | null) => void;

export type SignalName = "SIGTERM" | "SIGINT" | "SIGHUP" | "SIGUSR1" | "SIGUSR2";

export interface Runtime {
  readonly name: "deno" | "bun";
  readonly version: string;
  /** Bind and start accepting; rejects naming the address when the bind fails. */
  listen(options: ListenOptions, onOpen: (socket: Socket) => void): Promise<Listener>;
  /**
   * Bind a unix socket: a stale socket file at the path is removed first, the mode set after
   * binding; closing the listener removes the file.
   */
  listenUnix(options: UnixListenOptions, onOpen: (socket: Socket) => void): Promise<Listener>;
  /** Open a client connection; the handlers must be set before any data is delivered. */
  connect(options: ConnectOptions): Promise<Socket>;
  /**
   * `connect` with a callback, where the runtime has one: no promise per connection (a connection
   * per request opens one each). `done` is called once: the socket, or the ConnectError.
   */
  readonly connectWith?: (options: ConnectOptions, done: ConnectDone) => void;
  /** Bind a TLS listener; `onOpen` gets sockets whose handshake succeeded (`socket.tls` set). */
  listenTls(options: TlsListenOptions, onOpen: (socket: Socket) => void): Promise<TlsListener>;
  /**
   * TLS handshakes for connections `listen` accepted (see {@link TlsAcceptor}). Throws, saying
   * why, when this runtime cannot honour `options.tls` that way.
   */
  tlsAcceptor(options: TlsListenOptions): TlsAcceptor;
  /** Open a client connection and complete a TLS handshake on it (ConnectError "tls" if it fails). */
  connectTls(options: TlsConnectOptions): Promise<Socket>;
  /** Subscribe to a process signal; returns the unsubscribe function. */
  onSignal(signal: SignalName, handler: () => void): () => void;
  /** Listening sockets the process that started this one handed over (empty otherwise). */
  readonly inherited: InheritedSockets;
  /**
   * Starts this process's command line again (the executable as it is on disk now) with `sockets`
   * handed over; absent where the runtime cannot pass them (Deno: `Deno.listen` cannot adopt an fd).
   */
  startSuccessor?(sockets: readonly HandedSocket[]): Successor;
  /** Tells the process that started this one as its successor that it serves (no-op otherwise). */
  tellParentReady(): void;
  /**
   * Once serving: gives back the memory only start-up used (on Bun, the executable's code pages
   * that loading touched); resolves with the KiB given back. Absent where there is nothing to do.
   */
  trimStartup?(): Promise<number>;
  /**
   * Before `run` loads anything: starts this process again in place (same pid) with the runtime's
   * memory settings (Bun: JSC's RAM size), or returns when it does not. Absent where there are none.
   */
  restartTuned?(): Promise<void>;
  /**
   * Binds `host:port` (or takes the socket handed over for it at an upgrade) and holds it without
   * accepting, so worker processes accept on it; absent where sockets cannot be handed over.
   */
  holdListening?(host: string, port: number): Promise<HeldSocket>;
  /**
   * Starts this process's command line again as a worker: `sockets` as fds 3, 4, ...
   * (`TSPROXY_LISTEN_FDS`), `env` added, an IPC channel whose messages go to `onMessage`.
   */
  startWorker?(
    sockets: readonly HandedSocket[],
    env: Readonly<Record<string, string>>,
    onMessage: (message: unknown) => void,
  ): WorkerProcess;
  /**
   * Runs this program again (the same executable, runtime flags and script) with `args` and
   * collects its output: the serving process loads its config in such a child, so the config
   * checker's code (zod, yaml) never occupies its memory. Absent where the runtime cannot (Deno
   * would need --allow-run).
   */
  runSelf?(args: readonly string[]): Promise<SelfRun>;
  /** The IPC channel to a master that started this process; null otherwise. */
  readonly parent: ParentChannel | null;
}

/** Above this many queued bytes `write` asks the caller to wait for `drain`. */
export const HIGH_WATER_MARK = 64 * 1024;
