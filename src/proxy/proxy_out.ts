/** PROXY protocol out (send-proxy, send-proxy-v2): the header a new server connection starts with. */
import { buildProxyV1, buildProxyV2, type ProxyV2Fields } from "../proxy_protocol/mod.ts";

/** What a header sent to a server tells about the client's connection (a session's `client`). */
export interface ClientConnection {
  /** The client (src) and the address it connected to (dst): an accepted PROXY header's, else the socket's. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The client connection's ALPN protocol, when known (a received v2 header's; TLS's once terminated). */
  readonly alpn?: string | undefined;
  /** The authority the client asked for, when known (a received v2 header's; TLS SNI once terminated). */
  readonly authority?: string | undefined;
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
  if (client.alpn) tlvs.alpn = client.alpn;
  const authority = client.authority;
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
