/**
 * One request/response exchange. The transaction alone runs its phases, in this order:
 * http-request-rules (choose-backend) → connect (queue) → send-request → wait-response
 * (http-response-rules) → forward-response → log. Each helper returns a step; nothing calls back.
 */
import type { Server } from "../../backend/server.ts";
import { type Failure, failure } from "../../failure/failure.ts";
import { countFailure } from "../session/failure_counts.ts";
import type { SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { backendSample } from "../session/backend_sample.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import type { ConnectStep } from "./connect.ts";
import { TransactionEnds } from "./ends.ts";
import { takesHead } from "./head_taker.ts";
import { buildRequestHead, concat } from "./heads.ts";
import type { ResponseStep } from "./response.ts";
import { runRequestRules } from "./request_rules.ts";
import { transactionContext } from "./rules_context.ts";
import type { LocalService, ServiceAnswer } from "./service.ts";
import { serializeAnswer, ServiceCall } from "./service_call.ts";

const CONNECT_REFUSED = failure("proxy", "wait-request", {
  status: 405,
  reason: "CONNECT is not accepted here",
});
const BODY_TOO_LARGE = failure("proxy", "http-request-rules", {
  status: 413,
  reason: "request body too large for a local service",
});
const NO_BYTES = new Uint8Array(0);
const CLIENT_GONE_MID_REQUEST = failure("client-abort", "send-request", {
  status: 400,
  reason: "client closed mid-request",
});

export class HttpTransaction extends TransactionEnds {
  /** The local service answering this request, while it gathers the body and runs. */
  #call: ServiceCall | null = null;

  /** The transaction is over: a connection that comes after that is not its business. */
  get done(): boolean {
    return this.state === "done";
  }

  /** `rest` holds the bytes that came after the head: the start of the body, maybe a pipelined request. */
  start(rest: Uint8Array): void {
    const s = this.s;
    s.owner.counters.reqTot++;
    s.owner.processCounters.reqTot++;
    // no tunnel over an HTTP/2 stream yet (RFC 8441's extended CONNECT is a later slice)
    if (this.req.method === "CONNECT" && (!s.owner.http.acceptConnect || this.req.version === 2)) {
      return this.fail(CONNECT_REFUSED);
    }
    const services = s.owner.services;
    if (services !== null && services.routedRules > 0) {
      // leading use-service rules on a path: a compare, before any rule or context is built
      const svc = services.routed(this.req);
      if (svc !== null) return this.#serve(svc, rest);
    }
    if (s.owner.hasRequestRules) {
      const keep = this.clientKeepAlive && this.reqBody.done && !s.stopping;
      const r = runRequestRules(s, this.req, this.be, keep);
      this.ctx = r.ctx;
      this.be = r.backend;
      if (r.answer !== null) {
        const a = r.answer;
        if (a.failure) {
          if ("tarpit" in a) return this.#tarpit(a.failure, a.tarpit);
          if ("reset" in a) return this.drop(a.failure);
          const page = keep && a.failure.status > 0
            ? s.owner.http.errors.kept(a.failure.status)
            : null;
          if (page === null) return this.failOrCut(a.failure);
          // deny on a whole request of a keep-alive client: as HAProxy, the connection goes on
          this.fail(a.failure, true, page);
          if (rest.length > 0) s.transactionStash(rest);
          return s.transactionDone(true);
        }
        if ("service" in a) {
          const svc = s.owner.services?.named(a.service);
          if (svc !== undefined) return this.#serve(svc, rest);
          return this.fail(failure("internal", "http-request-rules", {
            status: 500,
            reason: `no service "${a.service}" in frontend ${s.owner.name}`,
          }));
        }
        return this.#answerLocally(a.status, a.bytes, keep, rest);
      }
    }
    if (services !== null) {
      const svc = services.pick(this.req);
      if (svc !== null) return this.#serve(svc, rest);
    }
    this.be.counters.reqTot++;
    // stick store-response rules read the response through the context: build it for them
    this.res.negotiate(this.be, this.be.stick?.storesResponse ? this.sampleContext() : this.ctx);
    if (rest.length > 0) this.takeRequestBytes(rest);
    if (this.state === "connect") this.connect(null);
  }

  /**
   * http-request tarpit: counted as denied now, the request held (extra client bytes wait
   * unread) until timeout tarpit, then answered (`PT`); a client that leaves first ends it (`CT`).
   */
  #tarpit(f: Failure, ms: number): void {
    countFailure(f, this.s.owner.counters, this.be, null);
    if (ms <= 0) return this.fail(f, false);
    this.tarpitted = f;
    this.state = "tarpit";
    this.s.timer.fixed("tarpit", ms);
  }

  /** A rule's own response (return, redirect): written, logged; the connection goes on if `keep`. */
  #answerLocally(status: number, bytes: Uint8Array, keep: boolean, rest: Uint8Array): void {
    const s = this.s;
    this.status = status;
    this.state = "done";
    this.bytesOut += bytes.length;
    s.owner.counters.intercepted++;
    this.be.counters.intercepted++;
    s.out.answer(bytes);
    const answered = failure("local", "http-request-rules");
    this.log(answered.termination, answered.phase);
    if (!keep) s.closeGracefully();
    else {
      if (rest.length > 0) s.transactionStash(rest);
      s.transactionDone(true);
    }
  }

  /** A local service answers: the body is gathered (bounded), then the service runs, cut by timeout client. */
  #serve(svc: LocalService, rest: Uint8Array): void {
    if (ServiceCall.tooLarge(this.reqBody.framing)) return this.fail(BODY_TOO_LARGE);
    this.#call = new ServiceCall(svc, this.reqBody.framing);
    this.state = "service";
    this.s.timer.idle(this.s.owner.http.clientTimeout, 0);
    if (rest.length > 0) this.takeRequestBytes(rest);
    else if (this.reqBody.done) this.#callService();
  }

  protected override serviceBody(body: Uint8Array): void {
    if (!this.#call!.take(body)) this.fail(BODY_TOO_LARGE);
  }

  /** Always on a later turn, so that a pipelined request is stashed before the answer lets the next one in. */
  #callService(): void {
    const call = this.#call!;
    const req = { head: this.req, body: call.body, ctx: this.sampleContext() };
    void Promise.resolve().then(() => call.service.serve(req)).then(
      (a) => this.state === "service" && this.#served(a),
      (err: Error) =>
        this.state === "service" && this.fail(failure("internal", "http-request-rules", {
          status: 500,
          reason: `service ${call.service.name}: ${err?.message ?? err}`,
        })),
    );
  }

  #served(a: ServiceAnswer): void {
    const keep = this.clientKeepAlive && !this.s.stopping && !this.clientEnded;
    this.#answerLocally(a.status, serializeAnswer(a, this.req, keep), keep, NO_BYTES);
  }

  /** Phase "connect": a pooled connection answers at once, a new one later. */
  protected override connect(first: Server | null): void {
    const step = this.link.connect(this.be, first, this);
    if (step !== null) this.#connected(step);
  }

  /** A connect that did not answer at once ends (ignored when the transaction already ended). */
  connected(step: ConnectStep): void {
    if (this.state !== "done") this.#connected(step);
  }

  #connected(step: ConnectStep): void {
    if (step !== "attached") return this.fail(step);
    this.#sendRequest(this.link.server!, this.link.socket!);
  }

  /** Phase "send-request": the rewritten head and the body bytes that came with it, in one write. */
  #sendRequest(server: Server, sock: Socket): void {
    this.server = server;
    this.be.opened(server);
    this.state = "send-request";
    this.listen(sock);
    this.sentHead ??= buildRequestHead(this.s, this.req, this.upgrade, server.h2 !== "never");
    // send-proxy: a new connection starts with the client's PROXY header (never pooled afterwards)
    // (a TLS server's went before the handshake)
    const hello = this.link.reused || server.tls
      ? null
      : proxyHeaderFor(server.proxyProtocol, this.s.client);
    const first = this.pendingBody.length > 0 || hello !== null
      ? concat([...(hello ? [hello] : []), this.sentHead, ...this.pendingBody])
      : this.sentHead;
    this.pendingBody = [];
    this.res.expect(server, this.link.cookieHad, this.clientKeepAlive);
    // an HTTP/2 stream takes the head as it is instead of parsing its bytes back (no PROXY header there)
    if (hello === null && server.h2 !== "never" && takesHead(sock)) {
      sock.takeHead(this.req, this.sentHead.length);
    }
    const ok = sock.write(first);
    if (this.reqBody.done) this.awaitResponse();
    else if (ok && !this.clientEnded) this.s.client.resume();
    if (this.clientEnded && !this.reqBody.done) this.fail(CLIENT_GONE_MID_REQUEST);
  }

  /**
   * The whole request is out: only the server's silence counts now (timeout server → 504); a client
   * that sends nothing while it waits is not idle in HAProxy's sense.
   */
  protected override awaitResponse(): void {
    if (this.state === "service") return this.#callService();
    this.s.timer.idle(0, this.be.serverTimeout);
  }

  protected override requestBodyInvalid(status: number, reason: string): void {
    this.fail(failure("proxy", "wait-request", { status, reason })); // PR: the request is invalid
  }

  protected override serverDrained(): void {
    if (this.state === "tunnel" || !this.reqBody.done) this.s.client.resume();
  }

  onClientDrain(): void {
    this.s.timer.touchClient();
    this.res.onClientDrain();
  }

  protected override serverData(chunk: Uint8Array): void {
    switch (this.state) {
      case "send-request":
      case "wait-response":
        this.state = "wait-response";
        return this.#onResponseStep(this.res.onResponseHeadBytes(chunk, this.reqBody.done));
      case "forward-response":
        return this.#onResponseStep(this.res.forwardResponseBody(chunk));
      case "tunnel":
        this.bytesOut += chunk.length;
        if (!this.s.client.write(chunk)) this.srv!.pause();
        return;
      default:
        return;
    }
  }

  /** What the response side asked for. */
  #onResponseStep(step: ResponseStep): void {
    const s = this.s;
    switch (step) {
      case "more": // every body chunk comes here: nothing else is read on this path
        return;
      case "retry-status":
        if (this.retry(this.res.heldStatus)) return;
        return this.#onResponseStep(this.res.proceed());
      case "forward":
        this.state = "forward-response";
        this.status = this.res.status;
        s.timer.idle(s.owner.http.clientTimeout, this.be.serverTimeout);
        return;
      case "complete":
        this.status = this.res.status;
        return this.complete();
      case "tunnel":
        this.status = this.res.status;
        this.state = "tunnel";
        s.timer.idle(s.owner.http.tunnelTimeout, s.owner.http.tunnelTimeout, true);
        s.enterTunnel();
        return;
      default:
        if (this.state === "forward-response") return this.cut(step);
        return this.failOrRetry(step);
    }
  }

  /** The response is complete: log, give the server connection back, keep or close the client. */
  override complete(): void {
    const keepServer = this.res.serverKeepAlive && this.reqBody.done;
    if (this.res.encoding) {
      // the server's part is over; the encoder's tail is still to come, then the last chunk
      this.releaseServer(keepServer);
      this.s.timer.idle(this.s.owner.http.clientTimeout, 0);
      return this.res.endEncoding(() => this.complete());
    }
    this.finish(null, keepServer);
    const keep = this.clientKeepAlive && this.res.keepClient;
    this.s.transactionDone(keep && this.reqBody.done && !this.clientEnded);
  }

  /** The rules' context (built now when the frontend has no rules): a server's sni reads it. */
  sampleContext(): SampleContext {
    const s = this.s;
    const ctx = this.ctx ??= transactionContext(s.client, s.owner, this.be.name, this.req, s);
    ctx.backend ??= backendSample(this.be);
    return ctx;
  }
}
