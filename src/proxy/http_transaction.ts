/**
 * One request/response exchange, through its phases: http-request rules → choose backend → connect
 * (pooled or new, with retries) → send request → wait response → response rules → forward body → log.
 */
import type { Backend } from "../backend/backend.ts";
import { connectToBackend, countRetry } from "../backend/connect.ts";
import { sniVaries } from "../backend/server_tls.ts";
import type { Server } from "../backend/server.ts";
import { responseFraming } from "../http1/framing.ts";
import { HeadReader } from "../http1/head_reader.ts";
import { parseResponseHead } from "../http1/parse.ts";
import type { BodyFraming, RequestHead } from "../http1/types.ts";
import {
  chooseBackend,
  evaluateHttpRules,
  evaluateTcpRules,
  type SampleContext,
  type Verdict,
} from "../rules/mod.ts";
import type { Socket } from "../runtime/types.ts";
import { BodyMeter } from "./body_meter.ts";
import { type BodyCompressor, chooseCompression, type CompressionChoice } from "./http_compress.ts";
import { backendSample } from "./backend_sample.ts";
import { readPersistCookie, writePersistCookie } from "./http_cookie.ts";
import { responseFailed, SERVER_CLOSED } from "./http_observe.ts";
import { mayRetry, type ResponseFailure, retryServer } from "./http_retry.ts";
import { httpPickContext } from "./pick_view.ts";
import {
  buildRequestHead,
  buildResponseHead,
  clientKeepsAlive,
  concat,
  isIdempotent,
  requestsUpgrade,
  serverKeepsAlive,
} from "./http_heads.ts";
import { logTransaction } from "./http_log.ts";
import { proxyHeaderFor } from "./proxy_out.ts";
import { localResponse, runResponseRules, transactionContext } from "./http_rules.ts";
import type { HttpSession } from "./http_session.ts";

type Phase = "connect" | "request" | "response-head" | "response-body" | "tunnel" | "done";

export class HttpTransaction {
  readonly #s: HttpSession;
  readonly req: RequestHead;
  readonly #reqBody: BodyMeter;
  #phase: Phase = "connect";
  /** The backend this request goes to: a useBackend rule's, else the frontend's default. */
  #be: Backend;
  /** The rules' view of this transaction, built when the frontend has rules. */
  #ctx: SampleContext | null = null;
  #server: Server | null = null;
  #srv: Socket | null = null;
  #reused = false;
  #retries = 0;
  /** Whether the persistence cookie was read, and the server it named. */
  #persistRead = false;
  #cookieHad: Server | null = null;
  /** Servers that failed this request (a redispatched retry avoids them). */
  readonly #tried = new Set<Server>();
  /** The request as sent to the server, kept to replay it once on a reused connection that died. */
  #sentHead: Uint8Array | null = null;
  #resReader: HeadReader | null = null;
  #resBody: BodyMeter | null = null;
  /** The compression chosen from Accept-Encoding, and the response body's compressor if it is compressed. */
  #zip: CompressionChoice | null = null;
  #enc: BodyCompressor | null = null;
  #clientKeepAlive: boolean;
  #serverKeepAlive = true;
  #upgrade: boolean;
  #pendingBody: Uint8Array[] = [];
  #clientEnded = false;
  #serverEnded = false;
  // timers and counters for the log
  readonly #start: number;
  #headDone = Date.now();
  #tc = -1;
  #requestSentAt = -1;
  #tresp = -1;
  #bytesOut = 0;
  #status = 0;
  #reason = "";
  /** Time spent in the backend's queue (Tw). */
  #tw = 0;

  constructor(session: HttpSession, req: RequestHead, framing: BodyFraming, headStart: number) {
    this.#s = session;
    this.req = req;
    this.#start = headStart;
    this.#reqBody = new BodyMeter(framing, "request");
    this.#be = session.owner.backend;
    this.#clientKeepAlive = clientKeepsAlive(req, session.owner.http.connectionMode);
    this.#upgrade = requestsUpgrade(req);
  }

