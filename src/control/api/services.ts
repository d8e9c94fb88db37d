/** A frontend's local services: the stats page under its uri, the API app for every request, those `use-service` names. */
import type { RequestHead } from "../../http1/types.ts";
import type { FrontendServices, LocalService } from "../../proxy/http/service.ts";
import type { ControlLink } from "./link.ts";
import { PrometheusExporter } from "./prometheus.ts";
import type { StatsPage } from "./stats_page.ts";

/** The services `http-request use-service NAME` may name, built per frontend. */
export const NAMED_SERVICES: ReadonlyMap<string, (link: ControlLink) => LocalService> = new Map([
  ["prometheus-exporter", (link: ControlLink) => new PrometheusExporter(link)],
]);

export class Services implements FrontendServices {
  readonly #stats: StatsPage | null;
  readonly #all: LocalService | null;
  readonly #named = new Map<string, LocalService>();

  /** `all`: a service that takes every request (the API listener's app); else the stats page's uri decides. */
  constructor(link: ControlLink, stats: StatsPage | null, all: LocalService | null = null) {
    this.#stats = stats;
    this.#all = all;
    for (const [name, make] of NAMED_SERVICES) this.#named.set(name, make(link));
  }

  pick(req: RequestHead): LocalService | null {
    if (this.#all !== null) return this.#all;
    return this.#stats !== null && this.#stats.takes(req.target) ? this.#stats : null;
  }

  named(name: string): LocalService | undefined {
    return this.#named.get(name);
  }
}
