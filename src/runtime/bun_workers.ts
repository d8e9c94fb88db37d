/** Bun: listening sockets a master holds without accepting (a dup of the bound socket, via libc), and worker processes started on them. */
import process from "node:process";
import type { BunApi, BunTcpListener } from "./bun_api.ts";
import { boundPort } from "./bun_port.ts";
import { commandLine } from "./bun_successor.ts";
import { LISTEN_FDS_ENV } from "./inherited.ts";
import type { HandedSocket, HeldSocket, InheritedSockets, WorkerProcess } from "./process_types.ts";

declare const Bun: BunApi;

interface Libc {
  symbols: { dup(fd: number): number };
}

let libc: Libc | undefined;

/** libc's dup(2), loaded once through bun:ffi (Bun offers no other way to copy a descriptor). */
async function loadDup(): Promise<(fd: number) => number> {
  if (!libc) {
    const ffi = await import("bun:ffi" as string) as {
      dlopen(lib: string, symbols: Record<string, unknown>): Libc;
      FFIType: { i32: unknown };
    };
    libc = ffi.dlopen("libc.so.6", {
      dup: { args: [ffi.FFIType.i32], returns: ffi.FFIType.i32 },
    });
  }
  const l = libc;
  return (fd) => l.symbols.dup(fd);
}

const noop = () => {};

/**
 * Binds `host:port` (or adopts the socket a predecessor handed over for it), keeps a copy of its
 * descriptor and closes Bun's listener in the same turn, so this process never accepts on it:
 * connections wait in the kernel's queue for the workers. Throws naming the address.
 */
export async function holdBunListening(
  host: string,
  port: number,
  inherited: InheritedSockets,
): Promise<HeldSocket> {
  let dup: (fd: number) => number;
  try {
    dup = await loadDup();
  } catch (err) {
    throw new Error(`cannot hold ${host}:${port}: libc's dup is not available (${err})`);
  }
  const fd = inherited.size > 0 ? inherited.take(host, port) : undefined;
  const socket = { open: noop, data: noop };
  let l: BunTcpListener;
  try {
    l = fd !== undefined
      ? (Bun.listen as (o: unknown) => BunTcpListener)({ fd, socket })
      : Bun.listen({ hostname: host, port, socket });
  } catch (err) {
    const why = (err as { code?: string }).code ?? (err as Error).message;
    throw new Error(`cannot bind ${host}:${port}: ${why}`);
  }
  const copy = dup(l.fd);
  const bound = boundPort(l);
  l.stop(false); // closes Bun's descriptor; the copy keeps the socket listening
  if (copy < 0) throw new Error(`cannot hold ${host}:${port}: dup(${l.fd}) failed`);
  return { host, port, fd: copy, boundPort: bound };
}

/** Spawns a worker: this process's command line, the sockets as fds 3, 4, ..., `env` added, IPC. */
export function startBunWorker(
  sockets: readonly HandedSocket[],
  env: Readonly<Record<string, string>>,
  onMessage: (message: unknown) => void,
): WorkerProcess {
  const handed = sockets.map((s, i) => ({ host: s.host, port: s.port, fd: 3 + i }));
  const cmd = commandLine();
  let proc: ReturnType<BunApi["spawn"]>;
  try {
    proc = Bun.spawn(cmd, {
      stdio: ["inherit", "inherit", "inherit", ...sockets.map((s) => s.fd)],
      env: { ...process.env, ...env, [LISTEN_FDS_ENV]: JSON.stringify(handed) },
      ipc: onMessage,
    });
  } catch (err) {
    throw new Error(`cannot start ${cmd.join(" ")}: ${(err as Error).message}`, { cause: err });
  }
  return {
    pid: proc.pid,
    exited: proc.exited.then(() => proc.signalCode ?? proc.exitCode ?? -1),
    send(message) {
      try {
        proc.send(message);
      } catch { /* gone: its exit is reported */ }
    },
    kill: (signal) => proc.kill(signal),
  };
}
