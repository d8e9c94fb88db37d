/**
 * @module
 * The stats renderers: pure functions over a running proxy's read-only views (src/stats/views.ts),
 * every number read from the one metrics table. `RENDERERS` maps HAProxy's output names to them.
 *
 * @example
 * ```ts
 * import { RENDERERS } from "./src/stats/render/mod.ts";
 * const csv = RENDERERS.csv(handle, { now: Date.now() });
 * ```
 */
import type { ProxyView } from "../views.ts";
import { renderCsv } from "./csv.ts";
import { renderJson, renderTyped } from "./typed.ts";
import { renderPrometheus } from "./prometheus.ts";

export { CSV_HEADER, csvLine, renderCsv } from "./csv.ts";
export { renderJson, renderTyped } from "./typed.ts";
export { infoFields, type InfoOptions, renderInfo, uptimeText } from "./info.ts";
export { type PrometheusScope, renderPrometheus, scopesFromQuery } from "./prometheus.ts";
export { type HtmlOptions, renderHtml } from "./html.ts";
export { type FieldLine, fieldLines } from "./lines.ts";
export { CSV_COLUMNS } from "./columns.ts";
export { serverStatus } from "./status.ts";
export { columnMerge, mergeCsv, mergeInfo, splitCsv } from "./merge.ts";

/** The stat renderers that need nothing but the proxy and a clock, by `show stat` format name. */
export const RENDERERS: Readonly<
  Record<string, (proxy: ProxyView, o?: { now?: number }) => string>
> = {
  csv: renderCsv,
  json: renderJson,
  typed: renderTyped,
  prometheus: renderPrometheus,
};
