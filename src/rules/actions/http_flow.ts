/** Actions that end the client connection's flow: tarpit (hold, then answer), silent-drop (reset), reject (close). */
import { type ActionDef, noMore, status, word } from "./_action.ts";
import type { Verdict } from "./types.ts";

function tarpit(): ActionDef {
  return {
    name: "tarpit",
    sides: ["request"],
    compile(kw, args) {
      let code = 500;
      let i = 0;
      for (; i < args.length; i++) {
        const w = args[i]!;
        if (w.text === "deny_status") {
          code = status(word(args, ++i, kw, `a status after "${w.text}"`), 200, 599);
        } else break;
      }
      noMore(args, i, kw);
      const verdict: Verdict = { type: "tarpit", status: code };
      return { uses: [], run: () => verdict };
    },
  };
}

/** An action without arguments that always decides `verdict`. */
function fixed(name: string, verdict: Verdict): ActionDef {
  return {
    name,
    sides: ["request"],
    compile(kw, args) {
      noMore(args, 0, kw);
      return { uses: [], run: () => verdict };
    },
  };
}

/** The flow actions, in registry order. */
export const FLOW_ACTIONS: readonly ActionDef[] = [
  tarpit(),
  fixed("silent-drop", { type: "silent-drop" }),
  fixed("reject", { type: "reject" }),
];
