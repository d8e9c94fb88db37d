/** Frontends and backends with the `defaults` section merged in: every setting definite. */
import type { BalanceName, BalanceSpec } from "../lb/registry.ts";
import type { HashFunction, HashType } from "../lb/types.ts";
import type { BindConfig } from "./bind.ts";
import { DEFAULT_RETRY_ON, type RetryOn } from "../backend/retry.ts";
import type { CookiePolicy } from "../backend/cookie.ts";
import type { HTTP_REUSE } from "../backend/pool.ts";
import type { BackendConfig, Config, Mode, ServerConfig } from "./schema.ts";

/** A frontend as the proxy runs it. */
export interface EffectiveFrontend {
  name: string;
  bind: BindConfig[];
  mode: Mode;
  defaultBackend: string;
  maxconn: number;
  /** New sessions per second at most; 0: no limit. */
  rateLimitSessions: number;
  /** `tarpit`: timeout tarpit, else the defaults' connect timeout (HAProxy's fallback). */
  timeout: {
    client: number;
    httpRequest: number;
    httpKeepAlive: number;
    tunnel: number;
    tarpit: number;
  };
  httpConnectionMode: "http-keep-alive" | "http-server-close" | "httpclose";
  forwardfor: false | { header: string; except?: string | undefined };
  forwardedProto: boolean;
  forwarded: boolean;
  via: string | null;
  acceptConnect: boolean;
  errorfiles: Record<string, string>;
  /** The access log format; the default follows the mode. */
  log: "httplog" | "tcplog" | "json" | "off";
}

/** A backend as the proxy runs it; durations in milliseconds. */
export interface EffectiveBackend {
  name: string;
  mode: Mode;
  /** The algorithm's name; `balanceSpec` holds its arguments too. */
  balance: BalanceName;
  /** The parsed `balance` line, for `createBalancer`. */
  balanceSpec: BalanceSpec;
  hashType: HashType;
  hashFunction: HashFunction;
  /** 0 (off) or a percentage of at least 100. */
  hashBalanceFactor: number;
  retries: number;
  retryOn: RetryOn;
  /** option redispatch's interval (0: never, -1: the last retry, 1: every retry). */
  redispatch: number;
  /** option allbackups. */
  allBackups: boolean;
  /** Cookie persistence, when the backend sets `cookie`. */
  cookie?: CookiePolicy;
  /** `check`: health checks' read timeout (timeout check), present only when set. */
  timeout: { connect: number; server: number; queue: number; tarpit: number; check?: number };
  /** HTTP health checks (option httpchk), present only when set; absent: TCP connect checks. */
  httpCheck?: NonNullable<BackendConfig["httpCheck"]>;
  httpReuse: typeof HTTP_REUSE[number];
  poolMaxConn: number;
  poolPurgeDelay: number;
  servers: ServerConfig[];
}

/** The whole config with defaults merged, frontends and backends in file order. */
export interface EffectiveConfig {
  global: Config["global"];
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
  const mode = fe.mode ?? d.mode;
  const ff = fe.forwardfor ?? d.forwardfor ?? false;
  return {
    name,
    bind: fe.bind,
    mode,
    defaultBackend: fe.defaultBackend,
    maxconn: fe.maxconn ?? d.maxconn,
    rateLimitSessions: fe.rateLimitSessions ?? 0,
    timeout: {
      client: fe.timeout?.client ?? d.timeout.client,
      httpRequest: fe.timeout?.httpRequest ?? d.timeout.httpRequest,
      httpKeepAlive: fe.timeout?.httpKeepAlive ?? d.timeout.httpKeepAlive,
      tunnel: fe.timeout?.tunnel ?? d.timeout.tunnel,
      tarpit: fe.timeout?.tarpit ?? d.timeout.tarpit ?? d.timeout.connect,
    },
    httpConnectionMode: fe.httpConnectionMode ?? d.httpConnectionMode ?? "http-keep-alive",
    forwardfor: ff === true ? { header: "X-Forwarded-For" } : ff,
    forwardedProto: fe.forwardedProto ?? d.forwardedProto ?? false,
    forwarded: fe.forwarded ?? d.forwarded ?? false,
    via: fe.via ?? d.via ?? null,
    acceptConnect: fe.acceptConnect ?? d.acceptConnect ?? false,
    errorfiles: { ...d.errorfiles, ...fe.errorfiles },
    log: fe.log ?? d.log ?? (mode === "http" ? "httplog" : "tcplog"),
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
  const balance = be.balance ?? d.balance;
  const check = be.timeout?.check ?? d.timeout.check;
  const httpCheck = be.httpCheck ?? d.httpCheck;
  return {
    name,
    mode: be.mode ?? d.mode,
    balance: balance.name,
    balanceSpec: balance,
    hashType: be.hashType ?? d.hashType,
    hashFunction: be.hashFunction ?? d.hashFunction,
    hashBalanceFactor: be.hashBalanceFactor ?? d.hashBalanceFactor,
    retries: be.retries ?? d.retries,
    retryOn: be.retryOn ?? d.retryOn ?? DEFAULT_RETRY_ON,
    redispatch: be.redispatch ?? d.redispatch,
    allBackups: be.allbackups ?? d.allbackups ?? false,
    ...(be.cookie ? { cookie: be.cookie } : {}),
    timeout: {
      connect: be.timeout?.connect ?? d.timeout.connect,
      server: be.timeout?.server ?? d.timeout.server,
      queue: be.timeout?.queue ?? d.timeout.queue ?? be.timeout?.connect ?? d.timeout.connect,
      tarpit: be.timeout?.tarpit ?? d.timeout.tarpit ?? be.timeout?.connect ?? d.timeout.connect,
      ...(check === undefined ? {} : { check }),
    },
    ...(httpCheck === undefined ? {} : { httpCheck }),
    httpReuse: be.httpReuse ?? d.httpReuse,
    poolMaxConn: be.poolMaxConn ?? d.poolMaxConn,
    poolPurgeDelay: be.poolPurgeDelay ?? d.poolPurgeDelay,
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
    global: config.global,
    frontends: Object.keys(config.frontends).map((n) => effectiveFrontend(config, n)),
    backends: Object.keys(config.backends).map((n) => effectiveBackend(config, n)),
  };
}
