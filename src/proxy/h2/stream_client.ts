/** An HTTP/2 stream seen as the "client socket" of its transaction: the connection's addresses and TLS facts, pause/resume of the request body. */
import type { Socket, SocketHandlers, TlsInfo } from "../../runtime/types.ts";

/** What the façade asks of its stream. */
export interface StreamControl {
  /** Hold the request body's DATA (their credit is not returned, so the client's window closes). */
  pauseRequest(): void;
  resumeRequest(): void;
  /** A whole HTTP/1.1 response written raw (not used by the transaction on HTTP/2; answered as such). */
  answer(bytes: Uint8Array): void;
  /** Ends the stream with RST_STREAM. */
  close(): void;
  readonly done: boolean;
}

/**
 * The transaction reads addresses and TLS facts from `client` and pauses/resumes it for
 * backpressure; on HTTP/2 those mean the connection's facts and the stream's request body.
 */
export class StreamClient implements Socket {
  readonly #conn: Socket;
  readonly #stream: StreamControl;

  constructor(conn: Socket, stream: StreamControl) {
    this.#conn = conn;
    this.#stream = stream;
  }

  get remoteAddress(): string {
    return this.#conn.remoteAddress;
  }
  get remotePort(): number {
    return this.#conn.remotePort;
  }
  get localAddress(): string {
    return this.#conn.localAddress;
  }
  get localPort(): number {
    return this.#conn.localPort;
  }
  get tls(): TlsInfo | undefined {
    return this.#conn.tls;
  }
  get pending(): number {
    return 0;
  }
  get closed(): boolean {
    return this.#stream.done;
  }
  setHandlers(_h: SocketHandlers): void {}
  write(chunk: Uint8Array): boolean {
    this.#stream.answer(chunk);
    return true;
  }
  pause(): void {
    this.#stream.pauseRequest();
  }
  resume(): void {
    this.#stream.resumeRequest();
  }
  shutdown(): void {}
  close(): void {
    this.#stream.close();
  }
  setNoDelay(_on: boolean): void {}
}
