/** TLS fetches of the client connection (HAProxy's ssl_fc_* and ssl_c_*), read from the handshake's facts. */
import {
  defineFetch,
  type FetchDef,
  type SampleType,
  type TlsSample,
  type Value,
} from "../types.ts";

/** A fetch of the client's TLS: no value on a plain connection (or when `read` finds none). */
function tlsFetch(name: string, type: SampleType, read: (t: TlsSample) => Value | undefined) {
  return defineFetch({
    name,
    args: [],
    type,
    needs: "l4",
    fetch: (ctx) => (ctx.tls === undefined ? undefined : read(ctx.tls)),
  });
}

/** Connection-level TLS fetches: available to tcp-request and http-request rules alike. */
export const SSL_FETCHES: readonly FetchDef[] = [
  defineFetch({
    name: "ssl_fc",
    args: [],
    type: "bool",
    needs: "l4",
    fetch: (ctx) => ctx.tls !== undefined,
  }),
  tlsFetch("ssl_fc_has_sni", "bool", (t) => t.sni !== undefined),
  tlsFetch("ssl_fc_sni", "str", (t) => t.sni),
  tlsFetch("ssl_fc_alpn", "str", (t) => t.alpn),
  tlsFetch("ssl_fc_protocol", "str", (t) => t.protocol || undefined),
  tlsFetch("ssl_fc_cipher", "str", (t) => t.cipher || undefined),
  // as HAProxy: false / 0 on a TLS connection where no certificate was asked for or sent
  tlsFetch("ssl_c_used", "bool", (t) => t.clientCert?.used ?? false),
  tlsFetch("ssl_c_verify", "int", (t) => t.clientCert?.verify ?? 0),
  tlsFetch("ssl_c_s_dn", "str", (t) => t.clientCert?.subjectDN),
];
