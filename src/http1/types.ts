/** The HTTP/1.1 codec's shapes: parsed heads, limits, verdicts and body framing. Pure data, no sockets. */

/** Header fields in arrival order, names as sent (case kept); lookups are case-insensitive. */
export interface HeaderField {
  /** The name exactly as sent, e.g. "Content-Type". */
  name: string;
  /** The name lower-cased, for matching. */
  lname: string;
  /** The value with leading/trailing spaces and tabs removed. */
  value: string;
  /**
   * Parsed fields only: where the line (CRLF included) is in the head's `raw.bytes`, when writing
   * `name: value` again would give the same bytes (else -1), and the value as parsed; while `value`
   * is still that string, the serializer copies the line instead of writing it again.
   */
  at?: number;
  end?: number;
  src?: string;
}

/** A parsed request head's bytes as received, and its start line's parts as parsed (see `serialize.ts`). */
export interface RawRequest {
  readonly bytes: Uint8Array;
  /** End of the request line with its CRLF when it is written as it came; 0 otherwise (e.g. `HTTP/1.2`). */
  readonly lineEnd: number;
  readonly method: string;
  readonly target: string;
  readonly minor: 0 | 1;
}

/** A parsed response head's bytes as received, and its status line's parts as parsed. */
export interface RawResponse {
  readonly bytes: Uint8Array;
  /** End of the status line with its CRLF when it is written as it came; 0 otherwise (e.g. `HTTP/1.1 200`). */
  readonly lineEnd: number;
  readonly status: number;
  readonly reason: string;
  readonly minor: 0 | 1;
}

export interface RequestHead {
  readonly kind: "request";
  method: string;
  /** The request target as sent: origin-form "/p?q", absolute-form "http://h/p", authority-form "h:443", or "*". */
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and for HTTP/2, whose semantics are HTTP/1.1's). */
  minor: 0 | 1;
  /** The client's protocol: 1 (HTTP/1.x, see `minor`) or 2 (HTTP/2: the log's "HTTP/2.0", `req.ver`). */
  version: 1 | 2;
  headers: HeaderField[];
  /** Bytes of the whole head, request line to the empty line included (HTTP/2: the decoded section's size). */
  headLength: number;
  /** HTTP/2's `:scheme`; absent for HTTP/1 (the connection says it). */
  scheme?: string;
  /** HTTP/1: the bytes it came in, so unchanged parts are forwarded as they are. */
  raw?: RawRequest;
}

export interface ResponseHead {
  readonly kind: "response";
  minor: 0 | 1;
  status: number;
  reason: string;
  headers: HeaderField[];
  headLength: number;
  /** The bytes it came in, so unchanged parts are forwarded as they are. */
  raw?: RawResponse;
}

/** Limits applied while parsing a head (HAProxy's tune.bufsize / tune.http.maxhdr). */
export interface HeadLimits {
  /** Longest request line (method, target, version) in bytes; over it: 414. Default 8192. */
  maxRequestLine: number;
  /** Longest whole head in bytes; over it: 431 for requests (502 for responses). Default 16384. */
  maxHead: number;
  /**
   * Most header fields; over it: 431. Default 100. HAProxy's tune.http.maxhdr N admits N-1 fields
   * (a slot ends the list), so maxHeaders N is tune.http.maxhdr N+1.
   */
  maxHeaders: number;
}

export const DEFAULT_LIMITS: HeadLimits = { maxRequestLine: 8192, maxHead: 16384, maxHeaders: 100 };

/** Why a message was refused: the status to answer with and a short reason for the log. */
export interface Rejection {
  /** 505: a request whose HTTP major version is not 1 (e.g. "HTTP/2.0"). */
  status: 400 | 413 | 414 | 431 | 501 | 502 | 505;
  reason: string;
}

export type HeadResult<H> =
  | { ok: true; head: H }
  | { ok: false; rejection: Rejection };

/**
 * How a message body is delimited (RFC 9112 §6):
 * none (no body), length (Content-Length bytes), chunked, or close (response read until the server closes).
 */
export type BodyFraming =
  | { type: "none" }
  | { type: "length"; length: number }
  | { type: "chunked" }
  | { type: "close" };
