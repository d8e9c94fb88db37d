/** A frontend's local services: the stats page under its uri, the API app for every request, those `use-service` names. */
import type { RequestHead } from "../../http1/types.ts";
import type { FrontendServices, LocalService, ServiceRoute } from "../../proxy/http/service.ts";
import { routeMatches } from "../../proxy/http/service_route.ts";
import type { ControlLink } from "./link.ts";
import { PrometheusExporter } from "./prometheus.ts";
import type { StatsPage } from "./stats_page.ts";

/** The services `http-request use-service NAME` may name, built per frontend. */
export const NAMED_SERVICES: ReadonlyMap<string, (link: ControlLink) => LocalService> = new Map([
  ["prometheus-exporter", (link: ControlLink) => new PrometheusExporter(link)],
]);

/** Leading use-service rules answered by a path compare: `path` is the route, `rules` how many rule lines they were. */
export interface RouteLines {
  readonly routes: readonly { service: string; path: string; prefix: boolean }[];
  readonly rules: number;
}

const NO_ROUTES: RouteLines = { routes: [], rules: 0 };

export class Services implements FrontendServices {
  readonly #stats: StatsPage | null;
  readonly #all: LocalService | null;
  readonly #named = new Map<string, LocalService>();
  readonly #routes: ServiceRoute[];
  readonly routedRules: number;

  /** `all`: a service that takes every request (the API listener's app); else the stats page's uri decides. */
  constructor(
    link: ControlLink,
    stats: StatsPage | null,
    all: LocalService | null = null,
    routes: RouteLines = NO_ROUTES,
  ) {
    this.#stats = stats;
    this.#all = all;
    for (const [name, make] of NAMED_SERVICES) this.#named.set(name, make(link));
    this.#routes = routes.routes.map((r) => {
      const service = this.#named.get(r.service);
      if (service === undefined) throw new RangeError(`use-service: no service "${r.service}"`);
      return { service, path: r.path, prefix: r.prefix };
    });
    this.routedRules = routes.rules;
  }

  routed(req: RequestHead): LocalService | null {
    const routes = this.#routes;
    for (let i = 0; i < routes.length; i++) {
      if (routeMatches(routes[i]!, req.target)) return routes[i]!.service;
    }
    return null;
  }

  pick(req: RequestHead): LocalService | null {
    if (this.#all !== null) return this.#all;
    return this.#stats !== null && this.#stats.takes(req.target) ? this.#stats : null;
  }

  named(name: string): LocalService | undefined {
    return this.#named.get(name);
  }
}
