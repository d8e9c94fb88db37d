/** The response side of one transaction: wait response (1xx, 101 → tunnel), response rules, cookie, compression, body. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import { responseFraming } from "../../http1/framing.ts";
import { HeadReader } from "../../http1/head_reader.ts";
import { parseResponseHead } from "../../http1/parse.ts";
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import { type Failure, failure, invalidResponse } from "../../failure/failure.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
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
import { serverKeepsAlive } from "./heads.ts";
import { runResponseRules } from "./rules_context.ts";
import type { HttpFrontendOptions } from "./options.ts";
import { now } from "../../runtime/clock.ts";

/** What the response side reads of its session: the frontend's HTTP options and rules, a soft stop. */
export interface ResponseSession {
  readonly owner: {
    readonly http: HttpFrontendOptions;
    readonly rules: FrontendRules | null;
    backendRules(name: string): BackendHttpRules | undefined;
  };
  readonly stopping: boolean;
}

/** Where the response goes: the client (bytes counted by the transaction) and the server to pause. */
export interface ResponseIo {
  /** Writes body bytes to the client and counts them; false: congested. */
  sendToClient(bytes: Uint8Array): boolean;
  /** Writes the final head and the first body bytes, counted; false: congested. */
  sendHead(res: ResponseHead, keepAlive: boolean, switching: boolean, body: Uint8Array): boolean;
  /** Passes a 1xx interim response on, counted. */
  sendInterim(res: ResponseHead, raw: Uint8Array): void;
  /** The server connection while the transaction holds one. */
  readonly serverSocket: Socket | null;
  /** The compressor failed while the body flowed (an internal error: the transaction cuts both sides). */
  compressorFailed(err: Error): void;
}

/**
 * What a step of the response side asks of the transaction: wait for more bytes, the head is out
 * and the body follows, the response is complete, the connection became a tunnel, the status is
 * one retry-on lists (retry, or `proceed()`), or a failure.
 */
export type ResponseStep = "more" | "forward" | "complete" | "tunnel" | "retry-status" | Failure;

/** One transaction's response, from the first byte of its head to the end of its body. */
export class HttpResponse implements CompressorIo {
  readonly #t: ResponseIo;
  readonly #s: ResponseSession;
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
  /** The status answered (after the response rules), 0 until a final response head. */
  status = 0;
  #serverKeepAlive = true;
  #keepClient = true;
  /** A parsed head held while the transaction decides on a retry-on status. */
  #held: ResponseHead | null = null;
  #heldRaw: Uint8Array = EMPTY;
  #heldRest: Uint8Array = EMPTY;
  #heldRequestDone = false;

