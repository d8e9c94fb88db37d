/**
 * @module
 * `tsproxy explain`: a dry run of one HTTP request through a config. The plan is built as for
 * `run` (no listener bound), the request goes through the real request phase (`runRequestRules`
 * with each rule list wrapped to record it), the balancer of a fresh backend, and the head builder.
 *
 * @example
 * ```ts
 * const head = requestFromArgs("GET /api/x", ["Host: a.example"]);
 * console.log(renderText(await explain(config, { head, src: "10.0.0.7" })));
 * ```
 */
export { explain } from "./explain.ts";
export { renderJson, renderText } from "./render.ts";
export { requestFromArgs, requestFromRaw } from "./request.ts";
export type * from "./types.ts";
