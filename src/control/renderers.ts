/** The stats renderers the control plane answers with (`show info`, `show stat`), given the process facts they print. */
import process from "node:process";
import { renderCsv, renderInfo, renderJson, renderTyped } from "../stats/render/mod.ts";
import type { InfoOptions } from "../stats/render/mod.ts";
import { VERSION } from "../version.ts";
import type { StatsRenderers } from "./commands/context.ts";

/** When this process started (uptime in `show info` and on the stats page). */
const STARTED = Date.now();

/** The process facts `show info` and the stats page print: pid, version, start, memory now. */
export function processFacts(): InfoOptions {
  return {
    pid: process.pid,
    version: VERSION,
    startedAt: STARTED,
    memoryBytes: process.memoryUsage().rss,
  };
}

export const cliRenderers: StatsRenderers = {
  renderInfo: (proxy) => renderInfo(proxy, processFacts()),
  renderCsv: (proxy) => renderCsv(proxy),
  renderTyped: (proxy) => renderTyped(proxy),
  renderJson: (proxy) => renderJson(proxy),
};
