/** A server's TLS settings (HAProxy's `server ... ssl verify ca-file sni alpn crt check-ssl`), spread into serverSchema. */
import { z } from "zod";
import { FETCHES } from "../rules/mod.ts";
import { serverAlpnList } from "./alpn.ts";

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const STR_FETCH = /^str\(([^()]*)\)$/;

/**
 * A server's `sni` as written: a fixed name (a host name, or `str(NAME)` alone), or a sample
 * expression (HAProxy's `sni <expr>`) compiled by the config check and the plan (server_sni.ts).
 */
export type SniConfig = { kind: "literal"; name: string } | { kind: "expr"; text: string };

/**
 * Sorts an `sni` value: a host name that names no fetch (`api.example.com`, `localhost`) or
 * `str(host.name)` is a fixed name; anything else (`ssl_fc_sni`, `req.hdr(host),lower`) is an
 * expression, checked when it is compiled.
 */
export function parseSni(text: string): SniConfig {
  const t = text.trim();
  const str = STR_FETCH.exec(t)?.[1]?.trim();
  if (str !== undefined && HOST_NAME.test(str)) return { kind: "literal", name: str };
  if (HOST_NAME.test(t) && !FETCHES.has(t)) return { kind: "literal", name: t };
  return { kind: "expr", text: t };
}

const sni = z.string().min(1).transform(parseSni).meta({
  description: "The server name sent by SNI and, with verify required, checked against the " +
    "certificate: a host name, or a sample expression evaluated for each new connection " +
    "(HAProxy's sni <expr>: req.hdr(host), ssl_fc_sni, var(txn.sni), str(NAME), with " +
    "converters). A result with a port loses it; an empty result or an IP address sends no " +
    "SNI. Default: none (only the chain is verified).",
  examples: ["api.internal", "req.hdr(host)", "ssl_fc_sni", "req.hdr(host),field(1,:),lower"],
});

/** The TLS fields of a server entry. */
export const serverTlsFields = {
  ssl: z.boolean().optional().describe("Connect to this server over TLS (default false)."),
  verify: z.enum(["none", "required"]).optional().describe(
    "TLS to the server: required (default) refuses a certificate that does not chain to caFile " +
      "(or the system's CAs) or, with sni, does not match the name; none accepts any.",
  ),
  caFile: z.string().min(1).optional().describe(
    "PEM CA certificates the server's certificate must chain to (default: the system's).",
  ),
  sni: sni.optional(),
  alpn: serverAlpnList(
    "ALPN protocols offered to the server, e.g. [h2, http/1.1]: when the server picks h2, " +
      "requests go to it as HTTP/2 streams (as with proto h2), else as HTTP/1.1. Health " +
      "checks offer only http/1.1.",
  ).optional(),
  crt: z.string().min(1).optional().describe(
    "A PEM file with the client certificate (chain and key) presented when the server asks.",
  ),
  checkSsl: z.boolean().optional().describe(
    "Run health checks over TLS (check-ssl). Default: true for an ssl server whose checks go to " +
      "its own address and port, else false.",
  ),
};
