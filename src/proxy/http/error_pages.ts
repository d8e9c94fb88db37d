/** The proxy's own HTTP responses (400, 403, 404, 408, 500, 502, 503, 504 ...), HAProxy-like, overridable by errorfiles. */
import { messageReason } from "../../http1/reasons.ts";
import { encodeLatin1 } from "../../http1/serialize.ts";

/** The statuses the proxy words itself; any other says "Unknown" on its default page. */
// deno-fmt-ignore
const WORDED = new Set([
  200, 400, 401, 403, 404, 405, 408, 413, 414, 421, 425, 429, 431, 500, 501, 502, 503, 504, 505,
]);

const MESSAGES: Record<number, string> = {
  400: "Your browser sent an invalid request.",
  403: "Request forbidden by administrative rules.",
  404: "The requested URL was not found.",
  408: "Your browser didn't send a complete request in time.",
  413: "The request body is too large.",
  414: "The request line is too long.",
  429: "You have sent too many requests in a given amount of time.",
  431: "The request header fields are too large.",
  500: "An internal server error occurred.",
  501: "The request uses something this server does not implement.",
  502: "The server returned an invalid or incomplete response.",
  503: "No server is available to handle this request.",
  504: "The server didn't respond in time.",
};

/** The reason phrase of the proxy's own response with `status` (HAProxy's error pages' words). */
export function reasonPhrase(status: number): string {
  return (WORDED.has(status) ? messageReason(status) : undefined) ?? "Unknown";
}

/** The default page for `status`: a complete HTTP/1.1 response that closes the connection. */
export function defaultErrorResponse(status: number, keepAlive = false): Uint8Array {
  const reason = reasonPhrase(status);
  const body = `<html><body><h1>${status} ${reason}</h1>\n${
    MESSAGES[status] ?? reason
  }\n</body></html>\n`;
  return encodeLatin1(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${body.length}\r\ncache-control: no-cache\r\n` +
      `content-type: text/html\r\n${keepAlive ? "" : "connection: close\r\n"}\r\n${body}`,
  );
}

/**
 * The error responses of one frontend: defaults, replaced by files that hold a whole HTTP response
 * (status line, headers, body) like HAProxy's errorfiles.
 */
export class ErrorPages {
  #pages = new Map<number, Uint8Array>();
  #kept = new Map<number, Uint8Array>();
  #files: ReadonlySet<number>;

  constructor(files: ReadonlyMap<number, Uint8Array> = new Map()) {
    for (const [status, bytes] of files) this.#pages.set(status, bytes);
    this.#files = new Set(files.keys());
  }

  get(status: number): Uint8Array {
    let page = this.#pages.get(status);
    if (!page) this.#pages.set(status, page = defaultErrorResponse(status));
    return page;
  }

  /**
   * The page for a denial that keeps the connection (HAProxy keeps a keep-alive client's connection
   * after `deny`): the default page without `connection: close`; null for an errorfile, whose
   * bytes are written as they are and close.
   */
  kept(status: number): Uint8Array | null {
    if (this.#files.has(status)) return null;
    let page = this.#kept.get(status);
    if (!page) this.#kept.set(status, page = defaultErrorResponse(status, true));
    return page;
  }
}
