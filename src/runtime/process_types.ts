/** Handing listening sockets to a successor process (binary upgrade) and taking them over there. */

/** A listening socket handed to another process: the address as configured, and its fd. */
export interface HandedSocket {
  host: string;
  /** The port as the config wrote it (0 stays 0: the successor's bind with port 0 takes it). */
  port: number;
  fd: number;
}

/**
 * The listening sockets this process was given by the process that started it (binary upgrade).
 * Empty in a process started any other way.
 */
export interface InheritedSockets {
  /** How many are left to take. */
  readonly size: number;
  /** The fd of a socket handed over for `host:port` (the configured port), taken once. */
  take(host: string, port: number): number | undefined;
  /** Closes the sockets no bind took (their addresses left the config); returns them ("host:port"). */
  closeRest(): string[];
}

/** What a run of this program with other arguments wrote, and how it ended (`Runtime.runSelf`). */
export interface SelfRun {
  readonly code: number;
  readonly stdout: Uint8Array;
  readonly stderr: string;
}

/** The new process of a binary upgrade, started with this process's listening sockets. */
export interface Successor {
  readonly pid: number;
  /**
   * Settles once: "ready" when it said it serves (`Runtime.tellParentReady`), or how it ended
   * before that (its exit code, or the signal's name).
   */
  readonly started: Promise<"ready" | { exited: number | string }>;
  /** Asks it to stop gracefully (SIGTERM): it was not ready in time. */
  stop(): void;
  /** Lets it live on its own: this process no longer listens to it nor waits for it. */
  release(): void;
}

/** A listening socket a master holds for its workers: bound, never accepted on by the master. */
export interface HeldSocket extends HandedSocket {
  /** The port the socket is bound to (the OS's choice when the config said 0). */
  readonly boundPort: number;
}

/** A worker process a master started with its listening sockets and an IPC channel. */
export interface WorkerProcess {
  readonly pid: number;
  /** Settles once, when it ended: its exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
  /** Sends a JSON-able message over the IPC channel (dropped when it is gone). */
  send(message: unknown): void;
  kill(signal: "SIGTERM" | "SIGKILL" | "SIGHUP" | "SIGUSR1"): void;
}

/** The IPC channel to the process that started this one (a master), when there is one. */
export interface ParentChannel {
  send(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** The channel closed: the parent is gone. */
  onDisconnect(handler: () => void): void;
}
