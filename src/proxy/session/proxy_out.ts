/** PROXY protocol out (send-proxy, send-proxy-v2): the header a new server connection starts with. */
import { buildProxyV1, buildProxyV2, type ProxyV2Fields } from "../../proxy_protocol/mod.ts";

/** What a header sent to a server tells about the client's connection (a session's `client`). */
export interface ClientConnection {
  /** The client (src) and the address it connected to (dst): the accepted PROXY header's or own. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** ALPN and AUTHORITY from a received v2 header (ProxiedSocket); they win over `tls`'s. */
  readonly alpn?: string | undefined;
  readonly authority?: string | undefined;
  /** A terminated TLS connection's facts: its SNI is the authority, and its ALPN protocol. */
  readonly tls?:
    | { readonly sni?: string | undefined; readonly alpn?: string | undefined }
    | undefined;
}

/** HAProxy refuses a whole header whose AUTHORITY is longer; such a value is left out instead. */
const AUTHORITY_MAX = 255;
const utf8 = new TextEncoder();

/**
 * The PROXY header for a new connection to a server with `version` 1 (send-proxy) or 2
 * (send-proxy-v2); null for 0. TCP4 when both addresses are IPv4 (v4-mapped IPv6 unmapped), else
 * TCP6, as HAProxy's make_proxy_line; addresses that are not IP (none here, but a runtime could
 * give a path) make "PROXY UNKNOWN" / an UNSPEC v2 header, which tells the receiver to use the
 * connection's own. v2 adds PP2_TYPE_ALPN and PP2_TYPE_AUTHORITY when the client's connection
 * knows them; the HTTP Host is not an authority in this sense and is never sent.
 */
export function proxyHeaderFor(version: 0 | 1 | 2, client: ClientConnection): Uint8Array | null {
  if (version === 0) return null;
  const addresses = {
    src: client.remoteAddress,
    srcPort: client.remotePort,
    dst: client.localAddress,
    dstPort: client.localPort,
  };
  if (version === 1) {
    try {
      return buildProxyV1({ family: "tcp4", ...addresses });
    } catch {
      return buildProxyV1({ family: "unknown" });
    }
  }
  const tlvs: { alpn?: string; authority?: string } = {};
  const alpn = client.alpn ?? client.tls?.alpn;
  if (alpn) tlvs.alpn = alpn;
  const authority = client.authority ?? client.tls?.sni;
  if (authority && utf8.encode(authority).length <= AUTHORITY_MAX) tlvs.authority = authority;
  // a TLV too long to send (an ALPN relayed from a big received header) is dropped, not the header
  const tries: ProxyV2Fields[] = [
    { family: "tcp4", ...addresses, ...tlvs },
    { family: "unknown", ...tlvs },
    { family: "tcp4", ...addresses },
  ];
  for (const fields of tries) {
    try {
      return buildProxyV2(fields);
    } catch {
      // the next, plainer header
    }
  }
  return buildProxyV2({ family: "unknown" });
}
