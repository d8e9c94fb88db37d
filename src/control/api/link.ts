/** What the local services reach once the proxy runs: its objects for the renderers, the CommandRunner, the renderers. */
import type { ProxyView } from "../../stats/views.ts";
import type { CommandRunner } from "../types.ts";
import { type StatsRenderers, statsRenderers } from "./renderers.ts";

/**
 * Filled after `startPlan` (services are built with the plan, before the proxy exists). A service
 * asked before that, or a change with no runner connected, answers 503.
 */
export class ControlLink {
  proxy: ProxyView | null = null;
  runner: CommandRunner | null = null;
  /**
   * In a worker of a master: every worker's views merged (the stats page and /metrics show the
   * totals); null: `proxy` alone is this process's.
   */
  gather: (() => Promise<ProxyView>) | null = null;
  renderers: StatsRenderers = statsRenderers;
}
