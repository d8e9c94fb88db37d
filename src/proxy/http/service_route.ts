/** Service routes: whether a target passes a route's path test (`path P`, `path_beg P`) without building the path; the rules left after them. */
import { type FrontendRules, hasRules, pathStart } from "../../rules/mod.ts";
import type { ServiceRoute } from "./service.ts";

/**
 * True when the path of `target` (after any scheme and authority, before "?") is the route's
 * path, or starts with it for a prefix route: what the `path` and `path_beg` fetches would match.
 */
export function routeMatches(route: ServiceRoute, target: string): boolean {
  const at = target.charCodeAt(0) === 0x2f ? 0 : pathStart(target);
  if (at < 0 || !target.startsWith(route.path, at)) return false;
  if (route.prefix) return true;
  const end = at + route.path.length;
  return end === target.length || target.charCodeAt(end) === 0x3f; // "?"
}

/**
 * The frontend's rules without the first `routed` request rules (the routes answer those before
 * the rules run); null when nothing is left to run.
 */
export function withoutRouted(rules: FrontendRules | null, routed: number): FrontendRules | null {
  if (rules === null || routed === 0) return rules;
  const rest = { ...rules, request: rules.request.slice(routed) };
  return hasRules(rest) ? rest : null;
}
