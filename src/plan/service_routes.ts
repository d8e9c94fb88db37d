/** The leading `use-service NAME if { path P }` / `{ path_beg P }` rules of a frontend, as routes answered before its rules run. */
import type { RouteLines } from "../control/api/services.ts";

const RULE = /^\s*use-service\s+(\S+)\s+if\s+\{\s+(path|path_beg)\s+([^{}]+?)\s+\}\s*$/;
/** A pattern compared as written: a path without query, flags, quoting or escapes. */
const PLAIN = /^\/[^?"'\\\s]*$/;

/**
 * The routes of the frontend's first http-request lines while each is a use-service rule whose
 * condition is one anonymous `path` or `path_beg` test of plain patterns; the first other line
 * ends them (later rules keep their order). None when tcp-request content rules run first.
 */
export function serviceRoutes(
  httpRequest: readonly string[] | undefined,
  tcpContentRules: number,
): RouteLines {
  const routes: { service: string; path: string; prefix: boolean }[] = [];
  let rules = 0;
  if (tcpContentRules > 0) return { routes, rules };
  for (const line of httpRequest ?? []) {
    const m = RULE.exec(line);
    const patterns = m ? m[3]!.split(/\s+/) : [];
    if (!m || !patterns.every((p) => PLAIN.test(p))) break;
    for (const path of patterns) routes.push({ service: m[1]!, path, prefix: m[2] === "path_beg" });
    rules++;
  }
  return { routes, rules };
}
