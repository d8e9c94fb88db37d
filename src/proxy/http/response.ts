/** The response side of one transaction: wait response (1xx, 101 → tunnel), response rules, cookie, compression, body. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import { responseFraming } from "../../http1/framing.ts";
import { HeadReader } from "../../http1/head_reader.ts";
import { parseResponseHead } from "../../http1/parse.ts";
import type { RequestHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/mod.ts";
import type { Socket } from "../../runtime/types.ts";
import { BodyMeter } from "./body_meter.ts";
import {
  type BodyCompressor,
  chooseCompression,
  type CompressionChoice,
  type CompressorIo,
} from "./compress.ts";
import { writePersistCookie } from "./cookie.ts";
import { buildResponseHead, concat, serverKeepsAlive } from "./heads.ts";
import type { ResponseFailure } from "./retry.ts";
import { runResponseRules } from "./rules_context.ts";
import type { HttpSession } from "./session.ts";

/** What the response side uses of its transaction (HttpTransaction implements it). */
export interface ResponseHost {
  /** The server connection while the transaction holds one. */
  readonly serverSocket: Socket | null;
  readonly requestDone: boolean;
  readonly clientKeepAlive: boolean;
  /** The response will be the client connection's last. */
  closeClientAfter(): void;
  enter(phase: "response-head" | "response-body" | "tunnel"): void;
  /** Writes to the client and counts the bytes; false: congested. */
  sendToClient(bytes: Uint8Array): boolean;
  respondedWith(status: number): void;
  retry(failure: ResponseFailure): boolean;
  fail(status: number, termination: string, reason: string): void;
  abort(termination: string, reason?: string): void;
  complete(): void;
}

/** One transaction's response, from the first byte of its head to the end of its body. */
export class HttpResponse implements CompressorIo {
  readonly #t: ResponseHost;
  readonly #s: HttpSession;
  readonly #req: RequestHead;
  readonly #upgrade: boolean;
  /** Known once the rules chose: the backend and the rules' view (null when there are no rules). */
  #be: Backend | null = null;
  #ctx: SampleContext | null = null;
  /** Known once connected: the server, and the one the request's persistence cookie named. */
  #server: Server | null = null;
  #cookieHad: Server | null = null;
  #reader: HeadReader | null = null;
  #body: BodyMeter | null = null;
  /** The compression chosen from Accept-Encoding, and the response body's compressor if it is compressed. */
  #zip: CompressionChoice | null = null;
  #enc: BodyCompressor | null = null;
  #sentAt = -1;
  #tresp = -1;
  #serverKeepAlive = true;

  constructor(host: ResponseHost, session: HttpSession, req: RequestHead, upgrade: boolean) {
    this.#t = host;
    this.#s = session;
    this.#req = req;
    this.#upgrade = upgrade;
  }

  /** Time from the request sent to the response head (Tr); -1 until then. */
  get tresp(): number {
    return this.#tresp;
  }

  /** The server connection may serve another request once the body is through. */
  get serverKeepAlive(): boolean {
    return this.#serverKeepAlive;
  }

  /** The body is delimited by the server closing its connection. */
  get endsAtClose(): boolean {
    return this.#body!.endsAtClose;
  }

  /** The server's part is over but the encoder's tail is still to come. */
  get encoding(): boolean {
    return this.#enc !== null && !this.#enc.finished;
  }

  /** Picks the compression from the request's Accept-Encoding (once the backend is known). */
  negotiate(be: Backend, ctx: SampleContext | null): void {
    this.#be = be;
    this.#ctx = ctx;
    this.#zip = chooseCompression(this.#s.owner.http.compression, be.name, this.#req);
  }

  /** The request just went out to `server`: a response head is expected from now. */
  expect(server: Server, cookieHad: Server | null): void {
    this.#server = server;
    this.#cookieHad = cookieHad;
    this.#sentAt = Date.now();
    this.#reader = new HeadReader(this.#s.owner.http.limits, "response");
  }

  /** A retry drops what the failed server sent. */
  forget(): void {
    this.#reader = null;
  }

