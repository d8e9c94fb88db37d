/** Frontends and backends with the `defaults` section merged in: every setting definite. */
import type { BalanceName } from "../lb/registry.ts";
import type { Address } from "./address.ts";
import type { Config, Mode, ServerConfig } from "./schema.ts";

/** A frontend as the proxy runs it. */
export interface EffectiveFrontend {
  name: string;
  bind: Address[];
  mode: Mode;
  defaultBackend: string;
  maxconn: number;
  timeout: { client: number };
}

/** A backend as the proxy runs it; durations in milliseconds. */
export interface EffectiveBackend {
  name: string;
  mode: Mode;
  balance: BalanceName;
  retries: number;
  timeout: { connect: number; server: number };
  servers: ServerConfig[];
}

/** The whole config with defaults merged, frontends and backends in file order. */
export interface EffectiveConfig {
  global: { maxconn: number; hardStopAfter: number };
  frontends: EffectiveFrontend[];
  backends: EffectiveBackend[];
}

/**
 * The frontend `name` with defaults merged.
 * @throws {TypeError} when there is no such frontend or it lacks a defaultBackend (a config that
 * passed `loadConfigFile` always has one).
 */
export function effectiveFrontend(config: Config, name: string): EffectiveFrontend {
  const fe = config.frontends[name];
  if (!fe) throw new TypeError(`effectiveFrontend: no frontend named "${name}"`);
  if (fe.defaultBackend === undefined) {
    throw new TypeError(`effectiveFrontend: frontend "${name}" has no defaultBackend`);
  }
  const d = config.defaults;
  return {
    name,
    bind: fe.bind,
    mode: fe.mode ?? d.mode,
    defaultBackend: fe.defaultBackend,
    maxconn: fe.maxconn ?? d.maxconn,
    timeout: { client: fe.timeout?.client ?? d.timeout.client },
  };
}

/**
 * The backend `name` with defaults merged.
 * @throws {TypeError} when there is no such backend.
 */
export function effectiveBackend(config: Config, name: string): EffectiveBackend {
  const be = config.backends[name];
  if (!be) throw new TypeError(`effectiveBackend: no backend named "${name}"`);
  const d = config.defaults;
  return {
    name,
    mode: be.mode ?? d.mode,
    balance: be.balance ?? d.balance,
    retries: be.retries ?? d.retries,
    timeout: {
      connect: be.timeout?.connect ?? d.timeout.connect,
      server: be.timeout?.server ?? d.timeout.server,
    },
    servers: be.servers,
  };
}

/**
 * Every frontend and backend with defaults merged.
 *
 * @example
 * ```ts
 * const { frontends } = effective(config);
 * for (const fe of frontends) console.log(fe.name, fe.mode, fe.timeout.client);
 * ```
 */
export function effective(config: Config): EffectiveConfig {
  return {
    global: { ...config.global },
    frontends: Object.keys(config.frontends).map((n) => effectiveFrontend(config, n)),
    backends: Object.keys(config.backends).map((n) => effectiveBackend(config, n)),
  };
}
