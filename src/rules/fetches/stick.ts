/** Stick table fetches: `sc_*(ctr)` / `sc0_*`..`sc2_*` on tracked entries, `src_*` looking the source up without tracking. */
import { TRACK_SLOTS } from "../../stick/tracker.ts";
import { intArg } from "../_prepare.ts";
import { readEntry, type Reader, READERS, tableArg, tableOf } from "../_stick.ts";
import { defineFetch, type FetchDef, type LoadContext, type SampleContext } from "../types.ts";

interface ScArgs {
  slot: number;
  elem: number;
  /** Another table to look the tracked key up in, or undefined: the tracking table. */
  table: string | undefined;
}

/** The tracked entry of slot `a.slot`, moved to `a.table` when named: [table, entry] or undefined. */
function tracked(ctx: SampleContext, a: ScArgs) {
  const tr = ctx.stick?.tracker;
  const t = tr?.table(a.slot);
  if (!tr || !t) return undefined;
  if (a.table === undefined) return [t, tr.entry(a.slot)] as const;
  const other = tableOf(ctx, a.table);
  return other ? [other, other.lookup(t.keyOf(tr.entry(a.slot)))] as const : undefined;
}

/** `sc_NAME([idx,]ctr[,table])` when `fixed` is undefined, else `scN_NAME([idx,][table])`. */
function scPrepare(r: Reader | null, fixed: number | undefined) {
  return (args: readonly string[], load: LoadContext): ScArgs => {
    let i = 0;
    const elem = r?.indexed ? intArg(args[i++] ?? "", 0, "the index", 0, 99) : 0;
    const slot = fixed ?? intArg(args[i++] ?? "", i - 1, "the counter", 0, TRACK_SLOTS - 1);
    const text = args[i];
    const table = text === undefined ? undefined : tableArg(text, i, load, r ?? undefined, elem);
    return { slot, elem, table };
  };
}

function scArgNames(r: Reader | null, fixed: number | undefined): string[] {
  return [...(r?.indexed ? ["idx"] : []), ...(fixed === undefined ? ["ctr"] : []), "table?"];
}

function scFetches(prefix: string, fixed: number | undefined): FetchDef[] {
  const out: FetchDef[] = READERS.map((r) =>
    defineFetch<ScArgs>({
      name: `${prefix}_${r.name}`,
      ...(r.aliases ? { aliases: r.aliases.map((a) => `${prefix}_${a}`) } : {}),
      args: scArgNames(r, fixed),
      type: "int",
      needs: "l4",
      prepare: scPrepare(r, fixed),
      fetch(ctx, a) {
        // the tracking table read in place (sc_http_req_rate(0) on every request): no pair built
        const tr = ctx.stick?.tracker;
        const t = a.table === undefined ? tr?.table(a.slot) : undefined;
        if (t) return readEntry(t, tr!.entry(a.slot), r, a.elem);
        const at = tracked(ctx, a);
        return at ? readEntry(at[0], at[1], r, a.elem) : undefined;
      },
    })
  );
  out.push(
    defineFetch<ScArgs>({
      name: `${prefix}_trackers`,
      args: scArgNames(null, fixed),
      type: "int",
      needs: "l4",
      prepare: scPrepare(null, fixed),
      fetch(ctx, a) {
        const at = tracked(ctx, a);
        return at ? (at[1] < 0 ? 0 : at[0].refs(at[1])) : undefined;
      },
    }),
    defineFetch<ScArgs>({
      name: `${prefix}_tracked`,
      args: scArgNames(null, fixed),
      type: "bool",
      needs: "l4",
      prepare: scPrepare(null, fixed),
      fetch: (ctx, a) => tracked(ctx, a) !== undefined,
    }),
  );
  return out;
}

interface SrcArgs {
  elem: number;
  table: string;
}

function srcFetch(r: Reader): FetchDef {
  return defineFetch<SrcArgs>({
    name: `src_${r.name}`,
    ...(r.aliases ? { aliases: r.aliases.map((a) => `src_${a}`) } : {}),
    args: [...(r.indexed ? ["idx"] : []), "table?"],
    type: "int",
    needs: "l4",
    prepare(args, load) {
      const elem = r.indexed ? intArg(args[0] ?? "", 0, "the index", 0, 99) : 0;
      const at = r.indexed ? 1 : 0;
      return { elem, table: tableArg(args[at], at, load, r, elem) };
    },
    fetch(ctx, a) {
      const t = tableOf(ctx, a.table);
      const key = t?.key(ctx.src);
      return t && key !== undefined ? readEntry(t, t.lookup(key), r, a.elem) : undefined;
    },
  });
}

/** Every stick table fetch: a new datum is one more line in READERS. */
export const STICK_FETCHES: readonly FetchDef[] = [
  ...scFetches("sc", undefined),
  ...Array.from({ length: TRACK_SLOTS }, (_, i) => scFetches(`sc${i}`, i)).flat(),
  ...READERS.map(srcFetch),
];
