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

/** How a connect phase ends (called once). */
export type ConnectCallback = (outcome: ConnectOutcome) => void;

/**
 * Connects to a server of `backend`. Each attempt picks a server not tried yet when one is usable.
 * The returned server's `cur` already counts this connection; the caller decrements it when done.
 * `cancelled()` is asked after each wait: when true, a socket that opened is closed and counted back.
 */
export function connectToBackend(
  runtime: Runtime,
  backend: Backend,
  cancelled: () => boolean,
  first?: Server | null,
  ctx?: ConnectContext,
  /** Retries the request already used (an HTTP retry-on), counted against `retries`. */
  retried?: number,
): Promise<ConnectOutcome> {
  return new Promise((resolve) =>
    connectBackend(runtime, backend, cancelled, first ?? null, ctx, retried ?? 0, resolve)
  );
}

/** {@link connectToBackend} with a callback: no promise where the runtime connects with one. */
export function connectBackend(
  runtime: Runtime,
  backend: Backend,
  cancelled: () => boolean,
  first: Server | null,
  ctx: ConnectContext | undefined,
  retried: number,
  done: ConnectCallback,
): void {
  new Attempts(runtime, backend, cancelled, first, ctx, retried, done).next();
}

/** The attempts of one connect phase, a queue wait first when every server is full. */
class Attempts {
  readonly #runtime: Runtime;
  readonly #backend: Backend;
  readonly #cancelled: () => boolean;
  readonly #first: Server | null;
  readonly #ctx: ConnectContext | undefined;
  readonly #retried: number;
  readonly #done: ConnectCallback;
  readonly #retries: number;
  readonly #started = now();
  #attempt = 0;
  /** The servers tried: the first alone, a set once a pick must skip them or a second is tried. */
  #one: Server | null = null;
  #tried: Set<Server> | null = null;
  /** The server of the attempt in flight (the last one tried). */
  #last: Server | null = null;
  #timedOut = false;
  #tlsError: string | undefined;
  #queueMs = 0;
  /** The runtime's callback for this phase's connects (one closure for all its attempts). */
  readonly #connected = (err: Error | null, socket: Socket | null): void =>
    err !== null ? this.#refused(err) : this.#opened(socket!);

  constructor(
    runtime: Runtime,
    backend: Backend,
    cancelled: () => boolean,
    first: Server | null,
    ctx: ConnectContext | undefined,
    retried: number,
    done: ConnectCallback,
  ) {
    this.#runtime = runtime;
    this.#backend = backend;
    this.#cancelled = cancelled;
    this.#first = first;
    this.#ctx = ctx;
    this.#retried = retried;
    this.#done = done;
    this.#retries = backend.retryOn.connFailure ? Math.max(0, backend.retries - retried) : 0;
  }

