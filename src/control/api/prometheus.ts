/** `http-request use-service prometheus-exporter`: the metrics in Prometheus' text format, `?scope=` as HAProxy's exporter. */
import type { LocalService, ServiceAnswer, ServiceRequest } from "../../proxy/http/service.ts";
import type { ControlLink } from "./link.ts";

const TYPE: [string, string] = ["content-type", "text/plain; version=0.0.4; charset=utf-8"];

/** The `scope` parameters of a request target (HAProxy: global, frontend, backend, server, `*`). */
export function scopesOf(target: string): string[] {
  const q = target.indexOf("?");
  if (q < 0) return [];
  return new URLSearchParams(target.slice(q + 1)).getAll("scope");
}

export class PrometheusExporter implements LocalService {
  readonly name = "prometheus-exporter";
  readonly #link: ControlLink;

  constructor(link: ControlLink) {
    this.#link = link;
  }

  async serve(req: ServiceRequest): Promise<ServiceAnswer> {
    const proxy = this.#link.gather ? await this.#link.gather() : this.#link.proxy;
    if (proxy === null) return { status: 503, headers: [], body: "" };
    const body = this.#link.renderers.renderPrometheus(proxy, scopesOf(req.head.target));
    return { status: 200, headers: [TYPE], body };
  }
}
