/** Bun's unix socket listener (Bun.listen with `unix`), handing over the shared BunSock. */
import type { BunApi } from "./bun_api.ts";
import type { Listener, Socket, UnixListenOptions } from "./types.ts";
import { BunListener, type BunSock, clientHandler } from "./bun_socket.ts";
import { removeStaleSocket, setSocketMode, socketFileId, unlinkSocket } from "./unix_file.ts";

declare const Bun: BunApi;

/** Binds `o.path` (a stale socket file removed first, mode set after) and accepts until closed. */
export function listenBunUnix(
  o: UnixListenOptions,
  onOpen: (s: Socket) => void,
): Promise<Listener> {
  const listener = new BunListener(o.path, onOpen);
  try {
    removeStaleSocket(o.path);
    const l = Bun.listen<BunSock>({
      unix: o.path,
      allowHalfOpen: true,
      socket: { ...clientHandler, open: (s) => listener.accept(s) },
    });
    setSocketMode(o.path, o.mode);
    const id = socketFileId(o.path);
    listener.stopFn = () => {
      // Bun's stop() unlinks the path: when a successor (binary upgrade) bound its own socket
      // there, this one is left to close with the process (no client can reach it any more)
      if (socketFileId(o.path) !== id) return l.unref();
      l.stop(false);
      unlinkSocket(o.path, id);
    };
    return Promise.resolve(listener);
  } catch (err) {
    return Promise.reject(
      new Error(`cannot bind unix socket ${o.path}: ${(err as Error).message}`),
    );
  }
}
