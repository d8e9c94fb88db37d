/**
 * One request/response exchange, through its phases: http-request rules → choose backend → connect
 * (pooled or new, with retries: http_connect.ts) → send request → wait response → response rules →
 * forward body (http_response.ts) → log.
 */
import type { Backend } from "../../backend/backend.ts";
import { sniVaries } from "../../backend/server_tls.ts";
import type { Server } from "../../backend/server.ts";
import type { BodyFraming, RequestHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { BodyMeter } from "./body_meter.ts";
import { backendSample } from "../session/backend_sample.ts";
import { type ConnectHost, HttpConnect } from "./connect.ts";
import { responseFailed, SERVER_CLOSED } from "./observe.ts";
import { HttpResponse, type ResponseHost } from "./response.ts";
import type { ResponseFailure } from "./retry.ts";
import {
  buildRequestHead,
  clientKeepsAlive,
  concat,
  isIdempotent,
  requestsUpgrade,
} from "./heads.ts";
import { logTransaction } from "./log.ts";
import { proxyHeaderFor } from "../session/proxy_out.ts";
import { type RequestRulesHost, runRequestRules } from "./request_rules.ts";
import { transactionContext } from "./rules_context.ts";
import type { HttpSession } from "./session.ts";

type Phase = "connect" | "request" | "response-head" | "response-body" | "tunnel" | "done";

export class HttpTransaction implements ConnectHost, ResponseHost, RequestRulesHost {
  readonly #s: HttpSession;
  readonly req: RequestHead;
  readonly #reqBody: BodyMeter;
  #phase: Phase = "connect";
  /** The backend this request goes to: a useBackend rule's, else the frontend's default. */
  #be: Backend;
  /** The rules' view of this transaction, built when the frontend has rules. */
  #ctx: SampleContext | null = null;
  /** The connect side (pool, queue, retries, cookie persistence) and the response side. */
  readonly #link: HttpConnect;
  readonly #res: HttpResponse;
  #server: Server | null = null;
  #srv: Socket | null = null;
  /** The request as sent to the server, kept to replay it once on a reused connection that died. */
  #sentHead: Uint8Array | null = null;
  #clientKeepAlive: boolean;
  readonly #upgrade: boolean;
  #pendingBody: Uint8Array[] = [];
  #clientEnded = false;
  #serverEnded = false;
  // timers and counters for the log
  readonly #start: number;
  #headDone = Date.now();
  #bytesOut = 0;
  #status = 0;
  #reason = "";

  constructor(session: HttpSession, req: RequestHead, framing: BodyFraming, headStart: number) {
    this.#s = session;
    this.req = req;
    this.#start = headStart;
    this.#reqBody = new BodyMeter(framing, "request");
    this.#be = session.owner.backend;
    this.#clientKeepAlive = clientKeepsAlive(req, session.owner.http.connectionMode);
    this.#upgrade = requestsUpgrade(req);
    this.#link = new HttpConnect(this, session, req);
    this.#res = new HttpResponse(this, session, req, this.#upgrade);
  }

  /** `rest` holds the bytes that came after the head: the start of the body, maybe a pipelined request. */
  start(rest: Uint8Array): void {
    if (this.req.method === "CONNECT" && !this.#s.owner.http.acceptConnect) {
      return this.fail(405, "PR", "CONNECT is not accepted here");
    }
    if (this.#s.owner.hasRequestRules) {
      const r = runRequestRules(this, this.#s, rest);
      this.#ctx = r.ctx;
      if (r.answered) return;
    }
    this.#res.negotiate(this.#be, this.#ctx);
    if (rest.length > 0) this.#takeRequestBytes(rest);
    if (this.#phase === "connect") void this.#link.connect(null);
  }

  /** A rule's own response (return, redirect): written, logged; the connection goes on if `keep`. */
  answerLocally(status: number, bytes: Uint8Array, keep: boolean, rest: Uint8Array): void {
    const s = this.#s;
    this.#status = status;
    this.#phase = "done";
    this.#bytesOut += bytes.length;
    s.client.write(bytes);
    this.#log("LR");
    if (!keep) s.closeGracefully();
    else {
      if (rest.length > 0) s.transactionStash(rest);
      s.transactionDone(true);
    }
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
      return this.fail(n.status, "PR", n.reason);
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

  /** Phase "send request": the rewritten head and the body bytes that came with it, in one write. */
  attach(server: Server, sock: Socket): void {
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
    // (a TLS server's went before the handshake)
    const hello = this.#link.reused || server.tls
      ? null
      : proxyHeaderFor(server.proxyProtocol, this.#s.client);
    const first = this.#pendingBody.length > 0 || hello !== null
      ? concat([...(hello ? [hello] : []), this.#sentHead, ...this.#pendingBody])
      : this.#sentHead;
    this.#pendingBody = [];
    this.#res.expect(server, this.#link.cookieHad);
    const ok = sock.write(first);
    if (this.#reqBody.done) this.#awaitResponse();
    else if (ok && !this.#clientEnded) this.#s.client.resume();
    if (this.#clientEnded && this.#reqBody.done === false) {
      this.fail(400, "CH", "client closed mid-request");
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
    this.#res.onClientDrain();
  }

  #onServerData(chunk: Uint8Array): void {
    this.#s.timer.touchServer();
    switch (this.#phase) {
      case "request":
      case "response-head":
        return this.#res.onResponseHeadBytes(chunk);
      case "response-body":
        return this.#res.forwardResponseBody(chunk);
      case "tunnel":
        this.#bytesOut += chunk.length;
        if (!this.#s.client.write(chunk)) this.#srv!.pause();
        return;
      default:
        return;
    }
  }

  #onServerEnd(): void {
    if (this.#phase === "tunnel") {
      this.#serverEnded = true;
      this.#s.client.shutdown();
      if (this.#clientEnded) this.#endTunnel();
      return;
    }
    if (this.#phase === "response-body" && this.#res.endsAtClose) {
      this.#res.finishAtClose();
      return this.complete();
    }
    this.#serverGone();
  }

  #onServerClose(err?: Error): void {
    if (this.#phase === "done") return;
    if (!err && this.#phase === "tunnel") return this.#endTunnel();
    if (!err && this.#phase === "response-body" && this.#res.endsAtClose) {
      return this.#onServerEnd();
    }
    this.#serverGone();
  }

  /** The server closed before the response was complete. */
  #serverGone(): void {
    const replay = this.#link.reused && this.#phase === "request" &&
      isIdempotent(this.req.method) &&
      this.#reqBody.empty;
    if (replay) return this.#link.replay(this.#server!);
    if (this.#phase === "request" || this.#phase === "response-head") {
      if (this.retry(this.#phase === "request" ? "empty" : "junk")) return;
      return this.fail(502, "SH", SERVER_CLOSED);
    }
    this.abort("SD");
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
    if (!this.#reqBody.done && this.#phase !== "connect") this.abort("CD");
  }

  onClientClose(): void {
    if (this.#phase === "done") return;
    this.#finish(this.#phase === "response-body" || this.#phase === "tunnel" ? "CD" : "CH", false);
  }

  onTimeout(kind: "client" | "server" | "tunnel"): void {
    if (kind === "server" && (this.#phase === "request" || this.#phase === "response-head")) {
      if (this.retry("timeout")) return;
      return this.fail(504, "sH", "server timeout");
    }
    this.abort(kind === "server" ? "sD" : "cD");
  }

  /** Its server went DOWN ("D", on-marked-down) or an active one came UP ("U", on-marked-up). */
  serverShutdown(why: "D" | "U"): void {
    this.abort(why + (this.#phase === "response-body" || this.#phase === "tunnel" ? "D" : "H"));
  }

  /** The response is complete: log, give the server connection back, keep or close the client. */
  complete(): void {
    const keepServer = this.#res.serverKeepAlive && this.#reqBody.done;
    if (this.#res.encoding) {
      // the server's part is over; the encoder's tail is still to come, then the last chunk
      this.#releaseServer(keepServer);
      this.#s.timer.idle(this.#s.owner.http.clientTimeout, 0);
      return this.#res.endEncoding(() => this.complete());
    }
    this.#finish("--", keepServer);
    this.#s.transactionDone(this.#clientKeepAlive && this.#reqBody.done && !this.#clientEnded);
  }

  /** Answer with the proxy's own response (nothing was sent to the client yet). */
  fail(status: number, termination: string, reason: string): void {
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
  abort(termination: string, reason?: string): void {
    if (reason !== undefined) this.#reason = reason;
    if (this.#phase === "done") return;
    this.#finish(termination, false);
    this.#s.close();
  }

  #finish(termination: string, keepServer: boolean): void {
    this.#phase = "done";
    this.#res.destroy();
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
    const line = `${this.req.method} ${this.req.target} HTTP/1.${this.req.minor}`;
    logTransaction(this.#s, this.#be, this.#server, {
      start: this.#start,
      headDone: this.#headDone,
      tw: this.#link.tw,
      tc: this.#link.tc,
      tresp: this.#res.tresp,
      status: this.#status,
      bytesOut: this.#bytesOut,
      retries: this.#link.retries,
      termination,
      request: this.#reason ? `${line}" reason="${this.#reason}` : line,
    });
  }

  // what the connect and response sides (http_connect.ts, http_response.ts) use of this transaction
  get backend(): Backend {
    return this.#be;
  }
  set backend(be: Backend) {
    this.#be = be;
  }
  get mayKeepClient(): boolean {
    return this.#clientKeepAlive && this.#reqBody.done && !this.#s.stopping;
  }
  get serverSocket(): Socket | null {
    return this.#srv;
  }
  get requestDone(): boolean {
    return this.#reqBody.done;
  }
  get clientKeepAlive(): boolean {
    return this.#clientKeepAlive;
  }
  get done(): boolean {
    return this.#phase === "done";
  }
  /** The rules' context (built now when the frontend has no rules): a server's sni reads it. */
  sampleContext(): SampleContext {
    const s = this.#s;
    const ctx = this.#ctx ??= transactionContext(
      s.client,
      s.owner,
      this.#be.name,
      this.req,
      s,
    );
    ctx.backend ??= backendSample(this.#be);
    return ctx;
  }
  closeClientAfter(): void {
    this.#clientKeepAlive = false;
  }
  enter(phase: "response-head" | "response-body" | "tunnel"): void {
    this.#phase = phase;
  }
  sendToClient(bytes: Uint8Array): boolean {
    this.#bytesOut += bytes.length;
    return this.#s.client.write(bytes);
  }
  respondedWith(status: number): void {
    this.#status = status;
  }
  retry(failure: ResponseFailure): boolean {
    return this.#link.retry(failure, this.#server, this.#reqBody.empty, this.#bytesOut);
  }
  letGo(): void {
    this.#releaseServer(false);
    this.#phase = "connect";
    this.#res.forget();
  }
}
