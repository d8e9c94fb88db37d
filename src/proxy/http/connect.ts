/** Phase "connect" of one transaction: cookie persistence, a pooled or new connection (queue, retries), the server for a retry. */
import type { Backend } from "../../backend/backend.ts";
import {
  connectBackend,
  type ConnectContext,
  type ConnectOutcome,
  countRetry,
} from "../../backend/connect.ts";
import type { Server } from "../../backend/server.ts";
import { type Failure, failure } from "../../failure/failure.ts";
import type { RequestHead } from "../../http1/types.ts";
import type { PickContext } from "../../lb/types.ts";
import type { SampleContext } from "../../rules/types.ts";
import type { Runtime, Socket } from "../../runtime/types.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import { readPersistCookie } from "./cookie.ts";
import { mayRetry, type ResponseFailure, retryServer } from "./retry.ts";
import { httpPickContext } from "./pick_view.ts";
import { StickStores } from "../../stick/persist.ts";

/** What the connect side reads of its session: the client, the runtime, how many requests came before. */
export interface ConnectSession {
  readonly client: Socket;
  readonly owner: { readonly runtime: Runtime };
  /** Requests completed on this client connection (a first one never takes a pooled connection). */
  readonly requests: number;
  readonly stopping: boolean;
}

/** What the connect side may ask of its transaction: whether it is over, its rules' view. */
export interface ConnectAsker {
  readonly done: boolean;
  /** The rules' view of the transaction (a server's sni expression reads it). */
  sampleContext(): SampleContext;
  /** Where a connect that did not answer at once (`connect` returned null) ends. */
  connected(step: ConnectStep): void;
}

/** What a new connection's attempts read of the transaction: one object, no closure each. */
class OpenContext implements ConnectContext {
  readonly src: string | undefined;
  readonly http: PickContext["http"];
  readonly #client: Socket;
  readonly #t: ConnectAsker;

  constructor(pick: PickContext, client: Socket, t: ConnectAsker) {
    this.src = pick.src;
    this.http = pick.http;
    this.#client = client;
    this.#t = t;
  }

  /** A TLS server's PROXY header, sent before TLS. */
  hello(srv: Server): Uint8Array | null {
    return proxyHeaderFor(srv.proxyProtocol, this.#client);
  }

  sample(): SampleContext {
    return this.#t.sampleContext();
  }
}

/** The outcome of the phase: connected (`server` and `socket` are set), or why not. */
export type ConnectStep = "attached" | Failure;

/** The transaction ended while it waited for a stream on a connection being opened. */
const GONE = failure("client-abort", "connect", { reason: "client gone while connecting" });

/** 503 `SC`: the request's persistence cookie names a server that is not available (no redispatch). */
const COOKIE_SERVER_DOWN = failure("server-abort", "connect", {
  status: 503,
  reason: "the cookie's server is not available",
});
const NO_SERVER = failure("server-abort", "connect", {
  status: 503,
  reason: "no server available",
});

/** How one transaction gets its server connection, and which server a retry goes to. */
export class HttpConnect {
  readonly #s: ConnectSession;
  readonly #req: RequestHead;
  /** The connection found (valid after "attached"). */
  server: Server | null = null;
  socket: Socket | null = null;
  #reused = false;
  #retries = 0;
  /** Whether persistence (cookie, stick rules) was read, and the server the cookie named. */
  #persistRead = false;
  /** The keys store-request rules keep with the server once it is known; null without stick. */
  #stores: StickStores | null = null;
  #cookieHad: Server | null = null;
  /** Servers that failed this request (a redispatched retry avoids them). */
  #tried: Set<Server> | null = null;
  /** Time spent in the backend's queue (Tw), and connecting (Tc). */
  #tw = 0;
  #tc = -1;
  /** A new connection's attempt in flight: the server asked for, the HTTP/2 slot, who hears of it. */
  #be: Backend | null = null;
  #want: Server | null = null;
  #opening: ((socket: Socket | null) => Socket | null) | undefined;
  #asker: ConnectAsker | null = null;
  #sync = false;
  #outcome: ((r: ConnectOutcome) => void) | null = null;

  constructor(session: ConnectSession, req: RequestHead) {
    this.#s = session;
    this.#req = req;
  }

  /** The connection came from the pool (it may have been closed by the server as we took it). */
  get reused(): boolean {
    return this.#reused;
  }
  get retries(): number {
    return this.#retries;
  }
  get cookieHad(): Server | null {
    return this.#cookieHad;
  }
  get tw(): number {
    return this.#tw;
  }
  get tc(): number {
    return this.#tc;
  }

