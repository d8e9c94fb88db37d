/**
 * @module
 * Rule actions: `httpRequest` / `httpResponse` lines compiled into `{ cond, run }`, `useBackend`
 * lines into `{ backend, cond }`, and their evaluation.
 *
 * @example
 * ```ts
 * const { rules, errors } = compileHttpRules(["set-header X-Api yes if is_api"], "request", acls);
 * const verdict = evaluateHttpRules(rules, { ctx, req });
 * ```
 */
export * from "./types.ts";
export * from "./compile.ts";
export { compileLogFormat, type LogFormat } from "./log_format.ts";
export { type ActionDef, HTTP_ACTIONS } from "./http.ts";
export * from "./tcp.ts";
