/**
 * @module
 * The PROXY protocol codec (HAProxy's proxy-protocol.txt, versions 1 and 2): pure functions over
 * Uint8Array, no sockets. parseProxyHeader reads the header at the start of a connection, whichever
 * version the first bytes announce; buildProxyV1/buildProxyV2 write one for a server.
 *
 * @example
 * ```ts
 * const r = parseProxyHeader(firstBytes, { v1: true, v2: true });
 * if (r.kind === "ok") {
 *   const payload = firstBytes.subarray(r.length); // what the client sent after the header
 *   console.log(r.header.src, r.header.srcPort);
 * } else if (r.kind === "error") console.log(r.reason); // close the connection
 * // "incomplete": read more bytes and call again with all of them
 * ```
 */
import { NOT_A_HEADER, parseProxyV1, type ProxyParse } from "./v1.ts";
import { parseProxyV2, PROXY_V2_SIGNATURE } from "./v2.ts";

export {
  buildProxyV1,
  normalizeIpv6,
  parseProxyV1,
  PROXY_V1_MAX_LENGTH,
  type ProxyFamily,
  type ProxyHeader,
  type ProxyParse,
  type ProxyTlv,
  type ProxyV1Fields,
} from "./v1.ts";
export {
  buildProxyV2,
  crc32c,
  parseProxyV2,
  PP2_TYPE_ALPN,
  PP2_TYPE_AUTHORITY,
  PP2_TYPE_CRC32C,
  PP2_TYPE_NOOP,
  PROXY_V2_MAX_LENGTH,
  PROXY_V2_SIGNATURE,
  type ProxyV2Fields,
} from "./v2.ts";

/** Which versions a listener accepts; both by default. */
export interface ProxyVersions {
  v1?: boolean;
  v2?: boolean;
}

const V1_PREFIX = Uint8Array.from("PROXY ", (c) => c.charCodeAt(0));

/** Whether the first bytes of `buf` (as many as there are, up to `magic`'s length) are `magic`'s. */
function startsLike(buf: Uint8Array, magic: Uint8Array): boolean {
  for (let i = 0; i < Math.min(buf.length, magic.length); i++) {
    if (buf[i] !== magic[i]) return false;
  }
  return true;
}

/**
 * Reads the PROXY header at the start of `buf` (all bytes received so far on the connection).
 * "PROXY " starts a v1 line, the 12-byte signature a v2 header; anything else is refused as soon as
 * the bytes differ from both ("PRO" is still incomplete). A version turned off in `opts` is refused
 * with a reason saying so (once the whole magic is there; before, as not a header). Never throws, whatever the bytes.
 */
export function parseProxyHeader(buf: Uint8Array, opts: ProxyVersions = {}): ProxyParse {
  const v1 = opts.v1 ?? true, v2 = opts.v2 ?? true;
  if (!v1 && !v2) return { kind: "error", reason: "PROXY protocol: both v1 and v2 are disabled" };
  if (buf.length === 0) return { kind: "incomplete" };
  if (startsLike(buf, V1_PREFIX)) {
    if (v1) return parseProxyV1(buf);
    if (buf.length < V1_PREFIX.length) return { kind: "error", reason: NOT_A_HEADER };
    return { kind: "error", reason: "PROXY v1 header refused: only v2 is accepted here" };
  }
  if (startsLike(buf, PROXY_V2_SIGNATURE)) {
    if (v2) return parseProxyV2(buf);
    if (buf.length < PROXY_V2_SIGNATURE.length) return { kind: "error", reason: NOT_A_HEADER };
    return { kind: "error", reason: "PROXY v2 header refused: only v1 is accepted here" };
  }
  return { kind: "error", reason: NOT_A_HEADER };
}