  constructor(io: ResponseIo, session: ResponseSession, req: RequestHead, upgrade: boolean) {
    this.#t = io;
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

  /** The status of a head held for a retry-on decision (0: none). */
  get heldStatus(): number {
    return this.#held?.status ?? 0;
  }

  /** The client connection may serve another request after this response. */
  get keepClient(): boolean {
    return this.#keepClient;
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
  expect(server: Server, cookieHad: Server | null, keepClient: boolean): void {
    this.#keepClient = keepClient;
    this.#server = server;
    this.#cookieHad = cookieHad;
    this.#sentAt = now();
    this.#reader = new HeadReader(this.#s.owner.http.limits, "response");
  }

  /** A retry drops what the failed server sent. */
  forget(): void {
    this.#reader = null;
    this.#held = null;
  }

  /**
   * Phase "wait-response": parse the head; 1xx interim responses pass through; 101 opens a tunnel.
   * `requestDone`: the whole request went out (a response before that closes the client after).
   */
  onResponseHeadBytes(chunk: Uint8Array, requestDone: boolean): ResponseStep {
    const step = this.#reader!.push(chunk);
    if (step.state === "more") return "more";
    if (step.state === "error") return invalidResponse(step.rejection.reason);
    const parsed = parseResponseHead(step.head, this.#s.owner.http.limits);
    if (!parsed.ok) return invalidResponse(parsed.rejection.reason);
    const res = parsed.head;
    this.#held = res;
    this.#heldRaw = step.head;
    this.#heldRest = step.rest;
    this.#heldRequestDone = requestDone;
    if (this.#be!.retryOn.statuses.has(res.status)) return "retry-status";
    return this.proceed();
  }

  /** The status of the response held is the response (no retry took it over): go on with it. */
  proceed(): ResponseStep {
    const res = this.#held!, raw = this.#heldRaw, rest = this.#heldRest;
    const requestDone = this.#heldRequestDone;
    // nothing of the response's bytes stays referenced once they are written
    this.#held = null;
    this.#heldRaw = this.#heldRest = EMPTY;
    const s = this.#s, req = this.#req, be = this.#be!;
    this.#server?.observer?.status(res.status);
    if (res.status >= 100 && res.status < 200 && res.status !== 101) {
      this.#t.sendInterim(res, raw); // 100 Continue and friends, as they came
      return rest.length > 0 ? this.onResponseHeadBytes(rest, requestDone) : "more";
    }
    if (res.status === 101 && !this.#upgrade) return badFraming(UNASKED_101);
    this.#tresp = now() - this.#sentAt;
    this.status = res.status;
    const switching = (res.status === 101 && this.#upgrade) ||
      (req.method === "CONNECT" && res.status >= 200 && res.status < 300);
    const framing = responseFraming(res, req.method);
    if (!framing.ok) return badFraming(framing.rejection.reason);
    if (be.stick?.storesResponse && this.#server !== null) {
      // stick store-response (before the response rules, as HAProxy's): stored at once
      this.#ctx!.res = res;
      be.stick.onResponse(this.#ctx!, this.#server.id);
    }
    if (this.#ctx !== null) {
      // phase "http-response-rules", after the framing: a set-status cannot change how the body
      // the server sends is delimited; the backend's rules first, then the frontend's (HAProxy's)
      const own = s.owner.backendRules(be.name)?.response;
      const denied = (own && runResponseRules(own, this.#ctx, req, res)) ||
        runResponseRules(s.owner.rules?.response ?? [], this.#ctx, req, res);
      if (denied) {
        return failure("proxy", "http-response-rules", {
          status: denied.status,
          reason: denied.reason,
        });
      }
      this.status = res.status;
    }
    const persist = be.cookie;
    if (persist !== null && this.#server !== null) {
      writePersistCookie(persist, this.#server, this.#cookieHad, req.method, res.headers);
    }
    // a body delimited by the close, a response before the whole request, a soft stop: the last one
    if (framing.framing.type === "close" || !requestDone || s.stopping) this.#keepClient = false;
    this.#serverKeepAlive = !switching && framing.framing.type !== "close" &&
      serverKeepsAlive(res, s.owner.http.connectionMode);
    this.#enc = this.#zip?.respond(req, res, this) ?? null;
    if (switching) {
      this.#head(res, true, rest);
      return "tunnel";
    }
    this.#body = new BodyMeter(framing.framing, "response");
    const n = this.#body.feed(rest);
    if (typeof n !== "number") {
      return failure("server-abort", "forward-response", {
        status: 502,
        reason: n.reason,
        observe: "junk",
      });
    }
    if (this.#enc === null) this.#head(res, false, n === rest.length ? rest : rest.subarray(0, n));
    else {
      this.#head(res, false, EMPTY);
      this.#enc.write(rest.subarray(0, n));
    }
    return this.#body.done ? "complete" : "forward";
  }

  /** Phase "forward-response": the body's bytes, as they came (or through the compressor). */
  forwardResponseBody(chunk: Uint8Array): "more" | "complete" | Failure {
    const n = this.#body!.feed(chunk);
    if (typeof n !== "number") return BAD_BODY;
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (this.#enc !== null) this.#enc.write(body);
    else this.#write(body);
    return this.#body!.done ? "complete" : "more";
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

  #head(res: ResponseHead, switching: boolean, body: Uint8Array): void {
    if (!this.#t.sendHead(res, this.#keepClient, switching, body)) this.#t.serverSocket?.pause();
  }

  // CompressorIo: what the response body's compressor (src/proxy/http_compress.ts) uses
  write(bytes: Uint8Array): boolean {
    return this.#t.sendToClient(bytes);
  }

  server(): Socket | null {
    return this.#t.serverSocket;
  }

  failed(err: Error): void {
    this.#t.compressorFailed(err);
  }
}

const EMPTY = new Uint8Array(0);
const UNASKED_101 = "101 Switching Protocols without an upgrade request";

/** A head that parses but cannot be forwarded (`SH`, 502; not retried, as HAProxy). */
function badFraming(reason: string): Failure {
  return failure("server-abort", "wait-response", { status: 502, reason, observe: "junk" });
}

/** A body the server broke after its head went out (`SD`): the client's response is cut. */
const BAD_BODY = failure("server-abort", "forward-response");
