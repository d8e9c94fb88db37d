/** Where a transaction's response goes: the interface an HTTP/1 connection and an HTTP/2 stream both implement. */
import type { RequestHead, ResponseHead } from "../../http1/types.ts";

/**
 * The client side of one transaction. The transaction hands it the response as a head, body bytes
 * and (through `transactionDone`) its end; an HTTP/1 connection writes bytes (the head and the
 * first body bytes in one write), an HTTP/2 stream turns them into HEADERS and DATA frames.
 */
export interface ClientSide {
  /** A whole response of the proxy's own (a rule's return or redirect, a service's answer), as HTTP/1.1 bytes. */
  answer(bytes: Uint8Array): void;
  /** A 1xx interim response, `raw` as the server sent it. */
  interim(res: ResponseHead, raw: Uint8Array): void;
  /**
   * The final response head (after the response rules and compression's rewrite) and the first
   * body bytes, framed as that head says; `keepAlive`: the connection stays open after it,
   * `switching`: a 101 or CONNECT answer (a tunnel follows). False: congested, wait for the drain.
   */
  head(
    res: ResponseHead,
    req: RequestHead,
    keepAlive: boolean,
    switching: boolean,
    body: Uint8Array,
  ): boolean;
  /** Bytes of the last head written, for the log (HTTP/2: the size it would have in HTTP/1.1). */
  readonly headBytes: number;
  /** Body bytes, framed as the head said; false: congested, wait for the drain. */
  body(bytes: Uint8Array): boolean;
}