  /** Attempt number `#attempt`: the server it goes to, or the queue first. */
  next(): void {
    const backend = this.#backend;
    const attempt = this.#attempt;
    if (attempt > this.#retries) return this.#exhausted();
    const last = this.#last;
    let srv = attempt === 0 ? this.#first : null;
    if (
      attempt > 0 && last &&
      !redispatches(attempt + this.#retried, backend.retries, backend.redispatch)
    ) {
      srv = last; // option redispatch says this retry stays on the same server
    }
    // a request arriving while others wait joins the line behind them (HAProxy's pendconn order)
    if (!srv && (attempt > 0 || backend.queue.length === 0)) {
      srv = backend.pick(this.#pickContext());
    }
    if (!srv && attempt === 0 && backend.saturated) {
      const max = backend.maxQueue;
      if (max > 0 && backend.queue.length >= max) {
        backend.counters.econ++;
        return this.#failed(QUEUE_FULL, 0, null);
      }
      const q0 = now();
      void backend.queue.wait(backend.queueTimeout).then((got) => this.#dequeued(got, q0));
      return;
    }
    this.#try(srv);
  }

  /** The queue gave a slot (`got`) or timed out. */
  #dequeued(got: boolean, q0: number): void {
    const backend = this.#backend;
    this.#queueMs = now() - q0;
    if (!got || this.#cancelled()) {
      if (got) backend.queue.wake(); // pass the slot on
      else backend.counters.econ++;
      return this.#failed(got ? attemptFailed(false, undefined) : QUEUE_TIMEOUT, 0, null);
    }
    this.#try(backend.pick(this.#pickContext()));
  }

  /** Opens a connection to `srv` (null: the same server again, else no server at all). */
  #try(srv: Server | null): void {
    const backend = this.#backend;
    const attempt = this.#attempt;
    const last = this.#last;
    if (!srv && attempt > 0 && last) srv = last; // nowhere else to go: the same server again
    if (!srv) {
      backend.counters.econ++;
      const f = attempt === 0 ? NO_SERVER : attemptFailed(this.#timedOut, this.#tlsError);
      return this.#failed(f, Math.max(0, attempt - 1), last);
    }
    if (attempt > 0 && last) countRetry(backend, last, srv);
    if (this.#tried !== null) this.#tried.add(srv);
    else if (this.#one === null) this.#one = srv;
    else if (this.#one !== srv) this.#tried = new Set([this.#one, srv]);
    this.#last = srv;
    srv.cur++;
    const runtime = this.#runtime;
    try {
      const target = { host: srv.host, port: srv.port, timeoutMs: backend.connectTimeout };
      if (srv.tls) {
        const ctx = this.#ctx;
        runtime.connectTls({
          ...target,
          tls: clientTls(srv.tls, srv.tlsSessions, ctx?.sample && (() => ctx.sample!())),
          preamble: ctx?.hello?.(srv) ?? undefined,
        }).then((s) => this.#opened(s), (err) => this.#refused(err));
      } else if (runtime.connectWith) runtime.connectWith(target, this.#connected);
      else runtime.connect(target).then((s) => this.#opened(s), (err) => this.#refused(err));
    } catch (err) {
      this.#refused(err);
    }
  }

  #opened(socket: Socket): void {
    const srv = this.#last!;
    srv.observer?.connected(true);
    if (this.#cancelled()) {
      this.#backend.release(srv);
      socket.close();
      return this.#exhausted();
    }
    this.#done({
      ok: true,
      server: srv,
      socket,
      retries: this.#attempt,
      ms: now() - this.#started,
      queueMs: this.#queueMs,
    });
  }

  #refused(err: unknown): void {
    const srv = this.#last!;
    this.#backend.release(srv);
    srv.observer?.connected(false); // observe: HAProxy's "L4 unsuccessful connection"
    this.#timedOut = err instanceof ConnectError && err.kind === "timeout";
    this.#tlsError = err instanceof ConnectError && err.kind === "tls" ? err.message : undefined;
    if (this.#cancelled()) return this.#exhausted();
    this.#attempt++;
    this.next();
  }

  /** No attempt left (or the caller went away): the last attempt's failure. */
  #exhausted(): void {
    if (!this.#cancelled()) {
      this.#backend.counters.econ++;
      if (this.#last) this.#last.counters.econ++;
    }
    this.#failed(attemptFailed(this.#timedOut, this.#tlsError), this.#retries, this.#last);
  }

  #failed(failure: Failure, retries: number, server: Server | null): void {
    const ms = now() - this.#started;
    this.#done({ ok: false, failure, queueMs: this.#queueMs, retries, ms, server });
  }

  /** What the balancer reads, with the servers tried so far to skip. */
  #pickContext(): PickContext {
    const c = this.#ctx;
    if (this.#tried === null) {
      this.#tried = new Set();
      if (this.#one !== null) this.#tried.add(this.#one);
    }
    return { src: c?.src, http: c?.http, key: c?.key, exclude: this.#tried };
  }
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
