/** The local services of the plan: each HTTP frontend's stats page and use-service names, the API listener (`global.api`). */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { compileStatsAdmin, statsOf } from "../config/stats_admin.ts";
import type { ApiAccounts } from "../control/api/api_auth.ts";
import type { ControlLink } from "../control/api/link.ts";
import { Services } from "../control/api/services.ts";
import { StatsPage } from "../control/api/stats_page.ts";
import { serviceRoutes } from "./service_routes.ts";
import { parseBalance } from "../lb/parse.ts";
import { accessLogger } from "../log/access_sink.ts";
import { ErrorPages } from "../proxy/http/error_pages.ts";
import type { FrontendServices } from "../proxy/http/service.ts";
import type { ProxyPlan } from "../proxy/proxy.ts";
import { bindTlsPlan } from "./bind_tls.ts";

/**
 * The frontend's services: a stats page if it has `stats`, the named ones if any rule says
 * use-service, its leading use-service rules on a path as routes (`serviceRoutes`; none when
 * `tcpContentRules` run first).
 */
export function frontendServices(
  config: Config,
  name: string,
  link: ControlLink,
  tcpContentRules = 0,
): FrontendServices | null {
  const stats = statsOf(config, name);
  const usesService = Object.values({ ...config.backends, [name]: config.frontends[name]! })
    .some((s) => (s.httpRequest ?? []).some((l) => /^\s*use-service\s/.test(l)));
  if (stats === undefined && !usesService) return null;
  let page: StatsPage | null = null;
  if (stats !== undefined) {
    const admin = compileStatsAdmin(config, name);
    if (admin.issues.length > 0) throw new Error(`frontend ${name}: ${admin.issues[0]!.message}`);
    page = new StatsPage({
      uri: stats.uri,
      refresh: Math.round((stats.refresh ?? 0) / 1000),
      auth: stats.auth ?? [],
      realm: stats.realm,
      admin: admin.condition,
      hideVersion: stats.hideVersion,
    }, link);
  }
  const routes = serviceRoutes(config.frontends[name]!.httpRequest, tcpContentRules);
  return new Services(link, page, null, routes);
}

const API_TIMEOUT = 30_000;

/** The API listener as a frontend of its own whose every request goes to the Hono app; null without `global.api`. */
export async function apiFrontend(
  config: Config,
  link: ControlLink,
  base: string | undefined,
): Promise<ProxyPlan["frontends"][number] | null> {
  const api = config.global.api;
  if (api === undefined) return null;
  const accounts: ApiAccounts = {
    tokens: await Promise.all(api.tokens.map(async (t, i) => ({
      name: t.name,
      level: t.level,
      token: t.token ?? await readToken(t.tokenFile!, base, `global.api.tokens[${i}]`),
    }))),
    users: api.users.map((u) => ({
      name: u.name,
      password: u.password ?? u.insecurePassword!,
      insecure: u.password === undefined,
      level: u.level,
    })),
  };
  // Hono and the API's routes load only when the config has an API
  const [{ apiApp }, { FetchService }] = await Promise.all([
    import("../control/api/app.ts"),
    import("../control/api/hono_service.ts"),
  ]);
  const app = apiApp(accounts, link);
  const service = new FetchService("api", app, (req) => ({ client: req.ctx.src }));
  const balance = parseBalance("roundrobin");
  if (!balance.ok) throw new Error(balance.error);
  const tune = config.global.tune;
  return {
    name: "api",
    mode: "http",
    binds: api.bind.map((a, i) => ({
      host: a.host,
      port: a.port,
      ...(a.tls ? { tls: bindTlsPlan(a.tls, `global.api bind[${i}]`, API_TIMEOUT, base) } : {}),
    })),
    maxconn: 100,
    clientTimeout: API_TIMEOUT,
    defaultBackend: "api",
    rules: null,
    http: {
      limits: {
        maxHead: tune.bufsize,
        maxRequestLine: tune.maxRequestLine,
        maxHeaders: tune.maxHeaders,
      },
      clientTimeout: API_TIMEOUT,
      httpRequestTimeout: 10_000,
      httpKeepAliveTimeout: 10_000,
      tunnelTimeout: API_TIMEOUT,
      tarpitTimeout: API_TIMEOUT,
      connectionMode: "http-keep-alive",
      forwardFor: null,
      forwardedProto: false,
      forwarded: false,
      via: null,
      acceptConnect: false,
      errors: new ErrorPages(new Map()),
      compression: null,
    },
    accessLog: accessLogger("httplog"),
    services: new Services(link, null, service),
    ownBackend: {
      name: "api",
      mode: "http",
      balance: balance.spec,
      hashType: "map-based",
      hashBalanceFactor: 0,
      retries: 0,
      connectTimeout: API_TIMEOUT,
      serverTimeout: API_TIMEOUT,
      poolMaxConn: 0,
      poolPurgeDelay: 0,
      servers: [],
    },
  };
}

async function readToken(file: string, base: string | undefined, where: string): Promise<string> {
  try {
    const token = (await readFile(resolve(base ?? ".", file), "utf8")).trim();
    if (token.length < 16) throw new Error("a token needs at least 16 characters");
    return token;
  } catch (err) {
    throw new Error(`${where}.tokenFile: cannot use ${file}: ${(err as Error).message}`);
  }
}
