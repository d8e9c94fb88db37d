/** Local services: a request the proxy answers itself (stats page, prometheus-exporter, the API), with no server. */
import type { RequestHead } from "../../http1/types.ts";
import type { SampleContext } from "../../rules/mod.ts";

/** Largest request body a local service reads; a longer one is answered 413. */
export const MAX_SERVICE_BODY = 1 << 20;

/** What a service sees of its request: the head as parsed, the whole (de-chunked) body, the rules' view. */
export interface ServiceRequest {
  readonly head: RequestHead;
  readonly body: Uint8Array;
  /** The transaction's sample context (client address, TLS, variables), for conditions such as `stats admin`. */
  readonly ctx: SampleContext;
}

/** A service's answer: the transaction writes it in one write, with framing fields of its own. */
export interface ServiceAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | string;
}

export interface LocalService {
  /** For logs and messages: "stats", "prometheus-exporter", "api". */
  readonly name: string;
  serve(req: ServiceRequest): ServiceAnswer | Promise<ServiceAnswer>;
}

/**
 * A leading `http-request use-service NAME if { path P }` (or `path_beg P`) rule, answered by a
 * string compare on the target before the rules context is built (`routeMatches`).
 */
export interface ServiceRoute {
  readonly service: LocalService;
  /** Starts with "/", holds no "?". */
  readonly path: string;
  /** path_beg: the path starts with `path`; else it is `path`. */
  readonly prefix: boolean;
}

/** A frontend's services: the one that takes a request by itself (stats uri, the API) and those rules name. */
export interface FrontendServices {
  /**
   * The service of the first leading use-service rule whose path test this request passes, or
   * null: compared in place, nothing allocated, before any rule runs.
   */
  routed(req: RequestHead): LocalService | null;
  /** How many leading http-request rules `routed` answers: the frontend's rule list leaves them out. */
  readonly routedRules: number;
  /** The service that takes this request after the rules let it through, or null (the server gets it). */
  pick(req: RequestHead): LocalService | null;
  /** The service an `http-request use-service NAME` rule names. */
  named(name: string): LocalService | undefined;
}
