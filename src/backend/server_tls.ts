/** TLS to a server: its settings as loaded at start, and the client options of one connection (SNI per request). */
import type { PickContext } from "../lb/types.ts";
import type { TlsClientOptions, TlsSessionCache } from "../runtime/types.ts";

/** What `sni` sends: a fixed name, or a header of the request (HAProxy's `sni req.hdr(host)`). */
export type SniSpec = { kind: "literal"; name: string } | { kind: "header"; name: string };

/** A server's TLS settings with files already read. */
export interface ServerTls {
  readonly verify: "none" | "required";
  /** PEM CA certificates; absent: the system's. */
  readonly ca?: string | undefined;
  readonly alpn?: readonly string[] | undefined;
  /** Client certificate chain and key (PEM), when configured. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly sni: SniSpec | null;
}

/** The name a header gives: the Host field without its port ("[::1]:8443" → "::1"). */
function hostOf(value: string): string {
  const v = value.trim();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  const colon = v.lastIndexOf(":");
  return colon > 0 && v.indexOf(":") === colon ? v.slice(0, colon) : v;
}

/** The server name of a connection made for `ctx` (a request's header, or the fixed name). */
export function serverName(tls: ServerTls, ctx?: Omit<PickContext, "exclude">): string | undefined {
  const sni = tls.sni;
  if (sni === null) return undefined;
  if (sni.kind === "literal") return sni.name;
  const value = ctx?.http?.header(sni.name);
  return value ? hostOf(value) || undefined : undefined;
}

/** True when connections to this server may carry different names (not to be shared by requests). */
export function sniVaries(tls: ServerTls | null): boolean {
  return tls?.sni?.kind === "header";
}

/** The runtime's client options for one connection; `sessions`: the server's resumption cache, if any. */
export function clientTls(
  tls: ServerTls,
  sessions: TlsSessionCache | undefined,
  ctx?: Omit<PickContext, "exclude">,
): TlsClientOptions {
  const servername = serverName(tls, ctx);
  return {
    verify: tls.verify,
    ...(servername ? { servername } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.alpn?.length ? { alpn: tls.alpn } : {}),
    ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
    // a session is tied to the name it was made for: only a fixed name shares one cache
    ...(sessions && tls.sni?.kind !== "header" ? { sessions } : {}),
  };
}
