/** Deno's unix socket listener (Deno.listen transport "unix"), handing over the shared DenoSocket. */
import type { Listener, Socket, UnixListenOptions } from "./types.ts";
import { DenoSocket } from "./deno_socket.ts";
import { removeStaleSocket, setSocketMode, socketFileId, unlinkSocket } from "./unix_file.ts";

/** Binds `o.path` (a stale socket file removed first, mode set after) and accepts until closed. */
export function listenDenoUnix(
  o: UnixListenOptions,
  onOpen: (s: Socket) => void,
): Promise<Listener> {
  try {
    removeStaleSocket(o.path);
    const l = Deno.listen({ transport: "unix", path: o.path });
    setSocketMode(o.path, o.mode);
    const id = socketFileId(o.path);
    let closed = false;
    (async () => {
      while (!closed) {
        let conn: Deno.UnixConn;
        try {
          conn = await l.accept();
        } catch {
          if (closed) return;
          continue;
        }
        onOpen(new DenoSocket(conn as unknown as Deno.TcpConn));
      }
    })();
    return Promise.resolve({
      host: o.path,
      port: 0,
      pause() {},
      resume() {},
      close() {
        if (closed) return;
        closed = true;
        // Deno's close unlinks the path: when a successor (binary upgrade) bound its own socket
        // there, this one is left to close with the process (no client can reach it any more)
        if (socketFileId(o.path) !== id) return l.unref();
        try {
          l.close();
        } catch { /* closed */ }
        unlinkSocket(o.path, id);
      },
    });
  } catch (err) {
    return Promise.reject(
      new Error(`cannot bind unix socket ${o.path}: ${(err as Error).message}`),
    );
  }
}
