/** TLS to a server: its settings as loaded at start, and the client options of one connection (SNI per connection). */
import type { SampleContext } from "../rules/types.ts";
import type { TlsClientOptions, TlsSessionCache } from "../runtime/types.ts";

/**
 * What `sni` sends: a fixed name, or a sample expression evaluated against the connection's rules
 * context when a server connection opens (HAProxy's `sni <expr>`, compiled by config/server_sni.ts).
 */
export type SniSpec =
  | { kind: "literal"; name: string }
  | { kind: "expr"; text: string; value(ctx: SampleContext): unknown };

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

/** A name as a Host field gives it: without its port ("[::1]:8443" → "::1", "a.example:80" → "a.example"). */
function hostOf(value: string): string {
  const v = value.trim();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  const colon = v.lastIndexOf(":");
  return colon > 0 && v.indexOf(":") === colon ? v.slice(0, colon) : v;
}

/**
 * The server name of a connection made for `ctx`: the fixed name, or the expression's value
 * (a port removed; empty or absent: no SNI). Without a context (health checks) an expression
 * gives none.
 */
export function serverName(tls: ServerTls, ctx?: () => SampleContext): string | undefined {
  const sni = tls.sni;
  if (sni === null) return undefined;
  if (sni.kind === "literal") return sni.name;
  if (ctx === undefined) return undefined;
  const value = sni.value(ctx());
  if (value === undefined || value === null) return undefined;
  const text = typeof value === "string"
    ? value
    : ArrayBuffer.isView(value)
    ? new TextDecoder().decode(value)
    : String(value);
  return hostOf(text) || undefined;
}

/** True when connections to this server may carry different names (not to be shared by requests). */
export function sniVaries(tls: ServerTls | null): boolean {
  return tls?.sni?.kind === "expr";
}

/** The runtime's client options for one connection; `sessions`: the server's resumption cache, if any. */
export function clientTls(
  tls: ServerTls,
  sessions: TlsSessionCache | undefined,
  ctx?: () => SampleContext,
): TlsClientOptions {
  const servername = serverName(tls, ctx);
  return {
    verify: tls.verify,
    ...(servername ? { servername } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.alpn?.length ? { alpn: tls.alpn } : {}),
    ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
    // a session is tied to the name it was made for: only a fixed name shares one cache
    ...(sessions && !sniVaries(tls) ? { sessions } : {}),
  };
}