  /**
   * Phase "connect": an idle pooled connection when this client already made a request, or for any
   * request under http-reuse always (answered at once), else a new one; `t.done` is asked after each wait.
   */
  connect(be: Backend, first: Server | null, t: ConnectAsker): ConnectStep | null {
    const s = this.#s;
    const ctx = httpPickContext(this.#req, s.client.remoteAddress);
    let persisted: Server | null = null;
    if ((be.cookie !== null || be.stick !== null) && !this.#persistRead) {
      // persistence, once per request (not per retry): the cookie names the server, else stick
      // match rules may find it (HAProxy checks them after the cookie)
      this.#persistRead = true;
      if (be.cookie !== null) {
        this.#cookieHad = readPersistCookie(be.cookie, be.servers, this.#req.headers).server;
        if (this.#cookieHad?.acceptsPersistent) persisted = this.#cookieHad; // DRAIN too
        else if (this.#cookieHad && be.redispatch === 0) return COOKIE_SERVER_DOWN;
      }
      if (be.stick !== null) {
        this.#stores = new StickStores();
        const found = be.stickServer(t.sampleContext(), persisted !== null, this.#stores);
        persisted ??= found;
      }
    }
    // while requests wait in the backend's queue, a new one goes behind them
    const server = first ?? persisted ?? (be.queue.length > 0 ? null : be.pick(ctx));
    if (server === null && !be.saturated && be.queue.length === 0) return NO_SERVER;
    if (server !== null && server.h2 !== "never" && be.mux !== null) {
      // HTTP/2: a stream on a connection that is open, or being opened, before a new one
      const stream = be.mux.take(server);
      if (stream !== null) return this.#attach(be, server, stream);
      const wait = be.mux.joinOpening(server);
      if (wait !== null) {
        void wait.then((st) => {
          if (st === null) return this.#open(be, server, t, ctx);
          if (!t.done) return t.connected(this.#attach(be, server, st));
          st.close();
          t.connected(GONE);
        });
        return null;
      }
    }
    if (server !== null && (s.requests > 0 || be.reuseFirst) && !first) {
      const pooled = be.pool.take(server);
      if (pooled) return this.#attach(be, server, pooled);
    }
    return this.#open(be, server, t, ctx);
  }

  /** A connection already open (pooled), or a stream on one: ready at once. */
  #attach(be: Backend, server: Server, socket: Socket): "attached" {
    server.cur++;
    this.#reused = true;
    this.#tc = 0;
    this.server = server;
    this.socket = socket;
    if (this.#stores !== null) be.stick!.store(this.#stores, server.id);
    return "attached";
  }

  /**
   * A new connection (the objects it needs are made here: a pooled one needs none); the outcome
   * goes to `t.connected`, never before this returns.
   */
  #open(be: Backend, server: Server | null, t: ConnectAsker, ctx: PickContext): null {
    // requests for the same HTTP/2 server may wait for this connection instead of opening theirs
    const opening = server !== null && server.h2 !== "never" ? be.mux?.opening(server) : undefined;
    this.#want = server;
    this.#opening = opening;
    this.#asker = t;
    this.#sync = true;
    const client = this.#s.client;
    const open = new OpenContext(ctx, client, t);
    this.#be = be;
    const done = this.#outcome ??= (r) => this.#opened(r);
    connectBackend(this.#s.owner.runtime, be, () => t.done, server, open, this.#retries, done);
    this.#sync = false;
    return null;
  }

  /** The new connection's outcome (a failure known at once is told a turn later, as a wait is). */
  #opened(r: ConnectOutcome): void {
    if (this.#sync) return queueMicrotask(() => this.#opened(r));
    const be = this.#be!;
    const server = this.#want;
    const opening = this.#opening;
    const mux = be.mux;
    this.#retries += r.retries;
    this.#tw = r.queueMs;
    this.#tc = r.ms - r.queueMs;
    if (!r.ok) {
      opening?.(null);
      return this.#asker!.connected(r.failure);
    }
    this.#reused = false;
    this.server = r.server;
    this.socket = r.server.h2 === "never" || mux === null
      ? r.socket
      : opening !== undefined && r.server === server
      ? opening(r.socket)!
      : mux.adopt(r.server, r.socket);
    if (opening !== undefined && r.server !== server) opening(null);
    // store-request: the server that took the request (after retries and redispatch)
    if (this.#stores !== null) be.stick!.store(this.#stores, r.server.id);
    this.#asker!.connected("attached");
  }

  /** The classic keep-alive race: the server closed an idle connection as we reused it; send again. */
  replayServer(be: Backend, server: Server): Server {
    this.#retries++;
    return countRetry(be, server, server);
  }

  /**
   * The server to send the request to again after `failed` failed it with `on` (a failure's
   * retry-on condition, or a status), as option
   * redispatch picks; null when retry-on, the retry budget, the request or a stop forbid it.
   */
  retryServer(
    be: Backend,
    on: ResponseFailure,
    failed: Server | null,
    bodiless: boolean,
    bytesOut: number,
  ): Server | null {
    const state = { retries: this.#retries, bodiless, bytesOut };
    if (failed === null || this.#s.stopping || !mayRetry(be, on, state)) return null;
    this.#retries++;
    const ctx = httpPickContext(this.#req, this.#s.client.remoteAddress);
    return retryServer(be, failed, this.#retries, this.#tried ??= new Set(), ctx);
  }
}
