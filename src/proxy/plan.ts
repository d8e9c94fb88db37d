/** Turns a validated config into the proxy's plan: defaults merged, addresses and servers flattened. */
import { type Config, effective } from "../config/mod.ts";
import type { ProxyPlan } from "./proxy.ts";

export function planFromConfig(config: Config): ProxyPlan {
  const eff = effective(config);
  return {
    maxconn: eff.global.maxconn,
    hardStopAfter: eff.global.hardStopAfter,
    frontends: eff.frontends.map((f) => ({
      name: f.name,
      binds: f.bind.map((a) => ({ host: a.host, port: a.port })),
      maxconn: f.maxconn,
      clientTimeout: f.timeout.client,
      defaultBackend: f.defaultBackend,
    })),
    backends: eff.backends.map((b) => ({
      name: b.name,
      mode: b.mode,
      balance: b.balance,
      retries: b.retries,
      connectTimeout: b.timeout.connect,
      serverTimeout: b.timeout.server,
      servers: b.servers.map((s) => ({
        name: s.name,
        host: s.address.host,
        port: s.address.port,
        weight: s.weight,
        maxconn: s.maxconn,
        backup: s.backup,
        disabled: s.disabled,
      })),
    })),
  };
}
