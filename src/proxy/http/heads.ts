/** The heads tsproxy sends: hop-by-hop fields removed, connection handling and X-Forwarded-* added. */
import { addHeader, getHeader, hasToken, removeHopByHop, setHeader } from "../../http1/headers.ts";
import { serializeRequestHead, serializeResponseHead } from "../../http1/serialize.ts";
import type { RequestHead, ResponseHead } from "../../http1/types.ts";
import type { Socket } from "../../runtime/types.ts";
import type { HttpConnectionMode, HttpFrontendOptions } from "./options.ts";

const KEEP_UPGRADE = new Set(["upgrade"]);
/** Toward an HTTP/2 server `te` passes (its stream sends only `te: trailers`, which gRPC needs). */
const KEEP_TE = new Set(["te"]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * The request head for the server. Mutates `req.headers` (the transaction owns them). `toH2`: the
 * server speaks HTTP/2 (`te` is kept for its stream to pass on as `te: trailers`).
 */
export function buildRequestHead(
  s: { readonly client: Socket; readonly owner: { readonly http: HttpFrontendOptions } },
  req: RequestHead,
  upgrade: boolean,
  toH2 = false,
): Uint8Array {
  const h = req.headers, o = s.owner.http;
  removeHopByHop(h, upgrade ? KEEP_UPGRADE : toH2 ? KEEP_TE : undefined);
  if (upgrade) addHeader(h, "Connection", "upgrade");
  else if (o.connectionMode !== "http-keep-alive") addHeader(h, "Connection", "close");
  const ip = s.client.remoteAddress;
  const ff = o.forwardFor;
  if (ff && !(ff.except?.(ip) ?? false)) {
    const prior = getHeader(h, ff.header.toLowerCase());
    if (prior === undefined) addHeader(h, ff.header, ip);
    else setHeader(h, ff.header, `${prior}, ${ip}`);
  }
  if (o.forwardedProto) {
    setHeader(h, "X-Forwarded-Proto", s.client.tls ? "https" : "http");
    const host = getHeader(h, "host");
    if (host !== undefined) setHeader(h, "X-Forwarded-Host", host);
  }
  if (o.forwarded) {
    const host = getHeader(h, "host");
    const forIp = ip.includes(":") ? `"[${ip}]"` : ip;
    const proto = s.client.tls ? "https" : "http";
    addHeader(h, "Forwarded", `for=${forIp};proto=${proto}${host ? `;host="${host}"` : ""}`);
  }
  if (o.via) addHeader(h, "Via", `1.${req.minor} ${o.via}`);
  return serializeRequestHead(req);
}

/** The response head for the client, saying whether the connection stays open. Mutates `res.headers`. */
export function buildResponseHead(
  res: ResponseHead,
  req: RequestHead,
  keepAlive: boolean,
  switching: boolean,
): Uint8Array {
  const h = res.headers;
  removeHopByHop(h, switching ? KEEP_UPGRADE : undefined);
  if (switching) {
    if (res.status === 101) addHeader(h, "Connection", "upgrade");
  } else if (!keepAlive) addHeader(h, "Connection", "close");
  else if (req.minor === 0) addHeader(h, "Connection", "keep-alive");
  return serializeResponseHead(res);
}

/** Whether the client's connection stays open after this request (HTTP/1.1 unless "close"; 1.0 if "keep-alive"). */
export function clientKeepsAlive(req: RequestHead, mode: HttpConnectionMode): boolean {
  return mode !== "httpclose" &&
    (req.minor === 1
      ? !hasToken(req.headers, "connection", "close")
      : hasToken(req.headers, "connection", "keep-alive"));
}

/** Whether the request asks to switch protocols (Connection: upgrade with an Upgrade field). */
export function requestsUpgrade(req: RequestHead): boolean {
  return req.minor === 1 && hasToken(req.headers, "connection", "upgrade") &&
    getHeader(req.headers, "upgrade") !== undefined;
}

/** Whether the server's connection may go back to the pool after this response. */
export function serverKeepsAlive(res: ResponseHead, mode: HttpConnectionMode): boolean {
  return mode === "http-keep-alive" &&
    (res.minor === 1
      ? !hasToken(res.headers, "connection", "close")
      : hasToken(res.headers, "connection", "keep-alive"));
}

/** One buffer holding `parts` back to back. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
