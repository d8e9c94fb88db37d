/** The byte side of an HTTP transaction: the request body toward the server, the server connection's events, a tunnel's two ends. */
import type { Socket, SocketHandlers } from "../../runtime/types.ts";
import type { ClientSide } from "./client_side.ts";
import type { BodyMeter } from "./body_meter.ts";
import type { Timer } from "../session/timer.ts";
import type { HttpOwner } from "./options.ts";

/** What a transaction uses of its session (HttpSession): the client, the frontend, the timer, the connection's fate. */
export interface TransactionSession {
  readonly client: Socket;
  /** Where the response goes: the connection's bytes (HTTP/1) or the request's stream (HTTP/2). */
  readonly out: ClientSide;
  readonly owner: HttpOwner;
  readonly timer: Timer;
  /** Requests completed on this client connection. */
  readonly requests: number;
  /** The proxy is stopping: the current response is the connection's last. */
  readonly stopping: boolean;
  /** The connection's `sess.` variables. */
  readonly sessVars: Map<string, unknown>;
  /** Writes one of the proxy's own responses and closes once it is out; its size, for the log. */
  sendErrorAndClose(status: number): number;
  /** Bytes after a request's body (the next pipelined request), held until this one is answered. */
  transactionStash(chunk: Uint8Array): void;
  /** The transaction is over: keep the connection for the next request, or close it. */
  transactionDone(keepAlive: boolean): void;
  /** The connection switched protocols: bytes now flow raw both ways. */
  enterTunnel(): void;
  closeGracefully(): void;
  close(): void;
  /** Close the client connection with a reset (silent-drop), nothing more written. */
  reset(): void;
}

/** Where a transaction is: the phase its bytes belong to. */
export type TransactionState =
  | "connect"
  | "service"
  /** Held by http-request tarpit until timeout tarpit: the server is never contacted. */
  | "tarpit"
  | "send-request"
  | "wait-response"
  | "forward-response"
  | "tunnel"
  | "done";

/**
 * Feeds the request body to the server (held until connected, with backpressure), and routes the events of the transaction's server connection to its phases. Events of a connection
 * the transaction let go of (a retry closes it) are not its business, so each handler checks that
 * the socket is still the transaction's own.
 */
export abstract class TransactionSockets {
  protected readonly s: TransactionSession;
  protected readonly reqBody: BodyMeter;
  /** The server connection while the transaction holds one. */
  protected srv: Socket | null = null;
  protected clientEnded = false;
  protected state: TransactionState = "connect";
  /** Body bytes that came before the server connection, sent with the head. */
  protected pendingBody: Uint8Array[] = [];
  #serverEnded = false;

  constructor(session: TransactionSession, reqBody: BodyMeter) {
    this.s = session;
    this.reqBody = reqBody;
  }

  /** Takes the events of `sock`, the transaction's server connection from now. */
  protected listen(sock: Socket): void {
    this.srv = sock;
    sock.setHandlers(new TransactionSockets.#ServerEvents(this, sock));
  }

  /** The server socket's events while `sock` is the transaction's (one object, no closures). */
  static readonly #ServerEvents = class implements SocketHandlers {
    constructor(readonly t: TransactionSockets, readonly sock: Socket) {}
    data(chunk: Uint8Array): void {
      if (this.sock !== this.t.srv) return;
      this.t.s.timer.touchServer();
      this.t.serverData(chunk);
    }
    drain(): void {
      if (this.sock !== this.t.srv) return;
      this.t.s.timer.touchServer();
      this.t.serverDrained();
    }
    end(): void {
      if (this.sock === this.t.srv) this.t.serverEnded();
    }
    close(err?: Error): void {
      if (this.sock === this.t.srv) this.t.serverClosed(err);
    }
  };

  protected abstract serverData(chunk: Uint8Array): void;
  protected abstract serverDrained(): void;
  protected abstract serverEnded(): void;
  protected abstract serverClosed(err?: Error): void;
  /** Both ends of a tunnel are done. */
  protected abstract tunnelOver(): void;
  /** The client half-closed before its request body was whole. */
  protected abstract clientEndedMidRequest(): void;
  /** The request is whole and out: the server's turn. */
  protected abstract awaitResponse(): void;
  /** Body bytes for the local service that answers this request. */
  protected abstract serviceBody(body: Uint8Array): void;
  /** The request body broke its framing (status and reason for the answer). */
  protected abstract requestBodyInvalid(status: number, reason: string): void;

  /** Accepts request-body bytes while the body is incomplete; extra bytes go back to the session. */
  wantsRequestBytes(): boolean {
    return (!this.reqBody.done && this.state !== "tarpit") || this.state === "tunnel";
  }

  onClientData(chunk: Uint8Array): void {
    this.s.timer.touchClient();
    if (this.state === "tunnel") {
      if (!this.srv!.write(chunk)) this.s.client.pause();
      return;
    }
    this.takeRequestBytes(chunk);
  }

  /** Request body bytes: validated by the body meter, sent or held; what follows the body is stashed. */
  protected takeRequestBytes(chunk: Uint8Array): void {
    const n = this.reqBody.feed(chunk);
    if (typeof n !== "number") {
      // a malformed body: whatever part of the request already left is cut off with the server connection
      if (this.state === "connect") this.state = "done"; // not connected yet: nothing reached a server
      return this.requestBodyInvalid(n.status, n.reason);
    }
    const body = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (body.length > 0) this.#sendRequestBytes(body);
    if (this.reqBody.done && (this.state === "send-request" || this.state === "service")) {
      this.awaitResponse();
    }
    if (n < chunk.length) this.s.transactionStash(chunk.subarray(n));
  }

  #sendRequestBytes(body: Uint8Array): void {
    const srv = this.srv;
    if (srv === null || this.state === "connect") {
      if (this.state === "service") return this.serviceBody(body);
      this.pendingBody.push(body);
      this.s.client.pause();
      return;
    }
    if (!srv.write(body)) this.s.client.pause();
  }

  /** The server half-closed a tunnel: pass the FIN on; over once the client did too. */
  protected serverHalfClosedTunnel(): void {
    this.#serverEnded = true;
    this.s.client.shutdown();
    if (this.clientEnded) this.tunnelOver();
  }

  onClientEnd(): void {
    this.clientEnded = true;
    if (this.state === "tunnel") {
      this.srv?.shutdown();
      if (this.#serverEnded) this.tunnelOver();
      return;
    }
    if (!this.reqBody.done) this.clientEndedMidRequest();
  }
}
