/** The keys hash-based balancers read from a pick: client address, URI prefix, query parameter, header. */
import { LENIENT, parseIPv4 } from "../net/ip.ts";
import type { PickContext, PickHttp } from "./types.ts";

/** The client address to hash: IPv4-mapped IPv6 as plain IPv4, IPv6 in lower case; undefined when absent. */
export function sourceKey(ctx: PickContext | undefined): string | undefined {
  const src = ctx?.src;
  if (!src) return undefined;
  if (/^::ffff:/i.test(src)) {
    const quad = src.slice(7);
    if (parseIPv4(quad, LENIENT) !== null) return quad;
  }
  return src.toLowerCase();
}

/** The request target as sent, or rebuilt from path and query. */
export function targetOf(http: PickHttp): string {
  return http.target ?? (http.query === "" ? http.path : `${http.path}?${http.query}`);
}

/** What `balance uri` hashes; see `uriKey`. */
export interface UriOptions {
  /** Hash at most this many characters (0: no limit). */
  readonly len: number;
  /** Hash at most this many directories: stop before the (depth+1)th "/" (0: no limit). */
  readonly depth: number;
  /** Hash the query string too (by default the hash stops at "?"). */
  readonly whole: boolean;
  /** Start at the path: leave out the scheme and authority of an absolute URI. */
  readonly pathOnly: boolean;
}

/** HAProxy's get_server_uh: the target (or path), cut at `len` chars, at "?" unless whole, after `depth` dirs. */
export function uriKey(http: PickHttp, o: UriOptions): string {
  const uri = o.pathOnly
    ? (http.query === "" ? http.path : `${http.path}?${http.query}`)
    : targetOf(http);
  const limit = o.len > 0 ? Math.min(o.len, uri.length) : uri.length;
  let slashes = 0, end = 0;
  for (; end < limit; end++) {
    const c = uri.charCodeAt(end);
    if (c === 0x2f /* / */) {
      if (++slashes === o.depth + 1 && o.depth > 0) break;
    } else if (c === 0x3f /* ? */ && !o.whole) break;
  }
  return uri.slice(0, end);
}

/**
 * HAProxy's get_server_ph: the value of the first `name=` parameter of `query` (up to the next
 * "&", possibly ""), compared byte for byte without decoding; undefined when there is none.
 */
export function urlParam(query: string, name: string): string | undefined {
  if (name === "") return undefined;
  let at = 0;
  while (at <= query.length) {
    const amp = query.indexOf("&", at);
    const end = amp < 0 ? query.length : amp;
    if (
      end - at > name.length && query.charCodeAt(at + name.length) === 0x3d /* = */ &&
      query.startsWith(name, at)
    ) {
      return query.slice(at + name.length + 1, end);
    }
    if (amp < 0) return undefined;
    at = amp + 1;
  }
  return undefined;
}

/** The first comma-separated value of header `lname`, trimmed, as HAProxy looks one up; "" counts as none. */
export function headerKey(http: PickHttp, lname: string): string | undefined {
  const value = http.header(lname);
  if (value === undefined) return undefined;
  const comma = value.indexOf(",");
  const first = (comma < 0 ? value : value.slice(0, comma)).trim();
  return first === "" ? undefined : first;
}

/**
 * HAProxy's `use_domain_only`: the label before the last dot ("www.haproxy.org" gives "haproxy",
 * "haproxy.org" too); a value without a dot is kept whole.
 */
export function domainOnly(host: string): string {
  const last = host.lastIndexOf(".");
  if (last < 0) return host;
  return host.slice(host.lastIndexOf(".", last - 1) + 1, last);
}
