/** TLS fetches of the client connection (HAProxy's ssl_fc_* and ssl_c_*), read from the handshake's facts. */
import { optIntArg } from "../_prepare.ts";
import {
  ArgumentError,
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
  defineFetch<{ entry: string | null; occ: number }>({
    name: "ssl_c_s_dn",
    args: ["entry?", "occ?"],
    type: "str",
    needs: "l4",
    prepare(args) {
      const occ = optIntArg(args[1], 1, "occurrence", 1);
      if (occ === 0) throw new ArgumentError(`occurrence must not be 0`, 1);
      return { entry: args[0] ? args[0].toUpperCase() : null, occ };
    },
    fetch: (ctx, a) => {
      const dn = ctx.tls?.clientCert?.subjectDN;
      return dn === undefined || a.entry === null ? dn : dnEntry(dn, a.entry, a.occ);
    },
  }),
];

/**
 * Entry `name` of a one-line DN ("/C=FR/O=Acme/CN=client1"), as HAProxy's ssl_c_s_dn(entry,occ):
 * the occ-th from the start (negative: from the end); undefined when there is none.
 */
export function dnEntry(dn: string, name: string, occ: number): string | undefined {
  const values: string[] = [];
  for (const part of dn.split("/")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).toUpperCase() === name) values.push(part.slice(eq + 1));
  }
  return occ > 0 ? values[occ - 1] : values[values.length + occ];
}
