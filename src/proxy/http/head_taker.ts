/** A server socket that takes the request as its parsed head beside the bytes (an HTTP/2 stream: no reparse of what the transaction serialized). */
import type { RequestHead } from "../../http1/types.ts";
import type { Socket } from "../../runtime/types.ts";

/**
 * `takeHead(req, length)` comes right before the `write` whose first `length` bytes are `req`
 * serialized: the socket uses `req` (the head as sent, after the hop-by-hop cleanup and the added
 * fields) and skips those bytes instead of parsing them back.
 */
export interface HeadTaker {
  takeHead(req: RequestHead, length: number): void;
}

/** Whether `sock` takes parsed heads (a plain connection does not: it gets bytes only). */
export function takesHead(sock: Socket): sock is Socket & HeadTaker {
  return typeof (sock as Partial<HeadTaker>).takeHead === "function";
}
