/** How an HTTP transaction ends: its server's and client's closes and timeouts, answering a failure, cutting both sides, a retry, the log phase. */
import type { Backend } from "../../backend/backend.ts";
import { sniVaries } from "../../backend/server_tls.ts";
import type { Server } from "../../backend/server.ts";
import {
  type Failure,
  failure,
  NORMAL,
  SERVER_TIMEOUT,
  serverClosed,
} from "../../failure/failure.ts";
import type { BodyFraming, RequestHead, ResponseHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { accessRecord } from "../session/access_record.ts";
import { BodyMeter } from "./body_meter.ts";
import { HttpConnect } from "./connect.ts";
import { clientKeepsAlive, isIdempotent, requestsUpgrade } from "./heads.ts";
import { countStatus } from "../../stats/counters.ts";
import { countFailure } from "../session/failure_counts.ts";
import { HttpResponse, type ResponseIo } from "./response.ts";
import type { ResponseFailure } from "./retry.ts";
import { type TransactionSession, TransactionSockets } from "./sockets.ts";
import { now } from "../../runtime/clock.ts";

/**
 * The state HttpTransaction's phases share with its endings. Every way a transaction ends goes
 * through `fail` (the proxy answers), `cut` (both sides closed mid-response) or `finish` (logged,
 * the server connection kept or closed), and so through the log phase once.
 */
export abstract class TransactionEnds extends TransactionSockets implements ResponseIo {
  readonly req: RequestHead;
  /** The backend this request goes to: a useBackend rule's, else the frontend's default. */
  protected be: Backend;
  /** The rules' view of this transaction, built when the frontend has rules. */
  protected ctx: SampleContext | null = null;
  /** The connect side (pool, queue, retries, cookie persistence) and the response side. */
  protected readonly link: HttpConnect;
  protected readonly res: HttpResponse;
  protected server: Server | null = null;
  /** The request as sent to the server, kept to replay it once on a reused connection that died. */
  protected sentHead: Uint8Array | null = null;
  protected clientKeepAlive: boolean;
  protected readonly upgrade: boolean;
  // timers and counters for the log
  readonly #start: number;
  readonly #headDone = now();
  protected bytesOut = 0;
  /** The tarpit's answer while the request is held (state "tarpit"). */
  protected tarpitted: Failure | null = null;
  protected status = 0;
  #reason = "";

  constructor(
    session: TransactionSession,
    req: RequestHead,
    framing: BodyFraming,
    headStart: number,
  ) {
    super(session, new BodyMeter(framing, "request"));
    this.req = req;
    this.#start = headStart;
    this.be = session.owner.backend;
    this.clientKeepAlive = clientKeepsAlive(req, session.owner.http.connectionMode);
    this.upgrade = requestsUpgrade(req);
    this.link = new HttpConnect(session, req);
    this.res = new HttpResponse(this, session, req, this.upgrade);
  }

  /** Phase "connect" (again, for a retry to `first`). */
  protected abstract connect(first: Server | null): void;
  /** The response is complete. */
  abstract complete(): void;

  protected override serverEnded(): void {
    if (this.state === "tunnel") return this.serverHalfClosedTunnel();
    if (this.state === "forward-response" && this.res.endsAtClose) {
      this.res.finishAtClose();
      return this.complete();
    }
    this.#serverGone();
  }

  protected override serverClosed(err?: Error): void {
    if (this.state === "done") return;
    if (!err && this.state === "tunnel") return this.tunnelOver();
    if (!err && this.state === "forward-response" && this.res.endsAtClose) {
      return this.serverEnded();
    }
    this.#serverGone();
  }

  /** The server closed before the response was complete. */
  #serverGone(): void {
    const replay = this.link.reused && this.state === "send-request" &&
      isIdempotent(this.req.method) && this.reqBody.empty;
    if (replay) {
      this.letGo();
      return this.connect(this.link.replayServer(this.be, this.server!));
    }
    if (this.state === "send-request" || this.state === "wait-response") {
      return this.failOrRetry(serverClosed(this.state === "wait-response"));
    }
    this.cut(failure("server-abort", "forward-response"));
  }

  protected override tunnelOver(): void {
    this.finish(null, false);
    this.s.closeGracefully();
  }

  protected override clientEndedMidRequest(): void {
    if (this.state !== "connect") this.cut(failure("client-abort", "send-request"));
  }

  onClientClose(): void {
    if (this.state === "done") return;
    const phase = this.state === "connect" || this.state === "tarpit"
      ? this.state
      : this.state === "service"
      ? "http-request-rules"
      : this.state === "send-request" && !this.reqBody.done
      ? "send-request"
      : this.state === "send-request"
      ? "wait-response"
      : this.state;
    this.finish(failure("client-abort", phase), false);
  }

  /** A client that half-closes during a tarpit ends it (CT), as one that closes. */
  override onClientEnd(): void {
    if (this.state !== "tarpit") return super.onClientEnd();
    this.cut(failure("client-abort", "tarpit"));
  }

  onTimeout(kind: "client" | "server" | "tunnel" | "tarpit"): void {
    if (this.state === "tarpit") return this.fail(this.tarpitted!, false);
    const waiting = this.state === "send-request" || this.state === "wait-response";
    if (kind === "server" && waiting) return this.failOrRetry(SERVER_TIMEOUT);
    this.cut(failure(kind === "server" ? "server-timeout" : "client-timeout", "forward-response"));
  }

  /** True while it holds a connection to `server` (what `shutdown sessions` and on-marked cuts end). */
  usesServer(server: Server): boolean {
    return this.srv !== null && this.server?.lineage === server.lineage && this.state !== "done";
  }

  /** Its server went DOWN ("D", on-marked-down) or an active one came UP ("U", on-marked-up). */
  serverShutdown(why: "D" | "U" | "K"): void {
    const data = this.state === "forward-response" || this.state === "tunnel";
    this.cut(
      failure(
        why === "D" ? "server-down" : why === "U" ? "server-up" : "killed",
        data ? "tunnel" : "wait-response",
      ),
    );
  }

  /** Retry where the failure allows it, else answer it. */
  protected failOrRetry(f: Failure): void {
    if (!this.retry(f.retryOn)) this.fail(f);
  }

  /** A failure with a status is answered; one without cuts the connection. */
  protected failOrCut(f: Failure): void {
    if (f.status > 0) this.fail(f);
    else this.cut(f);
  }

  /** Answer with the proxy's own response (nothing was sent to the client yet); `count`: false when counted already; `kept`: a page that keeps the connection. */
  fail(f: Failure, count = true, kept: Uint8Array | null = null): void {
    if (this.state === "done" && this.status !== 0) return;
    this.status = f.status;
    this.#reason = f.reason;
    this.state = "done";
    if (kept !== null) this.s.out.answer(kept);
    this.bytesOut += kept?.length ?? this.s.sendErrorAndClose(f.status);
    this.log(f.termination, f.phase);
    if (count) countFailure(f, this.s.owner.counters, this.be, this.server);
    this.releaseServer(false);
  }

  /** Cut both sides: the response was already under way, so the client sees a truncated one. */
  protected cut(f: Failure): void {
    if (f.reason !== "") this.#reason = f.reason;
    if (this.state === "done") return;
    this.finish(f, false);
    this.s.close();
  }

  /** Ends the transaction and resets the client (silent-drop): nothing more is written. */
  protected drop(f: Failure): void {
    this.#reason = f.reason;
    this.finish(f, false);
    this.s.reset();
  }

  /** Ends the transaction: logged, counted, the server connection kept or closed; `f` null: normal. */
  protected finish(f: Failure | null, keepServer: boolean): void {
    this.state = "done";
    this.res.destroy();
    this.log(f?.termination ?? NORMAL, f?.phase ?? null);
    if (f !== null) countFailure(f, this.s.owner.counters, this.be, this.server);
    this.releaseServer(keepServer);
  }

  protected releaseServer(keep: boolean): void {
    const srv = this.srv, server = this.server;
    this.srv = null;
    if (!srv || !server) return;
    this.be.closed(server);
    // a connection named by this request's SNI (sni req.hdr(...)) is not another request's to reuse
    if (!(keep && !sniVaries(server.tls) && this.be.pool.give(server, srv))) srv.close();
  }

  /** Phase "log": bytes counted on the backend and server, one httplog record. */
  protected log(termination: string, phase: string | null): void {
    const sent = (this.sentHead?.length ?? 0) + this.reqBody.consumed;
    this.be.countBytes(this.server, sent, this.bytesOut);
    const s = this.s, fe = s.owner.counters;
    fe.bin += sent;
    fe.bout += this.bytesOut;
    // stick counters of what this request tracked: errors, bytes, conn_cur released; as
    // HAProxy's, the rules' own answers (return, redirect, services: `L`) are no error, denials
    // and tarpits are (their status), invalid requests and servers' 4xx too
    const tr = this.ctx?.stick?.tracker;
    if (tr) {
      const own = termination.charCodeAt(0) === 76; // "L"
      tr.end(own ? 0 : this.status, !own && termination !== NORMAL, sent, this.bytesOut);
    }
    if (this.status > 0) {
      countStatus(fe, this.status);
      countStatus(this.be.counters, this.status);
      if (this.server !== null) countStatus(this.server.counters, this.status);
    }
    if (!s.owner.logsAccess) return; // no record or request line to build when logging is off
    s.owner.logAccess(accessRecord(s.client, s.owner, this.be, this.server, {
      start: this.#start,
      headDone: this.#headDone,
      // as HAProxy, a tarpitted request logs the time it was held as Tw
      tw: this.tarpitted !== null ? now() - this.#headDone : this.link.tw,
      tc: this.link.tc,
      tresp: this.res.tresp,
      status: this.status,
      bytesOut: this.bytesOut,
      retries: this.link.retries,
      termination,
      phase,
      request: this.req.version === 2
        ? `${this.req.method} ${this.req.target} HTTP/2.0`
        : `${this.req.method} ${this.req.target} HTTP/1.${this.req.minor}`,
      version: this.req.version === 2 ? "2.0" : this.req.minor === 1 ? "1.1" : "1.0",
      reason: this.#reason,
    }));
  }

  /** Sends the request again (retry-on), to the server option redispatch picks; false if not allowed. */
  protected retry(on: ResponseFailure): boolean {
    const next = this.link.retryServer(
      this.be,
      on,
      this.server,
      this.reqBody.empty,
      this.bytesOut,
    );
    if (next === null) return false;
    this.letGo();
    this.connect(next);
    return true;
  }

  /** Lets the failed server's connection go before the request is sent again. */
  protected letGo(): void {
    this.releaseServer(false);
    this.state = "connect";
    this.res.forget();
  }

  // ResponseIo: what the response side writes through (the session's client side)
  sendToClient(bytes: Uint8Array): boolean {
    this.bytesOut += bytes.length;
    return this.s.out.body(bytes);
  }
  sendHead(res: ResponseHead, keepAlive: boolean, switching: boolean, body: Uint8Array): boolean {
    const out = this.s.out;
    const ok = out.head(res, this.req, keepAlive, switching, body);
    this.bytesOut += out.headBytes + body.length;
    return ok;
  }
  sendInterim(res: ResponseHead, raw: Uint8Array): void {
    this.bytesOut += raw.length;
    this.s.out.interim(res, raw);
  }
  get serverSocket(): Socket | null {
    return this.srv;
  }
  compressorFailed(err: Error): void {
    this.cut(failure("internal", "forward-response", { reason: err.message }));
  }
}