  /** `rest` holds the bytes that came after the head: the start of the body, maybe a pipelined request. */
  start(rest: Uint8Array): void {
    if (this.req.method === "CONNECT" && !this.#s.owner.http.acceptConnect) {
      return this.#fail(405, "PR", "CONNECT is not accepted here");
    }
    if (this.#s.owner.hasRequestRules && this.#requestRules(rest)) return;
    this.#zip = chooseCompression(this.#s.owner.http.compression, this.#be.name, this.req);
    if (rest.length > 0) this.#takeRequestBytes(rest);
    if (this.#phase === "connect") void this.#connect(null);
  }

  /**
   * Phase "http-request rules", then "choose backend", then the backend's http-request rules:
   * rewrites change `req` in place; a deny, return or redirect answers here. Returns true when
   * the transaction was answered.
   */
  #requestRules(rest: Uint8Array): boolean {
    const s = this.#s, rules = s.owner.rules;
    const ctx = this.#ctx = transactionContext(
      s.client,
      s.owner,
      this.#be.name,
      this.req,
      s.sessVars,
    );
    if (rules !== null) {
      if (rules.tcp.content.length > 0) {
        // tcp-request content rules of an HTTP frontend see each whole request head (HAProxy's HTX)
        ctx.final = true;
        if (evaluateTcpRules(rules.tcp.content, ctx).verdict === "reject") {
          this.#reason = "rejected by tcp-request content rule";
          this.#abort("PR");
          return true;
        }
      }
      if (this.#answered(evaluateHttpRules(rules.request, { ctx, req: this.req }), rest)) {
        return true;
      }
      const name = chooseBackend(rules.backends, ctx);
      if (name !== undefined) this.#be = s.owner.backendNamed(name) ?? this.#be;
      ctx.beName = this.#be.name;
    }
    ctx.backend = backendSample(this.#be);
    const own = s.owner.backendRules(this.#be.name);
    if (own === undefined || own.request.length === 0) return false;
    return this.#answered(evaluateHttpRules(own.request, { ctx, req: this.req }), rest);
  }

  /** Answers a deny, return or redirect verdict; false when there is none (the request goes on). */
  #answered(v: Verdict | undefined, rest: Uint8Array): boolean {
    if (v === undefined || v.type === "allow") return false;
    const s = this.#s;
    if (v.type === "deny") {
      this.#fail(
        v.status,
        "PR",
        v.status === 500 ? "rewrite failed" : "denied by http-request rule",
      );
      return true;
    }
    const keep = this.#clientKeepAlive && this.#reqBody.done && !s.stopping;
    const r = localResponse(v, this.req, keep);
    this.#status = r.status;
    this.#phase = "done";
    this.#bytesOut += r.bytes.length;
    s.client.write(r.bytes);
    this.#log("LR");
    if (!keep) s.closeGracefully();
    else {
      if (rest.length > 0) s.transactionStash(rest);
      s.transactionDone(true);
    }
    return true;
  }

  /** Accepts request-body bytes while the body is incomplete; extra bytes go back to the session. */
  wantsRequestBytes(): boolean {
    return !this.#reqBody.done || this.#phase === "tunnel";
  }

  #takeRequestBytes(chunk: Uint8Array): void {
    const n = this.#reqBody.feed(chunk);
    if (typeof n !== "number") {
      // a malformed body: whatever part of the request already left is cut off with the server connection
      if (this.#phase === "connect") this.#phase = "done"; // not connected yet: nothing reached a server
      return this.#fail(n.status, "PR", n.reason);
    }
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (body.length > 0) this.#sendRequestBytes(body);
    if (this.#reqBody.done && this.#phase === "request") this.#awaitResponse();
    if (n < chunk.length) this.#s.transactionStash(chunk.subarray(n));
  }

  #sendRequestBytes(body: Uint8Array): void {
    const srv = this.#srv;
    if (srv === null || this.#phase === "connect") {
      this.#pendingBody.push(body);
      this.#s.client.pause();
      return;
    }
    if (!srv.write(body)) this.#s.client.pause();
  }

