/** A frontend: its listeners, connection limit and waiting line, and the sessions it accepted. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import { accessOutputOn, type AccessRecord } from "../../log/access_sink.ts";
import type { BackendSample } from "../../rules/mod.ts";
import type { Runtime, Socket, TlsAcceptor } from "../../runtime/types.ts";
import type { AcceptTarget, ListenerGroup } from "./listeners.ts";
import type { Admission, FrontendOptions, Session } from "./frontend_options.ts";
import { MAX_WAITING } from "./frontend_options.ts";

export type { Admission, FrontendOptions };
import type { HttpFrontendOptions, HttpOwner } from "../http/options.ts";
import type { FrontendServices } from "../http/service.ts";
import { withoutRouted } from "../http/service_route.ts";
import { HttpSession } from "../http/session.ts";
import { backendSample } from "../session/backend_sample.ts";
import { connectionContext } from "../session/l4_context.ts";
import { HeldTrackers, runConnectionRules } from "./connection_rules.ts";
import type { Tracker } from "../../stick/tracker.ts";
import { FrontendCounters, type ProcessCounters } from "../../stats/counters.ts";
import { FreqCounter } from "./freq.ts";
import { ProxiedSocket } from "./proxied_socket.ts";
import { ProxyHeaderWait } from "./proxy_header_wait.ts";
import type { SessionOwner } from "../tcp/owner.ts";
import { TcpSession } from "../tcp/session.ts";

export class Frontend implements SessionOwner, HttpOwner, AcceptTarget {
  readonly name: string;
  readonly mode: "tcp" | "http";
  /** Its session limit; `set maxconn frontend` changes it (then calls `admit()`). */
  maxconn: number;
  readonly clientTimeout: number;
  readonly backend: Backend;
  readonly http: HttpFrontendOptions;
  readonly rules: FrontendRules | null;
  readonly #backends: ReadonlyMap<string, Backend>;
  readonly #backendRules: ReadonlyMap<string, BackendHttpRules>;
  readonly hasRequestRules: boolean;
  readonly services: FrontendServices | null;
  readonly #accessLog: ((record: AccessRecord) => void) | null;
  /** The listeners feeding this frontend (owned apart, see ListenerGroup); null until bound. */
  #listeners: ListenerGroup | null = null;
  /** Sessions open now / at most at once (scur, smax). */
  cur = 0;
  max = 0;
  /** What it counts for stats (stot, conn_tot, dcon, ...): see FrontendCounters; kept across reloads. */
  readonly counters: FrontendCounters;
  /** The same-named frontend of the generation that replaced this one (reload); null while current. */
  successor: Frontend | null = null;
  /** Most payload bytes a TCP session buffers for content inspection. */
  readonly inspectBuffer: number;
  #admission: Admission;
  readonly #rateLimit: number;
  readonly #rate = new FreqCounter();
  #rateTimer: ReturnType<typeof setTimeout> | undefined;
  #waiting: Socket[] = [];
  #sessions = new Set<Session>();
  #paused = false;
  #stopping = false;
  #idle: (() => void) | null = null;
  /** What connection rules tracked for connections not in a session yet. */
  readonly #held = new HeldTrackers();

  constructor(o: FrontendOptions, admission: Admission) {
    this.name = o.name;
    this.counters = o.counters ?? new FrontendCounters();
    this.mode = o.mode;
    this.maxconn = o.maxconn;
    this.clientTimeout = o.clientTimeout;
    this.backend = o.backend;
    this.rules = withoutRouted(o.rules ?? null, o.services?.routedRules ?? 0);
    this.#backends = o.backends ?? new Map([[o.backend.name, o.backend]]);
    this.#backendRules = o.backendRules ?? new Map();
    this.hasRequestRules = this.rules !== null || this.#backendRules.size > 0;
    this.services = o.services ?? null;
    if (o.mode === "http" && !o.http) {
      throw new TypeError(`frontend ${o.name}: HTTP mode needs HTTP options`);
    }
    this.http = o.http!;
    this.#accessLog = o.accessLog;
    this.#admission = admission;
    this.inspectBuffer = o.inspectBuffer ?? 16384;
    this.#rateLimit = o.rateLimitSessions ?? 0;
  }

  backendNamed(name: string): Backend | undefined {
    return this.#backends.get(name);
  }

  /** Backend `name` as rules read it (`nbsrv(name)`, `be_conn(name)`). */
  sampleBackend(name: string): BackendSample | undefined {
    const b = this.#backends.get(name);
    return b && backendSample(b);
  }

  backendRules(name: string): BackendHttpRules | undefined {
    return this.#backendRules.get(name);
  }

  /** Takes connections from `group` (and pauses or closes it with the frontend's limits). */
  serve(group: ListenerGroup): void {
    this.#listeners = group;
    group.retarget(this);
    if (this.#paused) group.pause();
    else group.resume(); // a listener kept from an older generation may have been paused there
  }

  get runtime(): Runtime {
    return this.#admission.runtime;
  }

  get processCounters(): ProcessCounters {
    return this.#admission.counters;
  }

  get processCur(): number {
    return this.#admission.cur;
  }
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Phase "accept": start a session now, or make the connection wait for a slot. On an acceptProxy
   * bind the session starts once the PROXY header is read (ProxyHeaderWait, in the slot), and with
   * `tls` (acceptProxy + tls) once the TLS handshake that follows the header is done.
   */
  accept(sock: Socket, acceptProxy = false, tls: TlsAcceptor | null = null): void {
    if (this.#stopping) return sock.close();
    this.counters.connTot++;
    // every write is a whole message part: Nagle would hold a second small one for a delayed ACK
    sock.setNoDelay(true);
    const tracked = runConnectionRules(sock, this);
    if (tracked === false) return sock.close();
    // tcp-request connection rules see the real peer (as HAProxy's); all the rest, the header's
    if (acceptProxy) sock = new ProxiedSocket(sock, tls);
    this.#held.hold(sock, tracked);
    if (this.#waiting.length === 0 && this.#tryStart(sock)) return;
    if (this.#waiting.length >= MAX_WAITING) {
      this.#held.letGo(sock);
      return sock.close();
    }
    this.#waiting.push(sock);
    this.#pauseListeners();
  }

  /** Start waiting connections while both limits allow; resume listening when none wait. */
  admit(): void {
    while (this.#waiting.length > 0) {
      const sock = this.#waiting[0]!;
      if (sock.closed) {
        this.#waiting.shift();
        this.#held.letGo(sock);
        continue;
      }
      if (!this.#tryStart(sock)) return;
      this.#waiting.shift();
    }
    if (this.#paused && !this.#stopping && this.cur < this.maxconn && this.#rateAllows()) {
      this.#paused = false;
      this.#listeners?.resume();
    }
  }

  /** True under rate-limit sessions; otherwise arms one timer that admits again when it is. */
  #rateAllows(): boolean {
    if (this.#rateLimit === 0) return true;
    const wait = this.#rate.msUntilBelow(this.#rateLimit);
    if (wait === 0) return true;
    this.#rateTimer ??= setTimeout(() => {
      this.#rateTimer = undefined;
      this.admit();
    }, wait);
    return false;
  }

  #tryStart(sock: Socket): boolean {
    if (!this.#rateAllows() || this.cur >= this.maxconn || !this.#admission.take()) {
      this.#pauseListeners();
      return false;
    }
    if (++this.cur > this.max) this.max = this.cur;
    this.counters.stot++;
    if (this.#rateLimit > 0) this.#rate.add();
    if (this.cur >= this.maxconn) this.#pauseListeners();
    let session;
    if (sock instanceof ProxiedSocket && sock.header === null) {
      session = new ProxyHeaderWait(this, sock);
      this.#held.move(sock, session);
    } else session = this.#newSession(sock, this.#held.take(sock));
    this.#sessions.add(session);
    session.start();
    return true;
  }

  /** `tracker`: what the connection rules tracked, held by the session until it ends. */
  #newSession(sock: Socket, tracker: Tracker | null): TcpSession | HttpSession {
    if (this.mode === "http") return new HttpSession(this, sock, tracker);
    return new TcpSession(this, sock, tracker && connectionContext(sock, this, tracker));
  }

  /**
   * An accept-proxy connection's header was read (and its TLS handshake done, on a TLS bind): its
   * session takes the slot the wait held.
   */
  proxyHeaderRead(wait: ProxyHeaderWait, sock: Socket): void {
    if (!this.#sessions.delete(wait)) {
      this.#held.letGo(wait);
      return sock.close();
    }
    const session = this.#newSession(sock, this.#held.take(wait));
    this.#sessions.add(session);
    session.start();
  }

  #pauseListeners(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#listeners?.pause();
  }

  /** Its sessions using a connection to `server` now, found by walking them (a rare admin or health event). */
  sessionsOn(server: Server): ServerSession[] {
    return [...this.#sessions].flatMap((s) => s.onServer?.(server) ?? []);
  }

  release(session: Session): void {
    if (!this.#sessions.delete(session)) return;
    this.#held.letGo(session); // a PROXY header wait that ended without a session
    this.cur--;
    this.#admission.give(); // calls admit() on every frontend, this one included
    if (this.#stopping && this.#sessions.size === 0) this.#idle?.();
  }

  get logsAccess(): boolean {
    return this.#accessLog !== null && accessOutputOn();
  }

  logAccess(record: AccessRecord): void {
    this.#accessLog?.(record);
  }

  /**
   * A reload replaced this frontend by `next` (null: the frontend is gone). Its listeners now feed
   * `next` or are closed (see SpareListeners); connections waiting for a slot go to `next`. Sessions
   * under way finish here; an HTTP session moves to `next` at its next request (`handOver`), HTTP/2
   * gets GOAWAY. With no successor the frontend stops as on shutdown, idle connections closed at once.
   */
  retire(next: Frontend | null, hardStopMs: number): Promise<void> {
    this.successor = next;
    this.#listeners = null;
    const waiting = this.#waiting;
    this.#waiting = [];
    if (next === null) {
      for (const sock of waiting) sock.close();
      return this.stop(hardStopMs);
    }
    clearTimeout(this.#rateTimer);
    for (const sock of waiting) next.accept(sock);
    for (const s of [...this.#sessions]) s.retired?.();
    return Promise.resolve();
  }

  /** A session of this retired frontend starts a new request: it moves to the newest successor. */
  handOver(session: Session): Frontend {
    let to = this.successor!;
    while (to.successor !== null) to = to.successor;
    if (!this.#sessions.delete(session)) return to;
    this.cur--;
    to.#sessions.add(session);
    if (++to.cur > to.max) to.max = to.cur;
    return to;
  }

  /** Stop listening, wait for sessions to end, kill the rest after `hardStopMs` (closeIdle: stopSoftly). */
  async stop(hardStopMs: number, closeIdle = true): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#rateTimer);
    this.#listeners?.close();
    for (const sock of this.#waiting) {
      this.#held.letGo(sock);
      sock.close();
    }
    this.#waiting.length = 0;
    for (const s of [...this.#sessions]) s.stopSoftly?.(closeIdle);
    if (this.#sessions.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const s of [...this.#sessions]) s.kill();
        resolve();
      }, hardStopMs);
      this.#idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
