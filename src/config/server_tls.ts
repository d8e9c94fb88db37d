/** A server's TLS settings (HAProxy's `server ... ssl verify ca-file sni alpn crt check-ssl`), spread into serverSchema. */
import { z } from "zod";
import type { SniSpec } from "../backend/server_tls.ts";
import { orThrow, parsing } from "./fields.ts";

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const HEADER_FETCH = /^(?:req\.)?hdr\(\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*\)$/;
const STR_FETCH = /^str\(([^()]*)\)$/;

/** Parses an `sni` value; returns an error message when it is neither form. */
export function parseSni(text: string): { ok: true; sni: SniSpec } | { ok: false; error: string } {
  const t = text.trim();
  const header = HEADER_FETCH.exec(t);
  if (header) return { ok: true, sni: { kind: "header", name: header[1]!.toLowerCase() } };
  const literal = STR_FETCH.exec(t)?.[1] ?? t;
  if (HOST_NAME.test(literal)) return { ok: true, sni: { kind: "literal", name: literal } };
  return {
    ok: false,
    error: `expected a host name (api.example.com, or str(api.example.com)) or req.hdr(NAME), ` +
      `got "${text}"`,
  };
}

const sni = z.string().transform(parsing((value: string) => orThrow(parseSni(value)).sni)).meta({
  description: "The server name sent by SNI and, with verify required, checked against the " +
    "certificate: a host name, or req.hdr(host) to send the request's Host (its port removed). " +
    "Default: none (only the chain is verified).",
  examples: ["api.internal", "req.hdr(host)"],
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
  alpn: z.array(z.string().min(1).max(255)).optional().describe(
    "ALPN protocols offered to the server, e.g. [http/1.1].",
  ),
  crt: z.string().min(1).optional().describe(
    "A PEM file with the client certificate (chain and key) presented when the server asks.",
  ),
  checkSsl: z.boolean().optional().describe(
    "Run health checks over TLS (check-ssl). Default: true for an ssl server whose checks go to " +
      "its own address and port, else false.",
  ),
};
