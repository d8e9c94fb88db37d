/** `http-request use-service NAME`: a local service of the frontend answers the request (HAProxy's prometheus-exporter). */
import { fail } from "../_fail.ts";
import { suggest } from "../_suggest.ts";
import { type ActionDef, noMore, word } from "./_action.ts";
import type { Verdict } from "./types.ts";

/** The services a rule may name; the frontend provides them (src/control/api/services.ts). */
export const SERVICE_NAMES: readonly string[] = ["prometheus-exporter"];

export function useService(): ActionDef {
  return {
    name: "use-service",
    sides: ["request"],
    compile(kw, args) {
      const w = word(args, 0, kw, "a service name");
      if (!SERVICE_NAMES.includes(w.text)) {
        fail(`unknown service "${w.text}"`, w.text, w.column, suggest(w.text, SERVICE_NAMES));
      }
      noMore(args, 1, kw);
      const verdict: Verdict = { type: "service", name: w.text };
      return { uses: [], run: () => verdict };
    },
  };
}
