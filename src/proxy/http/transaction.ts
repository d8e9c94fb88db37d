/**
 * One request/response exchange. The transaction alone runs its phases, in this order:
 * http-request-rules (choose-backend) → connect (queue) → send-request → wait-response
 * (http-response-rules) → forward-response → log. Each helper returns a step; nothing calls back.
 */
import type { Backend } from "../../backend/backend.ts";
import { sniVaries } from "../../backend/server_tls.ts";
import type { Server } from "../../backend/server.ts";
import { type Failure, failure, SERVER_TIMEOUT, serverClosed } from "../../failure/failure.ts";
import type { BodyFraming, RequestHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { accessRecord } from "../session/access_record.ts";
import { backendSample } from "../session/backend_sample.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import { BodyMeter } from "./body_meter.ts";
import { type ConnectStep, HttpConnect } from "./connect.ts";
import {
  buildRequestHead,
  clientKeepsAlive,
  concat,
  isIdempotent,
  requestsUpgrade,
} from "./heads.ts";
import { countFailure } from "./observe.ts";
import { HttpResponse, type ResponseIo, type ResponseStep } from "./response.ts";
import type { ResponseFailure } from "./retry.ts";
import { runRequestRules } from "./request_rules.ts";
import { transactionContext } from "./rules_context.ts";
import type { HttpSession } from "./session.ts";
import { TransactionSockets } from "./sockets.ts";

type State = "connect" | "send-request" | "wait-response" | "forward-response" | "tunnel" | "done";

const CONNECT_REFUSED = failure("proxy", "wait-request", {
  status: 405,
  reason: "CONNECT is not accepted here",
});
const CLIENT_GONE_MID_REQUEST = failure("client-abort", "send-request", {
  status: 400,
  reason: "client closed mid-request",
});

export class HttpTransaction extends TransactionSockets implements ResponseIo {
  readonly req: RequestHead;
  #state: State = "connect";
  /** The backend this request goes to: a useBackend rule's, else the frontend's default. */
  #be: Backend;
  /** The rules' view of this transaction, built when the frontend has rules. */
  #ctx: SampleContext | null = null;
  /** The connect side (pool, queue, retries, cookie persistence) and the response side. */
  readonly #link: HttpConnect;
  readonly #res: HttpResponse;
  #server: Server | null = null;
  /** The request as sent to the server, kept to replay it once on a reused connection that died. */
  #sentHead: Uint8Array | null = null;
  #clientKeepAlive: boolean;
  readonly #upgrade: boolean;
  #pendingBody: Uint8Array[] = [];
  readonly #cancelled = () => this.#state === "done";
  readonly #sample = () => this.sampleContext();
  // timers and counters for the log
  readonly #start: number;
  readonly #headDone = Date.now();
  #bytesOut = 0;
  #status = 0;
  #reason = "";

  constructor(session: HttpSession, req: RequestHead, framing: BodyFraming, headStart: number) {
    super(session, new BodyMeter(framing, "request"));
    this.req = req;
    this.#start = headStart;
    this.#be = session.owner.backend;
    this.#clientKeepAlive = clientKeepsAlive(req, session.owner.http.connectionMode);
    this.#upgrade = requestsUpgrade(req);
    this.#link = new HttpConnect(session, req);
    this.#res = new HttpResponse(this, session, req, this.#upgrade);
  }

  /** `rest` holds the bytes that came after the head: the start of the body, maybe a pipelined request. */
  start(rest: Uint8Array): void {
    const s = this.s;
    if (this.req.method === "CONNECT" && !s.owner.http.acceptConnect) {
      return this.fail(CONNECT_REFUSED);
    }
    if (s.owner.hasRequestRules) {
      const keep = this.#clientKeepAlive && this.reqBody.done && !s.stopping;
      const r = runRequestRules(s, this.req, this.#be, keep);
      this.#ctx = r.ctx;
      this.#be = r.backend;
      if (r.answer !== null) {
        if (r.answer.failure) return this.#failOrCut(r.answer.failure);
        return this.#answerLocally(r.answer.status, r.answer.bytes, keep, rest);
      }
    }
    this.#res.negotiate(this.#be, this.#ctx);
    if (rest.length > 0) this.#takeRequestBytes(rest);
    if (this.#state === "connect") this.#connect(null);
  }

  /** A rule's own response (return, redirect): written, logged; the connection goes on if `keep`. */
  #answerLocally(status: number, bytes: Uint8Array, keep: boolean, rest: Uint8Array): void {
    const s = this.s;
    this.#status = status;
    this.#state = "done";
    this.#bytesOut += bytes.length;
    s.client.write(bytes);
    this.#log(failure("local", "http-request-rules").termination);
    if (!keep) s.closeGracefully();
    else {
      if (rest.length > 0) s.transactionStash(rest);
      s.transactionDone(true);
    }
  }

  /** Accepts request-body bytes while the body is incomplete; extra bytes go back to the session. */
  wantsRequestBytes(): boolean {
    return !this.reqBody.done || this.#state === "tunnel";
  }

  #takeRequestBytes(chunk: Uint8Array): void {
    const n = this.reqBody.feed(chunk);
    if (typeof n !== "number") {
      // a malformed body: whatever part of the request already left is cut off with the server connection
      if (this.#state === "connect") this.#state = "done"; // not connected yet: nothing reached a server
      return this.fail(failure("proxy", "send-request", { status: n.status, reason: n.reason }));
    }
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (body.length > 0) this.#sendRequestBytes(body);
    if (this.reqBody.done && this.#state === "send-request") this.#awaitResponse();
    if (n < chunk.length) this.s.transactionStash(chunk.subarray(n));
  }

  #sendRequestBytes(body: Uint8Array): void {
    const srv = this.srv;
    if (srv === null || this.#state === "connect") {
      this.#pendingBody.push(body);
      this.s.client.pause();
      return;
    }
    if (!srv.write(body)) this.s.client.pause();
  }

  onClientData(chunk: Uint8Array): void {
    this.s.timer.touchClient();
    if (this.#state === "tunnel") {
      if (!this.srv!.write(chunk)) this.s.client.pause();
      return;
    }
    this.#takeRequestBytes(chunk);
  }

  /** Phase "connect": a pooled connection answers at once, a new one later. */
  #connect(first: Server | null): void {
    const step = this.#link.connect(this.#be, first, this.#cancelled, this.#sample);
    if (typeof step === "string" || !("then" in step)) return this.#connected(step);
    void step.then((st) => this.#state !== "done" && this.#connected(st));
  }

  #connected(step: ConnectStep): void {
    if (step !== "attached") return this.fail(step);
    this.#sendRequest(this.#link.server!, this.#link.socket!);
  }

  /** Phase "send-request": the rewritten head and the body bytes that came with it, in one write. */
  #sendRequest(server: Server, sock: Socket): void {
    this.#server = server;
    this.#be.opened(server, this);
    this.#state = "send-request";
    this.listen(sock);
    this.#sentHead ??= buildRequestHead(this.s, this.req, this.#upgrade);
    // send-proxy: a new connection starts with the client's PROXY header (never pooled afterwards)
    // (a TLS server's went before the handshake)
    const hello = this.#link.reused || server.tls
      ? null
      : proxyHeaderFor(server.proxyProtocol, this.s.client);
    const first = this.#pendingBody.length > 0 || hello !== null
      ? concat([...(hello ? [hello] : []), this.#sentHead, ...this.#pendingBody])
      : this.#sentHead;
    this.#pendingBody = [];
    this.#res.expect(server, this.#link.cookieHad, this.#clientKeepAlive);
    const ok = sock.write(first);
    if (this.reqBody.done) this.#awaitResponse();
    else if (ok && !this.clientEnded) this.s.client.resume();
    if (this.clientEnded && !this.reqBody.done) this.fail(CLIENT_GONE_MID_REQUEST);
  }

  /**
   * The whole request is out: only the server's silence counts now (timeout server → 504); a client
   * that sends nothing while it waits is not idle in HAProxy's sense.
   */
  #awaitResponse(): void {
    this.s.timer.idle(0, this.#be.serverTimeout);
  }

  protected override serverDrained(): void {
    if (this.#state === "tunnel" || !this.reqBody.done) this.s.client.resume();
  }

  onClientDrain(): void {
    this.s.timer.touchClient();
    this.#res.onClientDrain();
  }

  protected override serverData(chunk: Uint8Array): void {
    switch (this.#state) {
      case "send-request":
      case "wait-response":
        this.#state = "wait-response";
        return this.#onResponseStep(this.#res.onResponseHeadBytes(chunk, this.reqBody.done));
      case "forward-response":
        return this.#onResponseStep(this.#res.forwardResponseBody(chunk));
      case "tunnel":
        this.#bytesOut += chunk.length;
        if (!this.s.client.write(chunk)) this.srv!.pause();
        return;
      default:
        return;
    }
  }

  /** What the response side asked for. */
  #onResponseStep(step: ResponseStep): void {
    const s = this.s, http = s.owner.http;
    switch (step) {
      case "more":
        return;
      case "retry-status":
        if (this.#retry(this.#res.heldStatus)) return;
        return this.#onResponseStep(this.#res.proceed());
      case "forward":
        this.#state = "forward-response";
        this.#status = this.#res.status;
        s.timer.idle(http.clientTimeout, this.#be.serverTimeout);
        return;
      case "complete":
        this.#status = this.#res.status;
        return this.complete();
      case "tunnel":
        this.#status = this.#res.status;
        this.#state = "tunnel";
        s.timer.idle(http.tunnelTimeout, http.tunnelTimeout, true);
        s.enterTunnel();
        return;
      default:
        if (this.#state === "forward-response") return this.#cut(step);
        return this.#failOrRetry(step);
    }
  }

  protected override serverEnded(): void {
    if (this.#state === "tunnel") return this.tunnelHalfClosed("server");
    if (this.#state === "forward-response" && this.#res.endsAtClose) {
      this.#res.finishAtClose();
      return this.complete();
    }
    this.#serverGone();
  }

  protected override serverClosed(err?: Error): void {
    if (this.#state === "done") return;
    if (!err && this.#state === "tunnel") return this.endTunnel();
    if (!err && this.#state === "forward-response" && this.#res.endsAtClose) {
      return this.serverEnded();
    }
    this.#serverGone();
  }

  /** The server closed before the response was complete. */
  #serverGone(): void {
    const replay = this.#link.reused && this.#state === "send-request" &&
      isIdempotent(this.req.method) && this.reqBody.empty;
    if (replay) {
      this.#letGo();
      return this.#connect(this.#link.replayServer(this.#be, this.#server!));
    }
    if (this.#state === "send-request" || this.#state === "wait-response") {
      return this.#failOrRetry(serverClosed(this.#state === "wait-response"));
    }
    this.#cut(failure("server-abort", "forward-response"));
  }

  protected override tunnelOver(): void {
    this.#finish("--", false);
    this.s.closeGracefully();
  }

  protected override clientEndedMidRequest(): void {
    if (this.#state !== "connect") this.#cut(failure("client-abort", "send-request"));
  }

  get inTunnel(): boolean {
    return this.#state === "tunnel";
  }

  onClientClose(): void {
    if (this.#state === "done") return;
    const phase = this.#state === "connect"
      ? "connect"
      : this.#state === "send-request" && !this.reqBody.done
      ? "send-request"
      : this.#state === "send-request"
      ? "wait-response"
      : this.#state;
    this.#finish(failure("client-abort", phase).termination, false);
  }

  onTimeout(kind: "client" | "server" | "tunnel"): void {
    const waiting = this.#state === "send-request" || this.#state === "wait-response";
    if (kind === "server" && waiting) return this.#failOrRetry(SERVER_TIMEOUT);
    this.#cut(failure(kind === "server" ? "server-timeout" : "client-timeout", "forward-response"));
  }

  /** Its server went DOWN ("D", on-marked-down) or an active one came UP ("U", on-marked-up). */
  serverShutdown(why: "D" | "U"): void {
    const data = this.#state === "forward-response" || this.#state === "tunnel";
    this.#cut(
      failure(why === "D" ? "server-down" : "server-up", data ? "tunnel" : "wait-response"),
    );
  }

  /** The response is complete: log, give the server connection back, keep or close the client. */
  complete(): void {
    const keepServer = this.#res.serverKeepAlive && this.reqBody.done;
    if (this.#res.encoding) {
      // the server's part is over; the encoder's tail is still to come, then the last chunk
      this.#releaseServer(keepServer);
      this.s.timer.idle(this.s.owner.http.clientTimeout, 0);
      return this.#res.endEncoding(() => this.complete());
    }
    this.#finish("--", keepServer);
    const keep = this.#clientKeepAlive && this.#res.keepClient;
    this.s.transactionDone(keep && this.reqBody.done && !this.clientEnded);
  }

  /** Retry where the failure allows it, else answer it. */
  #failOrRetry(f: Failure): void {
    if (!this.#retry(f.retryOn)) this.fail(f);
  }

  /** A failure with a status is answered; one without cuts the connection. */
  #failOrCut(f: Failure): void {
    if (f.status > 0) this.fail(f);
    else this.#cut(f);
  }

  /** Answer with the proxy's own response (nothing was sent to the client yet). */
  fail(f: Failure): void {
    if (this.#state === "done" && this.#status !== 0) return;
    this.#status = f.status;
    this.#reason = f.reason;
    this.#state = "done";
    this.#bytesOut += this.s.sendErrorAndClose(f.status);
    this.#log(f.termination);
    this.#releaseServer(false);
    countFailure(f, this.#be, this.#server);
  }

  /** Cut both sides: the response was already under way, so the client sees a truncated one. */
  #cut(f: Failure): void {
    if (f.reason !== "") this.#reason = f.reason;
    if (this.#state === "done") return;
    this.#finish(f.termination, false);
    this.s.close();
  }

  #finish(termination: string, keepServer: boolean): void {
    this.#state = "done";
    this.#res.destroy();
    this.#log(termination);
    this.#releaseServer(keepServer);
  }

  #releaseServer(keep: boolean): void {
    const srv = this.srv, server = this.#server;
    this.srv = null;
    if (!srv || !server) return;
    this.#be.closed(server, this);
    // a connection named by this request's SNI (sni req.hdr(...)) is not another request's to reuse
    if (!(keep && !sniVaries(server.tls) && this.#be.pool.give(server, srv))) srv.close();
  }

  /** Phase "log": bytes counted on the backend and server, one httplog record. */
  #log(termination: string): void {
    const sent = (this.#sentHead?.length ?? 0) + this.reqBody.consumed;
    this.#be.countBytes(this.#server, sent, this.#bytesOut);
    const s = this.s;
    if (!s.owner.logsAccess) return; // no record or request line to build when logging is off
    s.owner.logAccess(accessRecord(s.client, s.owner, this.#be, this.#server, {
      start: this.#start,
      headDone: this.#headDone,
      tw: this.#link.tw,
      tc: this.#link.tc,
      tresp: this.#res.tresp,
      status: this.#status,
      bytesOut: this.#bytesOut,
      retries: this.#link.retries,
      termination,
      request: `${this.req.method} ${this.req.target} HTTP/1.${this.req.minor}`,
      reason: this.#reason,
    }));
  }

  /** Sends the request again (retry-on), to the server option redispatch picks; false if not allowed. */
  #retry(on: ResponseFailure): boolean {
    const next = this.#link.retryServer(
      this.#be,
      on,
      this.#server,
      this.reqBody.empty,
      this.#bytesOut,
    );
    if (next === null) return false;
    this.#letGo();
    this.#connect(next);
    return true;
  }

  /** Lets the failed server's connection go before the request is sent again. */
  #letGo(): void {
    this.#releaseServer(false);
    this.#state = "connect";
    this.#res.forget();
  }

  // ResponseIo: what the response side writes through
  sendToClient(bytes: Uint8Array): boolean {
    this.#bytesOut += bytes.length;
    return this.s.client.write(bytes);
  }
  get serverSocket(): Socket | null {
    return this.srv;
  }
  compressorFailed(err: Error): void {
    this.#cut(failure("internal", "forward-response", { reason: err.message }));
  }

  /** The rules' context (built now when the frontend has no rules): a server's sni reads it. */
  sampleContext(): SampleContext {
    const s = this.s;
    const ctx = this.#ctx ??= transactionContext(s.client, s.owner, this.#be.name, this.req, s);
    ctx.backend ??= backendSample(this.#be);
    return ctx;
  }
}