  onClientData(chunk: Uint8Array): void {
    this.#s.timer.touchClient();
    if (this.#phase === "tunnel") {
      if (!this.#srv!.write(chunk)) this.#s.client.pause();
      return;
    }
    this.#takeRequestBytes(chunk);
  }

  /** Phase "connect": an idle pooled connection when this client already made a request, else a new one. */
  async #connect(first: Server | null): Promise<void> {
    const s = this.#s, be = this.#be;
    const ctx = httpPickContext(this.req, s.client.remoteAddress);
    let persisted: Server | null = null;
    if (be.cookie !== null && !this.#persistRead) {
      // cookie persistence: the request's cookie names the server (once per request, not per retry)
      this.#persistRead = true;
      this.#cookieHad = readPersistCookie(be.cookie, be.servers, this.req.headers).server;
      if (this.#cookieHad?.acceptsPersistent) persisted = this.#cookieHad; // DRAIN too
      else if (this.#cookieHad && be.redispatch === 0) {
        return this.#fail(503, "SC", "the cookie's server is not available");
      }
    }
    // while requests wait in the backend's queue, a new one goes behind them
    const server = first ?? persisted ?? (be.queue.length > 0 ? null : be.balancer.pick(ctx));
    if (server === null && !be.saturated && be.queue.length === 0) {
      return this.#fail(503, "SC", "no server available");
    }
    if (server !== null && s.requests > 0 && !first) {
      const pooled = be.pool.take(server);
      if (pooled) {
        server.cur++;
        this.#reused = true;
        this.#tc = 0;
        return this.#attach(server, pooled);
      }
    }
    const r = await connectToBackend(
      s.owner.runtime,
      be,
      () => this.#phase === "done",
      server,
      ctx,
      this.#retries,
    );
    this.#retries += r.retries;
    this.#tw = r.queueMs;
    this.#tc = r.ms - r.queueMs;
    if (this.#phase === "done") return;
    if (!r.ok && r.queueTimeout) return this.#fail(503, "sQ", "timeout queue");
    if (!r.ok && r.queueFull) return this.#fail(503, "sQ", "queue full (maxqueue)");
    if (!r.ok && r.noServer) return this.#fail(503, "SC", "no server available");
    if (!r.ok) {
      return this.#fail(
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
    this.#attach(r.server, r.socket);
  }

  /** Phase "send request": the rewritten head and the body bytes that came with it, in one write. */
  #attach(server: Server, sock: Socket): void {
    this.#server = server;
    this.#be.opened(server, this);
    this.#srv = sock;
    this.#phase = "request";
    // events of a connection this transaction let go of (a retry closes it) are not its business
    sock.setHandlers({
      data: (chunk) => sock === this.#srv && this.#onServerData(chunk),
      drain: () => sock === this.#srv && this.#onServerDrain(),
      end: () => sock === this.#srv && this.#onServerEnd(),
      close: (err) => sock === this.#srv && this.#onServerClose(err),
    });
    this.#sentHead ??= buildRequestHead(this.#s, this.req, this.#upgrade);
    // send-proxy: a new connection starts with the client's PROXY header (never pooled afterwards)
    const hello = this.#reused ? null : proxyHeaderFor(server.proxyProtocol, this.#s.client);
    const first = this.#pendingBody.length > 0 || hello !== null
      ? concat([...(hello ? [hello] : []), this.#sentHead, ...this.#pendingBody])
      : this.#sentHead;
    this.#pendingBody = [];
    this.#requestSentAt = Date.now();
    this.#resReader = new HeadReader(this.#s.owner.http.limits, "response");
    const ok = sock.write(first);
    if (this.#reqBody.done) this.#awaitResponse();
    else if (ok && !this.#clientEnded) this.#s.client.resume();
    if (this.#clientEnded && this.#reqBody.done === false) {
      this.#fail(400, "CH", "client closed mid-request");
    }
  }

  /**
   * The whole request is out: only the server's silence counts now (timeout server → 504); a client
   * that sends nothing while it waits is not idle in HAProxy's sense.
   */
  #awaitResponse(): void {
    this.#s.timer.idle(0, this.#be.serverTimeout);
  }

  #onServerDrain(): void {
    this.#s.timer.touchServer();
    if (this.#phase === "tunnel" || !this.#reqBody.done) this.#s.client.resume();
  }

  onClientDrain(): void {
    this.#s.timer.touchClient();
    if (this.#enc !== null) this.#enc.clientDrained();
    else this.#srv?.resume();
  }

  #onServerData(chunk: Uint8Array): void {
    this.#s.timer.touchServer();
    switch (this.#phase) {
      case "request":
      case "response-head":
        return this.#onResponseHeadBytes(chunk);
      case "response-body":
        return this.#forwardResponseBody(chunk);
      case "tunnel":
        this.#bytesOut += chunk.length;
        if (!this.#s.client.write(chunk)) this.#srv!.pause();
        return;
      default:
        return;
    }
  }

  /** Phase "wait response": parse the head; 1xx interim responses pass through; 101 opens a tunnel. */
  #onResponseHeadBytes(chunk: Uint8Array): void {
    this.#phase = "response-head";
    const step = this.#resReader!.push(chunk);
    if (step.state === "more") return;
    if (step.state === "error") {
      if (!this.#retry("junk")) this.#fail(502, "SH", step.rejection.reason);
      return;
    }
    const parsed = parseResponseHead(step.head, this.#s.owner.http.limits);
    if (!parsed.ok) {
      if (!this.#retry("junk")) this.#fail(502, "SH", parsed.rejection.reason);
      return;
    }
    const res = parsed.head;
    if (this.#be.retryOn.statuses.size > 0 && this.#retry(res.status)) return;
    this.#server?.observer?.status(res.status);
    if (res.status >= 100 && res.status < 200 && res.status !== 101) {
      this.#s.client.write(step.head); // 100 Continue and friends, as they came
      this.#bytesOut += step.head.length;
      if (step.rest.length > 0) this.#onResponseHeadBytes(step.rest);
      return;
    }
    if (res.status === 101 && !this.#upgrade) {
      return this.#fail(502, "SH", "101 Switching Protocols without an upgrade request");
    }
    this.#tresp = Date.now() - this.#requestSentAt;
    this.#status = res.status;
    const switching = (res.status === 101 && this.#upgrade) ||
      (this.req.method === "CONNECT" && res.status >= 200 && res.status < 300);
    const framing = responseFraming(res, this.req.method);
    if (!framing.ok) return this.#fail(502, "SH", framing.rejection.reason);
    if (this.#ctx !== null) {
      // after the framing: a set-status cannot change how the body the server sends is delimited;
      // the backend's rules first, then the frontend's (HAProxy's order)
      const own = this.#s.owner.backendRules(this.#be.name)?.response;
      const denied = (own && runResponseRules(own, this.#ctx, this.req, res)) ||
        runResponseRules(this.#s.owner.rules?.response ?? [], this.#ctx, this.req, res);
      if (denied) return this.#fail(denied.status, "PH", denied.reason);
      this.#status = res.status;
    }
    const persist = this.#be.cookie;
    if (persist !== null && this.#server !== null) {
      writePersistCookie(persist, this.#server, this.#cookieHad, this.req.method, res.headers);
    }
    if (framing.framing.type === "close") this.#clientKeepAlive = false;
    this.#serverKeepAlive = !switching && framing.framing.type !== "close" &&
      serverKeepsAlive(res, this.#s.owner.http.connectionMode);
    if (!this.#reqBody.done) this.#clientKeepAlive = false; // answered before the whole request: close after
    if (this.#s.stopping) this.#clientKeepAlive = false; // soft stop: this is the connection's last response
    this.#enc = this.#zip?.respond(this.req, res, this.#compressorIo()) ?? null;
    const head = buildResponseHead(res, this.req, this.#clientKeepAlive, switching);
    if (switching) {
      this.#phase = "tunnel";
      this.#write(concat([head, step.rest]));
      this.#s.timer.idle(this.#s.owner.http.tunnelTimeout, this.#s.owner.http.tunnelTimeout, true);
      this.#s.enterTunnel();
      return;
    }
    this.#resBody = new BodyMeter(framing.framing, "response");
    this.#phase = "response-body";
    this.#s.timer.idle(this.#s.owner.http.clientTimeout, this.#be.serverTimeout);
    const n = this.#resBody.feed(step.rest);
    if (typeof n !== "number") return this.#fail(502, "SD", n.reason);
    if (this.#enc === null) this.#write(n === 0 ? head : concat([head, step.rest.subarray(0, n)]));
    else {
      this.#write(head);
      this.#enc.write(step.rest.subarray(0, n));
    }
    if (this.#resBody.done) this.#complete();
  }

  #forwardResponseBody(chunk: Uint8Array): void {
    const n = this.#resBody!.feed(chunk);
    if (typeof n !== "number") return this.#abort("SD");
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (this.#enc !== null) this.#enc.write(body);
    else this.#write(body);
    if (this.#resBody!.done) this.#complete();
  }

  #write(bytes: Uint8Array): void {
    this.#bytesOut += bytes.length;
    if (!this.#s.client.write(bytes)) this.#srv?.pause();
  }

  /** What the response body's compressor (src/proxy/http_compress.ts) uses of this transaction. */
  #compressorIo() {
    return {
      write: (bytes: Uint8Array) => {
        this.#bytesOut += bytes.length;
        return this.#s.client.write(bytes);
      },
      server: () => this.#srv,
      failed: (err: Error) => {
        this.#reason = err.message;
        this.#abort("ID"); // an internal error during the data phase
      },
    };
  }

  #onServerEnd(): void {
    if (this.#phase === "tunnel") {
      this.#serverEnded = true;
      this.#s.client.shutdown();
      if (this.#clientEnded) this.#endTunnel();
      return;
    }
    if (this.#phase === "response-body" && this.#resBody!.endsAtClose) {
      this.#resBody!.finishAtClose();
      this.#serverKeepAlive = false;
      return this.#complete();
    }
    this.#serverGone();
  }

  #onServerClose(err?: Error): void {
    if (this.#phase === "done") return;
    if (!err && this.#phase === "tunnel") return this.#endTunnel();
    if (!err && this.#phase === "response-body" && this.#resBody!.endsAtClose) {
      return this.#onServerEnd();
    }
    this.#serverGone();
  }

  /** The server closed before the response was complete. */
  #serverGone(): void {
    const replay = this.#reused && this.#phase === "request" && isIdempotent(this.req.method) &&
      this.#reqBody.empty;
    if (replay) {
      // the classic keep-alive race: the server closed an idle connection as we reused it
      this.#releaseServer(false);
      this.#retries++;
      this.#phase = "connect";
      return void this.#connect(countRetry(this.#be, this.#server!, this.#server!));
    }
    if (this.#phase === "request" || this.#phase === "response-head") {
      if (this.#retry(this.#phase === "request" ? "empty" : "junk")) return;
      return this.#fail(502, "SH", SERVER_CLOSED);
    }
    this.#abort("SD");
  }

  /**
   * Sends the request again after the server failed it (retry-on), to the server option
   * redispatch picks; false when retry-on, the retry budget or the request forbid it.
   */
  #retry(failure: ResponseFailure): boolean {
    const be = this.#be, failed = this.#server;
    const state = { retries: this.#retries, bodiless: this.#reqBody.empty, bytesOut: this.#bytesOut };
    if (failed === null || this.#s.stopping || !mayRetry(be, failure, state)) return false;
    this.#releaseServer(false);
    this.#retries++;
    this.#phase = "connect";
    this.#resReader = null;
    const ctx = httpPickContext(this.req, this.#s.client.remoteAddress);
    void this.#connect(retryServer(be, failed, this.#retries, this.#tried, ctx));
    return true;
  }

  /** Both ends of a tunnel are done: log it, and close once the client has everything. */
  #endTunnel(): void {
    this.#finish("--", false);
    this.#s.closeGracefully();
  }

  onClientEnd(): void {
    this.#clientEnded = true;
    if (this.#phase === "tunnel") {
      this.#srv?.shutdown();
      if (this.#serverEnded) this.#endTunnel();
      return;
    }
    if (!this.#reqBody.done && this.#phase !== "connect") this.#abort("CD");
  }

  onClientClose(): void {
    if (this.#phase === "done") return;
    this.#finish(this.#phase === "response-body" || this.#phase === "tunnel" ? "CD" : "CH", false);
  }

  onTimeout(kind: "client" | "server" | "tunnel"): void {
    if (kind === "server" && (this.#phase === "request" || this.#phase === "response-head")) {
      if (this.#retry("timeout")) return;
      return this.#fail(504, "sH", "server timeout");
    }
    this.#abort(kind === "server" ? "sD" : "cD");
  }

  /** Its server went DOWN ("D", on-marked-down) or an active one came UP ("U", on-marked-up). */
  serverShutdown(why: "D" | "U"): void {
    this.#abort(why + (this.#phase === "response-body" || this.#phase === "tunnel" ? "D" : "H"));
  }

  /** The response is complete: log, give the server connection back, keep or close the client. */
  #complete(): void {
    const keepServer = this.#serverKeepAlive && this.#reqBody.done;
    if (this.#enc !== null && !this.#enc.finished) {
      // the server's part is over; the encoder's tail is still to come, then the last chunk
      this.#releaseServer(keepServer);
      this.#s.timer.idle(this.#s.owner.http.clientTimeout, 0);
      return this.#enc.end(() => this.#complete());
    }
    this.#finish("--", keepServer);
    this.#s.transactionDone(this.#clientKeepAlive && this.#reqBody.done && !this.#clientEnded);
  }

  /** Answer with the proxy's own response (nothing was sent to the client yet). */
  #fail(status: number, termination: string, reason: string): void {
    if (this.#phase === "done" && this.#status !== 0) return;
    this.#status = status;
    this.#reason = reason;
    this.#phase = "done";
    this.#bytesOut += this.#s.sendErrorAndClose(status);
    this.#log(termination);
    this.#releaseServer(false);
    responseFailed(this.#be, this.#server, termination, reason); // eresp, observe layer7
  }

  /** Cut both sides: the response was already under way, so the client sees a truncated one. */
  #abort(termination: string): void {
    if (this.#phase === "done") return;
    this.#finish(termination, false);
    this.#s.close();
  }

  #finish(termination: string, keepServer: boolean): void {
    this.#phase = "done";
    this.#enc?.destroy();
    this.#log(termination);
    this.#releaseServer(keepServer);
  }

  #releaseServer(keep: boolean): void {
    const srv = this.#srv, server = this.#server;
    this.#srv = null;
    if (!srv || !server) return;
    this.#be.closed(server, this);
    // a connection named by this request's SNI (sni req.hdr(...)) is not another request's to reuse
    if (!(keep && !sniVaries(server.tls) && this.#be.pool.give(server, srv))) srv.close();
  }

  #log(termination: string): void {
    const sent = (this.#sentHead?.length ?? 0) + this.#reqBody.consumed;
    this.#be.countBytes(this.#server, sent, this.#bytesOut);
    if (!this.#s.owner.logsAccess) return; // no record or request line to build when logging is off
    const request = this.#reason
      ? `${this.#requestLine()}" reason="${this.#reason}`
      : this.#requestLine();
    logTransaction(this.#s, this.#be, this.#server, {
      start: this.#start,
      headDone: this.#headDone,
      tw: this.#tw,
      tc: this.#tc,
      tresp: this.#tresp,
      status: this.#status,
      bytesOut: this.#bytesOut,
      retries: this.#retries,
      termination,
      request,
    });
  }

  #requestLine(): string {
    return `${this.req.method} ${this.req.target} HTTP/1.${this.req.minor}`;
  }
}
