/** The connect phase shared by TCP and HTTP: pick a server, try it, and on failure the next, `retries` more times. */
import type { PickContext } from "../lb/types.ts";
import type { SampleContext } from "../rules/types.ts";
import { ConnectError, type Runtime, type Socket } from "../runtime/types.ts";
import { type Failure, failure } from "../failure/failure.ts";
import type { Backend } from "./backend.ts";
import { redispatches } from "./retry.ts";
import type { Server } from "./server.ts";
import { clientTls } from "./server_tls.ts";
import { now } from "../runtime/clock.ts";

/** What a connect attempt knows of its client connection, besides what the balancer reads. */
export interface ConnectContext extends Omit<PickContext, "exclude"> {
  /**
   * The PROXY header a new connection to `server` starts with (sendProxy), or null. Sent here
   * only to a TLS server (in clear, before the handshake); the caller writes it on a plain one.
   */
  readonly hello?: ((server: Server) => Uint8Array | null) | undefined;
  /** The rules' view of the client connection, for a server's `sni` expression. */
  readonly sample?: (() => SampleContext) | undefined;
}

export type ConnectOutcome =
  | { ok: true; server: Server; socket: Socket; retries: number; ms: number; queueMs: number }
  | {
    ok: false;
    /** Why no connection: no server, queue full or timed out, the last attempt refused or timed out. */
    failure: Failure;
    queueMs: number;
    retries: number;
    ms: number;
    server: Server | null;
  };

/** 503 `sQ`: every server stayed full for `timeout queue`. */
const QUEUE_TIMEOUT = failure("server-timeout", "queue", { status: 503, reason: "timeout queue" });
/** 503 `sQ`: the queue already held maxqueue requests (refused at once). */
const QUEUE_FULL = failure("server-timeout", "queue", {
  status: 503,
  reason: "queue full (maxqueue)",
});
/** 503 `SC`: no usable server (HAProxy's "no server available"). */
const NO_SERVER = failure("server-abort", "connect", {
  status: 503,
  reason: "no server available",
});

/** The failure of the last connect attempt: `sC` timeout, `SC` refused or a failed TLS handshake. */
function attemptFailed(timedOut: boolean, tlsError: string | undefined): Failure {
  const reason = timedOut
    ? "connect timeout"
    : tlsError
    ? `TLS handshake failed: ${tlsError.replace(/^TLS handshake with \S+ failed: /, "")}`
    : "connection refused";
  return failure(timedOut ? "server-timeout" : "server-abort", "connect", {
    status: 503,
    reason,
    retryOn: "conn-failure",
  });
}

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
  ctx?: ConnectContext,
  /** Retries the request already used (an HTTP retry-on), counted against `retries`. */
  retried?: number,
): Promise<ConnectOutcome> {
  const tried = new Set<Server>();
  const started = now();
  let last: Server | null = null;
  let timedOut = false;
  let tlsError: string | undefined;
  let queueMs = 0;
  /** A failed outcome: nothing picked or queued yet unless `o` says otherwise. */
  const failed = (
    f: Failure,
    o: Partial<Extract<ConnectOutcome, { ok: false }>> = {},
  ): ConnectOutcome => ({
    ok: false,
    failure: f,
    queueMs,
    retries: 0,
    ms: now() - started,
    server: null,
    ...o,
  });
  const retries = backend.retryOn.connFailure ? Math.max(0, backend.retries - (retried ?? 0)) : 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    let srv = attempt === 0 && first ? first : null;
    if (
      attempt > 0 && last &&
      !redispatches(attempt + (retried ?? 0), backend.retries, backend.redispatch)
    ) {
      srv = last; // option redispatch says this retry stays on the same server
    }
    // a request arriving while others wait joins the line behind them (HAProxy's pendconn order)
    if (!srv && (attempt > 0 || backend.queue.length === 0)) {
      srv = backend.pick({ ...ctx, exclude: tried });
    }
    if (!srv && attempt === 0 && backend.saturated) {
      const max = backend.maxQueue;
      if (max > 0 && backend.queue.length >= max) {
        backend.counters.econ++;
        return failed(QUEUE_FULL);
      }
      const q0 = now();
      const got = await backend.queue.wait(backend.queueTimeout);
      queueMs = now() - q0;
      if (!got || cancelled()) {
        if (got) backend.queue.wake(); // pass the slot on
        else backend.counters.econ++;
        return failed(got ? attemptFailed(false, undefined) : QUEUE_TIMEOUT);
      }
      srv = backend.pick({ ...ctx, exclude: tried });
    }
    if (!srv && attempt > 0 && last) srv = last; // nowhere else to go: the same server again
    if (!srv) {
      backend.counters.econ++;
      return failed(attempt === 0 ? NO_SERVER : attemptFailed(timedOut, tlsError), {
        retries: Math.max(0, attempt - 1),
        server: last,
      });
    }
    if (attempt > 0 && last) countRetry(backend, last, srv);
    tried.add(srv);
    last = srv;
    srv.cur++;
    let socket: Socket;
    try {
      const target = { host: srv.host, port: srv.port, timeoutMs: backend.connectTimeout };
      socket = await (srv.tls
        ? runtime.connectTls({
          ...target,
          tls: clientTls(srv.tls, srv.tlsSessions, ctx?.sample),
          preamble: ctx?.hello?.(srv) ?? undefined,
        })
        : runtime.connect(target));
    } catch (err) {
      backend.release(srv);
      srv.observer?.connected(false); // observe: HAProxy's "L4 unsuccessful connection"
      timedOut = err instanceof ConnectError && err.kind === "timeout";
      tlsError = err instanceof ConnectError && err.kind === "tls" ? err.message : undefined;
      if (cancelled()) break;
      continue;
    }
    srv.observer?.connected(true);
    if (cancelled()) {
      backend.release(srv);
      socket.close();
      break;
    }
    return { ok: true, server: srv, socket, retries: attempt, ms: now() - started, queueMs };
  }
  if (!cancelled()) {
    backend.counters.econ++;
    if (last) last.counters.econ++;
  }
  return failed(attemptFailed(timedOut, tlsError), { retries, server: last });
}

/**
 * Counts a retry to `to` after a failure on `from`, as HAProxy's stats do: a redispatch (wredis)
 * when it moves to another server, else a retry (wretr), on `from` and the backend. Returns `to`.
 */
export function countRetry(backend: Backend, from: Server, to: Server): Server {
  if (to === from) {
    from.counters.wretr++;
    backend.counters.wretr++;
  } else {
    from.counters.wredis++;
    backend.counters.wredis++;
  }
  return to;
}
