/** The slice of Bun's socket API that bun.ts uses, typed here so the project type-checks without bun-types. */

export interface BunSocket<T> {
  data: T;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Returns the number of bytes the kernel accepted; the rest is not buffered. */
  write(data: Uint8Array): number;
  shutdown(halfClose?: boolean): void;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(on: boolean): boolean;
  /** TLS sockets only, once the handshake is done. */
  readonly alpnProtocol?: string | false | null;
  getServername?(): string | undefined;
  getTLSVersion?(): string | null;
  getCipher?(): { name: string } | null;
}

export interface BunSocketHandler<T> {
  open?(socket: BunSocket<T>): void;
  data?(socket: BunSocket<T>, chunk: Uint8Array): void;
  drain?(socket: BunSocket<T>): void;
  end?(socket: BunSocket<T>): void;
  close?(socket: BunSocket<T>, error?: Error): void;
  error?(socket: BunSocket<T>, error: Error): void;
  connectError?(socket: BunSocket<T>, error: Error): void;
  /** TLS: the handshake ended (`success` false: the socket is to be closed). */
  handshake?(socket: BunSocket<T>, success: boolean, authorizationError: Error | null): void;
}

/** Bun's TLS settings of a listener (the ones tsproxy uses). */
export interface BunTlsOptions {
  cert: string;
  key: string;
  /** Wire format: each protocol prefixed by its length. */
  ALPNProtocols?: string;
}

export interface BunTcpListener {
  /** Undefined on a listener adopted by `fd` (then `getsockname`). */
  readonly port: number | undefined;
  readonly hostname: string;
  readonly fd: number;
  getsockname(out: { port?: number }): void;
  stop(closeActiveConnections?: boolean): void;
  /** Lets the process exit while this listener is open. */
  unref(): void;
}

/** A process started by `Bun.spawn`. */
export interface BunSubprocess {
  readonly pid: number;
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: string): void;
  unref(): void;
  disconnect(): void;
  /** Sends a message over the IPC channel (spawned with `ipc`). */
  send(message: unknown): void;
}

export interface BunApi {
  readonly version: string;
  /** Runs the garbage collector; `force`: a full, synchronous collection. */
  gc(force: boolean): void;
  listen<T>(options: {
    hostname: string;
    port: number;
    reusePort?: boolean;
    allowHalfOpen?: boolean;
    tls?: BunTlsOptions;
    socket: BunSocketHandler<T>;
  }): BunTcpListener;
  /** The same over a unix socket. */
  listen<T>(options: {
    unix: string;
    allowHalfOpen?: boolean;
    socket: BunSocketHandler<T>;
  }): BunTcpListener;
  /** Adopts a listening socket bound elsewhere (inherited from the process that started this one). */
  listen<T>(options: {
    fd: number;
    allowHalfOpen?: boolean;
    tls?: BunTlsOptions;
    socket: BunSocketHandler<T>;
  }): BunTcpListener;
  /** A child whose output is read through pipes (stdin closed). */
  spawn(cmd: string[], options: {
    stdio: ["ignore", "pipe", "pipe"];
    env: Record<string, string | undefined>;
  }): BunSubprocess & {
    readonly stdout: ReadableStream<Uint8Array>;
    readonly stderr: ReadableStream<Uint8Array>;
  };
  spawn(cmd: string[], options: {
    stdio: (string | number)[];
    env: Record<string, string | undefined>;
    ipc(message: unknown): void;
  }): BunSubprocess;
  connect<T>(options: {
    hostname: string;
    port: number;
    allowHalfOpen?: boolean;
    data?: T;
    socket: BunSocketHandler<T>;
  }): Promise<BunSocket<T>>;
}
