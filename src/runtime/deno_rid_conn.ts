/** Deno: a TCP stream taken out of a node:net handle (its resource id) behind the connection shape DenoSocket drives. */
import type { DenoConn } from "./deno_socket.ts";

/** The resource operations of Deno's core that Deno.Conn itself runs on. */
interface Core {
  read(rid: number, buf: Uint8Array): Promise<number>;
  write(rid: number, buf: Uint8Array): Promise<number>;
  shutdown(rid: number): Promise<void>;
  close(rid: number): void;
}

/** The part of Deno's native TCP handle (`socket._handle`) that gives its stream away. */
export interface TakeableHandle {
  takeStream?: () => number;
}

let core: Core | null | undefined;

function coreOps(): Core | null {
  if (core !== undefined) return core;
  try {
    const internal = (Deno as unknown as { internal?: symbol }).internal;
    const c = internal
      ? (Deno as unknown as Record<symbol, { core?: Partial<Core> }>)[internal]?.core
      : undefined;
    core = c && typeof c.read === "function" && typeof c.write === "function" &&
        typeof c.shutdown === "function" && typeof c.close === "function"
      ? c as Core
      : null;
  } catch {
    core = null;
  }
  return core;
}

/** Whether streams can be taken out of node:net handles here (Deno 2.9's `takeStream` and core's resource ops). */
export function canTakeStreams(h: TakeableHandle | null): boolean {
  return h !== null && typeof h.takeStream === "function" && coreOps() !== null;
}

/**
 * Takes the stream out of `h` (the handle no longer reads, writes or polls it) and returns it as a
 * connection (Deno.Conn's read and write ops on its resource). Call it only when no write waits in
 * the handle: one that does is left there, unsent.
 */
export function takeConn(
  h: TakeableHandle,
  addr: { remoteAddress: string; remotePort: number; localAddress: string; localPort: number },
): DenoConn {
  const c = coreOps()!;
  const rid = h.takeStream!();
  let open = true;
  return {
    remoteAddr: { transport: "tcp", hostname: addr.remoteAddress, port: addr.remotePort },
    localAddr: { transport: "tcp", hostname: addr.localAddress, port: addr.localPort },
    read: async (buf) => {
      const n = await c.read(rid, buf);
      return n === 0 ? null : n;
    },
    write: (buf) => c.write(rid, buf),
    closeWrite: () => c.shutdown(rid),
    close() {
      if (!open) return;
      open = false;
      c.close(rid);
    },
  };
}