  /** Phase "wait response": parse the head; 1xx interim responses pass through; 101 opens a tunnel. */
  onResponseHeadBytes(chunk: Uint8Array): void {
    const t = this.#t, s = this.#s, req = this.#req, be = this.#be!;
    t.enter("response-head");
    const step = this.#reader!.push(chunk);
    if (step.state === "more") return;
    if (step.state === "error") {
      if (!t.retry("junk")) t.fail(502, "SH", step.rejection.reason);
      return;
    }
    const parsed = parseResponseHead(step.head, s.owner.http.limits);
    if (!parsed.ok) {
      if (!t.retry("junk")) t.fail(502, "SH", parsed.rejection.reason);
      return;
    }
    const res = parsed.head;
    if (be.retryOn.statuses.size > 0 && t.retry(res.status)) return;
    this.#server?.observer?.status(res.status);
    if (res.status >= 100 && res.status < 200 && res.status !== 101) {
      t.sendToClient(step.head); // 100 Continue and friends, as they came
      if (step.rest.length > 0) this.onResponseHeadBytes(step.rest);
      return;
    }
    if (res.status === 101 && !this.#upgrade) {
      return t.fail(502, "SH", "101 Switching Protocols without an upgrade request");
    }
    this.#tresp = Date.now() - this.#sentAt;
    t.respondedWith(res.status);
    const switching = (res.status === 101 && this.#upgrade) ||
      (req.method === "CONNECT" && res.status >= 200 && res.status < 300);
    const framing = responseFraming(res, req.method);
    if (!framing.ok) return t.fail(502, "SH", framing.rejection.reason);
    if (this.#ctx !== null) {
      // after the framing: a set-status cannot change how the body the server sends is delimited;
      // the backend's rules first, then the frontend's (HAProxy's order)
      const own = s.owner.backendRules(be.name)?.response;
      const denied = (own && runResponseRules(own, this.#ctx, req, res)) ||
        runResponseRules(s.owner.rules?.response ?? [], this.#ctx, req, res);
      if (denied) return t.fail(denied.status, "PH", denied.reason);
      t.respondedWith(res.status);
    }
    const persist = be.cookie;
    if (persist !== null && this.#server !== null) {
      writePersistCookie(persist, this.#server, this.#cookieHad, req.method, res.headers);
    }
    if (framing.framing.type === "close") t.closeClientAfter();
    this.#serverKeepAlive = !switching && framing.framing.type !== "close" &&
      serverKeepsAlive(res, s.owner.http.connectionMode);
    if (!t.requestDone) t.closeClientAfter(); // answered before the whole request: close after
    if (s.stopping) t.closeClientAfter(); // soft stop: this is the connection's last response
    this.#enc = this.#zip?.respond(req, res, this) ?? null;
    const head = buildResponseHead(res, req, t.clientKeepAlive, switching);
    if (switching) {
      t.enter("tunnel");
      this.#write(concat([head, step.rest]));
      s.timer.idle(s.owner.http.tunnelTimeout, s.owner.http.tunnelTimeout, true);
      s.enterTunnel();
      return;
    }
    this.#body = new BodyMeter(framing.framing, "response");
    t.enter("response-body");
    s.timer.idle(s.owner.http.clientTimeout, be.serverTimeout);
    const n = this.#body.feed(step.rest);
    if (typeof n !== "number") return t.fail(502, "SD", n.reason);
    if (this.#enc === null) this.#write(n === 0 ? head : concat([head, step.rest.subarray(0, n)]));
    else {
      this.#write(head);
      this.#enc.write(step.rest.subarray(0, n));
    }
    if (this.#body.done) t.complete();
  }

  /** Phase "forward response body". */
  forwardResponseBody(chunk: Uint8Array): void {
    const n = this.#body!.feed(chunk);
    if (typeof n !== "number") return this.#t.abort("SD");
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (this.#enc !== null) this.#enc.write(body);
    else this.#write(body);
    if (this.#body!.done) this.#t.complete();
  }

  /** The server closed a body delimited by its close: the body is whole. */
  finishAtClose(): void {
    this.#body!.finishAtClose();
    this.#serverKeepAlive = false;
  }

  /** The client can take more: the encoder, else the server, goes on. */
  onClientDrain(): void {
    if (this.#enc !== null) this.#enc.clientDrained();
    else this.#t.serverSocket?.resume();
  }

  /** Flushes the encoder's tail, then calls `done`. */
  endEncoding(done: () => void): void {
    this.#enc!.end(done);
  }

  destroy(): void {
    this.#enc?.destroy();
  }

  #write(bytes: Uint8Array): void {
    if (!this.#t.sendToClient(bytes)) this.#t.serverSocket?.pause();
  }

  // CompressorIo: what the response body's compressor (src/proxy/http_compress.ts) uses
  write(bytes: Uint8Array): boolean {
    return this.#t.sendToClient(bytes);
  }

  server(): Socket | null {
    return this.#t.serverSocket;
  }

  failed(err: Error): void {
    this.#t.abort("ID", err.message); // an internal error during the data phase
  }
}
