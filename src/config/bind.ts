/** A frontend's bind entries: `"host:port"`, or an object adding TLS termination and PROXY protocol (accept-proxy); one string alone is a list of one. */
import { z } from "zod";
import type { Address } from "./address.ts";
import { alpnList } from "./alpn.ts";
import { address } from "./fields.ts";

const bindAddress = address("bind", "host:port to listen on; port 0 lets the OS choose.");

const certificate = z.union([
  z.string().min(1).describe(
    "A PEM file holding the certificate chain and its private key (HAProxy's crt), or a " +
      "directory of such files (every *.pem in it).",
  ),
  z.strictObject({
    cert: z.string().min(1).describe("PEM certificate chain file."),
    key: z.string().min(1).describe("PEM private key file."),
  }),
]);

const tlsVersion = z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);

/** TLS termination on a bind (HAProxy's `bind ... ssl crt ...`). */
export const tlsBindSchema = z.strictObject({
  certificates: z.array(certificate).min(1, "a TLS bind needs at least one certificate").describe(
    "Certificates offered by SNI: each certificate's names (subjectAltName DNS entries, else its " +
      "CN; wildcards too) select it; the first is the default for clients without a known name.",
  ),
  alpn: alpnList(
    "Protocols offered by ALPN in preference order (e.g. [h2, http/1.1]); rules see the " +
      "choice. On an HTTP frontend a connection that chose h2 speaks HTTP/2.",
  ).optional(),
  minVersion: tlsVersion.default("TLSv1.2").describe("Oldest TLS version accepted."),
  maxVersion: tlsVersion.optional().describe("Newest TLS version accepted."),
  ciphers: z.string().optional().describe("OpenSSL cipher list for TLS 1.2 and older."),
  strictSni: z.boolean().default(false).describe(
    "Refuse the handshake when the client's SNI matches no certificate (or is missing).",
  ),
  verify: z.enum(["none", "optional", "required"]).default("none").describe(
    "Client certificates: none (not asked), optional (asked, checked when sent), required.",
  ),
  caFile: z.string().optional().describe(
    "CA certificates (PEM) that client certificates must chain to.",
  ),
}).describe("TLS termination on this bind.");

const bindObject = z.strictObject({
  address: bindAddress,
  tls: tlsBindSchema.optional(),
  acceptProxy: z.boolean().default(false).describe(
    "Expect a PROXY protocol header (v1 or v2) before anything else (accept-proxy): src, logs " +
      "and rules then see the client behind the L4 balancer.",
  ),
});

export type TlsBindConfig = z.output<typeof tlsBindSchema>;

/** A bind after validation: where, and what the connection starts with. */
export interface BindConfig extends Address {
  tls?: TlsBindConfig | undefined;
  /** Present (true) only when the bind expects a PROXY protocol header. */
  acceptProxy?: true;
}

/** One bind entry: a "host:port" string, or `{ address, tls, acceptProxy }`. */
export const bindSchema = z.union([
  bindAddress.transform((a): BindConfig => a),
  bindObject.transform((b): BindConfig => ({
    ...b.address,
    ...(b.acceptProxy ? { acceptProxy: true as const } : {}),
    ...(b.tls ? { tls: b.tls } : {}),
  })),
]);

/** A frontend's `bind`: a list of entries, or one "host:port" string (a list of one). */
export const bindListSchema = z.union([
  bindAddress.transform((a): BindConfig[] => [a]),
  z.array(bindSchema).min(1, "a frontend needs at least one bind address"),
]).describe('Addresses to listen on: a list, or one "host:port".');
