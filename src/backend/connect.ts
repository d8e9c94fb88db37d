/** The connect phase shared by TCP and HTTP: pick a server, try it, and on failure the next, `retries` more times. */
import type { PickContext } from "../lb/types.ts";
import { ConnectError, type Runtime, type Socket } from "../runtime/types.ts";
import type { Backend } from "./backend.ts";
import type { Server } from "./server.ts";

export type ConnectOutcome =
  | { ok: true; server: Server; socket: Socket; retries: number; ms: number }
  /** `noServer`: no usable server at all (HAProxy's 503 "no server available"), else all attempts failed. */
  /** `timedOut`: the last attempt ran into the connect timeout (HAProxy's "sC"), else it was refused ("SC"). */
  | {
    ok: false;
    noServer: boolean;
    timedOut: boolean;
    retries: number;
    ms: number;
    server: Server | null;
  };

/**
 * Connects to a server of `backend`. Each attempt picks a server not tried yet when one is usable.
 * The returned server's `cur` already counts this connection; the caller decrements it when done.
 * `cancelled()` is asked after each await: when true, a socket that opened is closed and counted back.
 */
export async function connectToBackend(
  runtime: Runtime,
  backend: Backend,
  cancelled: () => boolean,
  first?: Server | null,
  ctx?: Omit<PickContext, "exclude">,
): Promise<ConnectOutcome> {
  const tried = new Set<Server>();
  const started = Date.now();
  let last: Server | null = null;
  let timedOut = false;
  for (let attempt = 0; attempt <= backend.retries; attempt++) {
    const srv = attempt === 0 && first ? first : backend.balancer.pick({ ...ctx, exclude: tried });
    if (!srv) {
      return {
        ok: false,
        noServer: attempt === 0,
        timedOut,
        retries: Math.max(0, attempt - 1),
        ms: Date.now() - started,
        server: last,
      };
    }
    tried.add(srv);
    last = srv;
    srv.cur++;
    let socket: Socket;
    try {
      socket = await runtime.connect({
        host: srv.host,
        port: srv.port,
        timeoutMs: backend.connectTimeout,
      });
    } catch (err) {
      srv.cur--;
      srv.connectErrors++;
      timedOut = err instanceof ConnectError && err.kind === "timeout";
      if (cancelled()) break;
      continue;
    }
    if (cancelled()) {
      srv.cur--;
      socket.close();
      break;
    }
    srv.total++;
    return { ok: true, server: srv, socket, retries: attempt, ms: Date.now() - started };
  }
  return {
    ok: false,
    noServer: false,
    timedOut,
    retries: backend.retries,
    ms: Date.now() - started,
    server: last,
  };
}
