/** The port a Bun listener is bound to, also when it was adopted by fd (Bun then reports none). */
import type { BunTcpListener } from "./bun_api.ts";

export function boundPort(l: BunTcpListener): number {
  if (l.port !== undefined) return l.port;
  const out: { port?: number } = {};
  l.getsockname(out);
  return out.port ?? 0;
}
