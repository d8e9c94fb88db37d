/** Deno: listeners let go of their sockets the moment a successor is spawned with them, and bind again if it fails. */
import { getLogger } from "@logtape/logtape";

const log = getLogger(["tsproxy", "upgrade"]);

/**
 * A Deno listener (native, or node:net/node:tls over Deno) that can close its descriptor without
 * ending (`suspend`) and bind its address again (`rebind`).
 *
 * Why: node:child_process's spawn makes the descriptors it passes blocking (O_NONBLOCK lives in
 * the socket's open file description, which the parent shares), until the new process's node:net
 * sets it back. Deno's accept loop meanwhile calls accept(2) again after each connection: on a
 * blocking socket with an empty queue it blocks the whole event loop (measured on Deno 2.9.6: the
 * old process stalled in accept4 until a new connection came, never reading the successor's
 * "ready"). So the old process stops accepting in the very turn it spawns; connections wait in
 * the kernel's queue, which the successor shares, and none is refused or reset.
 */
export interface Suspendable {
  readonly fd: number | undefined;
  /** Closes the descriptor; the listener stays open to its owner (no accept until `rebind`). */
  suspend(): void;
  /** Binds the same address again (the successor failed); throws naming the address. */
  rebind(): Promise<void>;
}

const live = new Set<Suspendable>();

/** A listener that opened (tracked until it closes). */
export function track(l: Suspendable): void {
  live.add(l);
}

export function untrack(l: Suspendable): void {
  live.delete(l);
}

/** Suspends every tracked listener whose descriptor is one of `fds`; returns them. */
export function suspendHanded(fds: readonly number[]): Suspendable[] {
  const handed = new Set(fds);
  const out: Suspendable[] = [];
  for (const l of live) {
    const fd = l.fd;
    if (fd !== undefined && handed.has(fd)) out.push(l);
  }
  for (const l of out) l.suspend();
  return out;
}

/** Binds the suspended listeners again (the successor did not take over); logs what fails. */
export async function rebindAll(ls: readonly Suspendable[]): Promise<void> {
  for (const l of ls) {
    try {
      await l.rebind();
    } catch (err) {
      log.error`upgrade: ${(err as Error).message}`;
    }
  }
}
