/** The connect side of one transaction: cookie persistence, pooled or new connection (queue, retries), retry-on. */
import type { Backend } from "../../backend/backend.ts";
import { connectToBackend, countRetry } from "../../backend/connect.ts";
import type { Server } from "../../backend/server.ts";
import type { RequestHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/types.ts";
import type { Socket } from "../../runtime/types.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import { readPersistCookie } from "./cookie.ts";
import { mayRetry, type ResponseFailure, retryServer } from "./retry.ts";
import type { HttpSession } from "./session.ts";
import { httpPickContext } from "./pick_view.ts";

/** What the connect side uses of its transaction (HttpTransaction implements it). */
export interface ConnectHost {
  /** The backend the rules chose. */
  readonly backend: Backend;
  /** The transaction is over: a connection that comes after that is not its business. */
  readonly done: boolean;
  fail(status: number, termination: string, reason: string): void;
  /** Phase "send request", on the connection this side found. */
  attach(server: Server, sock: Socket): void;
  /** Lets the failed server's connection go before the request is sent again. */
  letGo(): void;
  /** The rules' view of the transaction (a server's sni expression reads it). */
  sampleContext(): SampleContext;
}

/** How one transaction gets its server connection, and gets another when a server fails it. */
export class HttpConnect {
  readonly #t: ConnectHost;
  readonly #s: HttpSession;
  readonly #req: RequestHead;
  #reused = false;
  #retries = 0;
  /** Whether the persistence cookie was read, and the server it named. */
  #persistRead = false;
  #cookieHad: Server | null = null;
  /** Servers that failed this request (a redispatched retry avoids them). */
  readonly #tried = new Set<Server>();
  /** Time spent in the backend's queue (Tw), and connecting (Tc). */
  #tw = 0;
  #tc = -1;

  constructor(host: ConnectHost, session: HttpSession, req: RequestHead) {
    this.#t = host;
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

  /** Phase "connect": an idle pooled connection when this client already made a request, else a new one. */
  async connect(first: Server | null): Promise<void> {
    const t = this.#t, s = this.#s, be = t.backend;
    const ctx = httpPickContext(this.#req, s.client.remoteAddress);
    let persisted: Server | null = null;
    if (be.cookie !== null && !this.#persistRead) {
      // cookie persistence: the request's cookie names the server (once per request, not per retry)
      this.#persistRead = true;
      this.#cookieHad = readPersistCookie(be.cookie, be.servers, this.#req.headers).server;
      if (this.#cookieHad?.acceptsPersistent) persisted = this.#cookieHad; // DRAIN too
      else if (this.#cookieHad && be.redispatch === 0) {
        return t.fail(503, "SC", "the cookie's server is not available");
      }
    }
    // while requests wait in the backend's queue, a new one goes behind them
    const server = first ?? persisted ?? (be.queue.length > 0 ? null : be.balancer.pick(ctx));
    if (server === null && !be.saturated && be.queue.length === 0) {
      return t.fail(503, "SC", "no server available");
    }
    if (server !== null && s.requests > 0 && !first) {
      const pooled = be.pool.take(server);
      if (pooled) {
        server.cur++;
        this.#reused = true;
        this.#tc = 0;
        return t.attach(server, pooled);
      }
    }
    const r = await connectToBackend(s.owner.runtime, be, () => t.done, server, {
      ...ctx,
      hello: (srv) => proxyHeaderFor(srv.proxyProtocol, s.client), // a TLS server's, before TLS
      sample: () => t.sampleContext(),
    }, this.#retries);
    this.#retries += r.retries;
    this.#tw = r.queueMs;
    this.#tc = r.ms - r.queueMs;
    if (t.done) return;
    if (!r.ok && r.queueTimeout) return t.fail(503, "sQ", "timeout queue");
    if (!r.ok && r.queueFull) return t.fail(503, "sQ", "queue full (maxqueue)");
    if (!r.ok && r.noServer) return t.fail(503, "SC", "no server available");
    if (!r.ok) {
      return t.fail(
        503,
        r.timedOut ? "sC" : "SC",
        r.timedOut
          ? "connect timeout"
          : r.tlsError
          ? `TLS handshake failed: ${r.tlsError.replace(/^TLS handshake with \S+ failed: /, "")}`
          : "connection refused",
      );
    }
    this.#reused = false;
    t.attach(r.server, r.socket);
  }

  /** The classic keep-alive race: the server closed an idle connection as we reused it; send again. */
  replay(server: Server): void {
    this.#t.letGo();
    this.#retries++;
    void this.connect(countRetry(this.#t.backend, server, server));
  }

  /**
   * Sends the request again after the server failed it (retry-on), to the server option
   * redispatch picks; false when retry-on, the retry budget or the request forbid it.
   */
  retry(
    failure: ResponseFailure,
    failed: Server | null,
    bodiless: boolean,
    bytesOut: number,
  ): boolean {
    const t = this.#t, be = t.backend;
    const state = { retries: this.#retries, bodiless, bytesOut };
    if (failed === null || this.#s.stopping || !mayRetry(be, failure, state)) return false;
    t.letGo();
    this.#retries++;
    const ctx = httpPickContext(this.#req, this.#s.client.remoteAddress);
    void this.connect(retryServer(be, failed, this.#retries, this.#tried, ctx));
    return true;
  }
}
