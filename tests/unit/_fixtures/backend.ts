/** A Backend for unit tests: HTTP, roundrobin, 1 s timeouts, no retries and no pool unless asked; servers on 127.0.0.1. */
import { Backend, type BackendOptions } from "../../../src/backend/backend.ts";
import type { ServerOptions } from "../../../src/backend/server.ts";

/** A server as a test writes it: name and weight default to `s<N>` and 1, the address to 127.0.0.1:9000+i. */
export type TestServer = Partial<ServerOptions>;

/**
 * `testBackend({ retries: 2, servers: [{ weight: 4 }] })`: a backend named "app" with the options
 * given and the defaults for the rest; server i listens (nowhere) on 127.0.0.1, port 9000 + i.
 */
export function testBackend(
  o: Partial<Omit<BackendOptions, "servers">> & { servers?: TestServer[] } = {},
): Backend {
  const { servers = [{}], ...rest } = o;
  return new Backend({
    name: "app",
    mode: "http",
    balance: { name: "roundrobin" },
    hashType: "map-based",
    hashBalanceFactor: 0,
    retries: 0,
    connectTimeout: 1000,
    serverTimeout: 1000,
    poolMaxConn: 0,
    poolPurgeDelay: 1000,
    ...rest,
    servers: servers.map((s, i) => ({
      name: `s${i + 1}`,
      host: "127.0.0.1",
      port: 9000 + i,
      weight: 1,
      ...s,
    })),
  });
}
