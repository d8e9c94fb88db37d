/** Stick table actions: `track-sc0|1|2 KEY [table T]`, `sc-inc-gpc(N,SC)`, `sc-inc-gpc0/1(SC)`, `sc-set-gpt(N,SC) EXPR`, `sc-set-gpt0(SC) EXPR`. */
import { typeId } from "../../stick/data_types.ts";
import { KeyMemo } from "../../stick/key_memo.ts";
import { TRACK_SLOTS, Tracker } from "../../stick/tracker.ts";
import { fail, RuleFailure } from "../_fail.ts";
import { intArg } from "../_prepare.ts";
import { tableArg } from "../_stick.ts";
import { compileSample, scopedLoad } from "../sample.ts";
import type { Word } from "../tokenize.ts";
import { ArgumentError, type SampleContext } from "../types.ts";
import { type ActionDef, noMore, word } from "./_action.ts";

/** Runs `parse`, turning an ArgumentError into a rule failure at the keyword. */
function checked<T>(kw: Word, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    return fail(e.message, kw.text, kw.column);
  }
}

function track(slot: number): ActionDef {
  return {
    name: `track-sc${slot}`,
    sides: ["request"],
    compile(kw, args) {
      const key = word(args, 0, kw, "a key sample expression (e.g. src)");
      const r = compileSample(key);
      if (!r.ok) throw new RuleFailure(r.error);
      let named: string | undefined;
      if (args[1]) {
        if (args[1].text !== "table") {
          fail(
            `expected "table" after the key, got "${args[1].text}"`,
            args[1].text,
            args[1].column,
          );
        }
        named = word(args, 2, args[1], "a table name").text;
        noMore(args, 3, kw);
      }
      const load = scopedLoad();
      const table = checked(kw, () => tableArg(named, 2, load));
      const sample = r.sample;
      const memo = new KeyMemo();
      return {
        uses: [{ fetch: sample.fetch, needs: sample.needs, column: sample.column }],
        run(t) {
          const st = t.ctx.stick;
          if (!st || st.tracker?.table(slot)) return undefined;
          const tab = memo.table(st.tables, table);
          const v = tab ? sample.value(t.ctx) : undefined;
          const k = v === undefined ? undefined : memo.key(tab!, v);
          if (k === undefined) return undefined;
          const now = tab!.now(); // read once: the clock is not free
          const e = tab!.get(k, now);
          if (e >= 0) {
            (st.tracker ??= new Tracker()).track(slot, tab!, e, t.ctx.req !== undefined, now);
          }
          return undefined;
        },
      };
    },
  };
}

/** The `(N,SC)` or `(SC)` of an sc-* keyword: [element, slot]. */
function scArgs(kw: Word, arg: string | undefined, indexed: boolean): [number, number] {
  const parts = arg === undefined ? [] : arg.split(",");
  const want = indexed ? "(N,SC)" : "(SC)";
  if (parts.length !== (indexed ? 2 : 1)) {
    fail(
      `"${kw.text}" needs ${want}: e.g. ${kw.text.split("(")[0]}${indexed ? "(0,0)" : "(0)"}`,
      kw.text,
      kw.column,
    );
  }
  return checked(kw, () => [
    indexed ? intArg(parts[0]!.trim(), 0, "the index", 0, 99) : 0,
    intArg(parts.at(-1)!.trim(), indexed ? 1 : 0, "the counter", 0, TRACK_SLOTS - 1),
  ]);
}

function entryOf(ctx: SampleContext, slot: number) {
  const tr = ctx.stick?.tracker, t = tr?.table(slot);
  return tr && t ? [t, tr.entry(slot)] as const : undefined;
}

function incGpc(name: string, cnt: string, rate: string, fixed?: number): ActionDef {
  const cntId = typeId(cnt), rateId = typeId(rate);
  return {
    name,
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      noMore(args, 0, kw);
      const [elem, slot] = fixed === undefined
        ? scArgs(kw, arg, true)
        : [fixed, scArgs(kw, arg, false)[1]];
      const n = fixed === undefined ? elem : 0;
      return {
        uses: [],
        run(t) {
          const at = entryOf(t.ctx, slot);
          if (!at) return undefined;
          at[0].add(at[1], rateId, n, 1);
          at[0].add(at[1], cntId, n, 1);
          at[0].touch(at[1]);
          return undefined;
        },
      };
    },
  };
}

function setGpt(name: string, fixed?: number): ActionDef {
  const id = typeId(fixed === undefined ? "gpt" : "gpt0");
  return {
    name,
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      const [elem, slot] = fixed === undefined
        ? scArgs(kw, arg, true)
        : [0, scArgs(kw, arg, false)[1]];
      const expr = word(args, 0, kw, "a sample expression or an integer");
      // an integer is a constant, as HAProxy's `sc-set-gpt0(0) 1`
      const text = /^[+-]?\d{1,15}$/.test(expr.text) ? `int(${expr.text})` : expr.text;
      const r = compileSample({ text, column: expr.column });
      if (!r.ok) throw new RuleFailure(r.error);
      noMore(args, 1, kw);
      const sample = r.sample;
      return {
        uses: [{ fetch: sample.fetch, needs: sample.needs, column: sample.column }],
        run(t) {
          const at = entryOf(t.ctx, slot);
          const v = at ? Number(sample.value(t.ctx)) : NaN;
          if (!at || !Number.isInteger(v)) return undefined;
          at[0].set(at[1], id, elem, v);
          at[0].touch(at[1]);
          return undefined;
        },
      };
    },
  };
}

/** Every stick table action by keyword. */
export const STICK_ACTIONS: readonly ActionDef[] = [
  ...Array.from({ length: TRACK_SLOTS }, (_, i) => track(i)),
  incGpc("sc-inc-gpc", "gpc", "gpc_rate"),
  incGpc("sc-inc-gpc0", "gpc0", "gpc0_rate", 0),
  incGpc("sc-inc-gpc1", "gpc1", "gpc1_rate", 1),
  setGpt("sc-set-gpt"),
  setGpt("sc-set-gpt0", 0),
];

/** The stick actions tcp-request rules take too. */
export const TCP_STICK_ACTIONS: readonly string[] = STICK_ACTIONS.map((d) => d.name);
