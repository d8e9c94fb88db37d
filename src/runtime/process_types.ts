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
