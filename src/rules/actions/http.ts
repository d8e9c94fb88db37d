/** The http-request and http-response action keywords (HAProxy's http_act.c) by name, and set-var/unset-var. */
import { fail, RuleFailure } from "../_fail.ts";
import { varArg } from "../_prepare.ts";
import { compileSample } from "../sample.ts";
import type { Word } from "../tokenize.ts";
import { ArgumentError } from "../types.ts";
import { type ActionDef, noMore, word } from "./_action.ts";
import { authAction } from "./auth.ts";
import { ANSWER_ACTIONS } from "./http_answer.ts";
import { FLOW_ACTIONS } from "./http_flow.ts";
import { REWRITE_ACTIONS } from "./http_rewrite.ts";
import { STICK_ACTIONS } from "./stick.ts";
import { useService } from "./use_service.ts";

export type { ActionDef, ArgUse, CompiledAction } from "./_action.ts";

function setVar(): ActionDef {
  return {
    name: "set-var",
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      const name = varName(kw, arg);
      const expr = word(args, 0, kw, "a sample expression");
      const r = compileSample(expr);
      if (!r.ok) throw new RuleFailure(r.error);
      noMore(args, 1, kw);
      const sample = r.sample;
      return {
        uses: [{ fetch: sample.fetch, needs: sample.needs, column: sample.column }],
        run(t) {
          const v = sample.value(t.ctx);
          if (v !== undefined) t.ctx.vars.set(name, v);
        },
      };
    },
  };
}

function unsetVar(): ActionDef {
  return {
    name: "unset-var",
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      const name = varName(kw, arg);
      noMore(args, 0, kw);
      return {
        uses: [],
        run(t) {
          t.ctx.vars.delete(name);
        },
      };
    },
  };
}

function varName(kw: Word, arg: string | undefined): string {
  if (arg === undefined) {
    fail(`"${kw.text}" needs a variable: ${kw.text}(txn.name)`, kw.text, kw.column);
  }
  try {
    return varArg(arg, 0);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    return fail(e.message, arg, kw.column + kw.text.indexOf("(") + 1);
  }
}

/** Every action by keyword: a new action is one more entry. */
export const HTTP_ACTIONS: ReadonlyMap<string, ActionDef> = new Map(
  [
    ...ANSWER_ACTIONS,
    ...FLOW_ACTIONS,
    ...REWRITE_ACTIONS,
    ...STICK_ACTIONS,
    authAction(),
    setVar(),
    unsetVar(),
    useService(),
  ].map(
    (
      d,
    ) => [d.name, d],
  ),
);
